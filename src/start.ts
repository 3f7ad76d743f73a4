import { createApp, type RunningApp } from "./app.ts";
import type { Config } from "./config.ts";
import type { Logger } from "./logger.ts";
import { type SandboxOptions, startSandbox } from "./sandbox/index.ts";

export type { RunningApp } from "./app.ts";

/**
 * The product as `npm start` runs it: the sandbox resolves the endpoints (starting a stand-in for
 * each absent setting, none in production), the app is built against them and listens, then the
 * sandbox is connected to it. Stopping stops the app, then the stand-ins.
 */
export async function startApp(config: Config, logger: Logger, options: Omit<SandboxOptions, "logger"> = {}): Promise<RunningApp> {
  const sandbox = await startSandbox(config, { ...options, logger });
  let app: RunningApp | undefined;
  let quitEarly = false;
  let resolveDone: () => void = () => {};
  const done = new Promise<void>((resolve) => (resolveDone = resolve));
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      await app?.stop();
      await sandbox.close();
      resolveDone();
    })();
    return stopping;
  };
  try {
    // The person may leave the terminal chat before start-up returns: then it stops right after.
    app = await createApp(config, sandbox.endpoints, logger, {
      onListening: (url) =>
        sandbox.connect(url, () => {
          if (app) void stop();
          else quitEarly = true;
        }),
    });
  } catch (error) {
    await sandbox.close();
    throw error;
  }
  if (quitEarly) void stop();
  return { url: app.url, done, stop };
}
