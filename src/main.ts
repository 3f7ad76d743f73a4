import path from "node:path";
import pino, { type DestinationStream } from "pino";
import { type Config, ConfigError, parseConfig, secretValues } from "./config.ts";
import { shortPath, startApp } from "./app.ts";
import { DatabaseLockedError } from "./db/index.ts";
import { loadEnvironment } from "./env.ts";
import { createLogger } from "./logger.ts";

/** The terminal chat owns stdout in the sandbox, so logs go to a file there. */
function logDestination(config: Config): DestinationStream | undefined {
  if (!config.simulated.telegram) return undefined;
  const file = path.resolve(config.database.dataDir, "sandbox.log");
  // Start-up takes a while the first time (the embedded database is created): say so before the wait.
  console.error(`Starting the sandbox… (logs: ${shortPath(file)})`);
  return pino.destination({ dest: file, mkdir: true, sync: false });
}

async function main(): Promise<void> {
  const config = parseConfig(loadEnvironment());
  const logger = createLogger({ level: config.logLevel, secrets: secretValues(config), destination: logDestination(config) });
  const app = await startApp(config, logger);
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down: finishing work in flight");
    await app.stop();
    logger.info("stopped");
    logger.flush();
  };
  process.once("SIGINT", () => void stop("SIGINT"));
  process.once("SIGTERM", () => void stop("SIGTERM"));
  await app.done;
}

main().catch((error: unknown) => {
  // Config and lock errors are the operator's to fix: one clear message, no stack.
  if (error instanceof ConfigError || error instanceof DatabaseLockedError) console.error(error.message);
  else console.error("Start-up failed:", error instanceof Error ? error.message : String(error));
  process.exit(1);
});
