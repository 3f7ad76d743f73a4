import path from "node:path";
import pino, { type DestinationStream } from "pino";
import { type Config, ConfigError, parseConfig, secretValues } from "./config.ts";
import { DatabaseLockedError } from "./db/index.ts";
import { loadEnvironment } from "./env.ts";
import { createLogger, type Logger, secretScrubber } from "./logger.ts";
import { SANDBOX_COPY, SandboxUnavailableError, shortPath } from "./sandbox/index.ts";
import { startApp } from "./start.ts";

/** The terminal chat owns stdout in the sandbox, so logs go to a file there. */
function logDestination(config: Config): DestinationStream | undefined {
  if (!config.telegram.simulated) return undefined;
  const file = path.resolve(config.database.dataDir, "sandbox.log");
  // Start-up takes a while the first time (the embedded database is created): say so before the wait.
  console.error(SANDBOX_COPY.en.starting(shortPath(file)));
  // Synchronous: a start-up that fails at once (a second instance) exits before an async file would be open.
  return pino.destination({ dest: file, mkdir: true, sync: true });
}

async function main(): Promise<void> {
  const config = parseConfig(loadEnvironment());
  const secrets = secretValues(config);
  const logger = createLogger({ level: config.logLevel, secrets, destination: logDestination(config) });
  const app = await startApp(config, logger).catch((error: unknown) => failStartup(error, logger, secretScrubber(secrets)));
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

/**
 * Config, lock and missing-sandbox errors are the operator's to fix: one clear message, no stack. Anything else is
 * one line here too; the details (stack included) go to the log, which scrubs secrets.
 */
function failStartup(error: unknown, logger?: Logger, scrub: (text: string) => string = (text) => text): never {
  if (error instanceof ConfigError || error instanceof DatabaseLockedError || error instanceof SandboxUnavailableError) {
    if (error instanceof SandboxUnavailableError) logger?.error({ err: error.cause }, "the sandbox's stand-ins could not be loaded");
    console.error(scrub(error.message));
  } else {
    logger?.error({ err: error }, "start-up failed");
    console.error(scrub(`Start-up failed: ${error instanceof Error ? error.message : String(error)}`));
  }
  logger?.flush();
  process.exit(1);
}

main().catch((error: unknown) => failStartup(error));
