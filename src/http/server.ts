import { serve, type ServerType } from "@hono/node-server";
import { type Context, Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { sql, type Kysely } from "kysely";
import type { Database } from "../db/schema.ts";
import { migrationsApplied } from "../db/migrate.ts";
import type { Logger } from "../logger.ts";

export interface WebhookAnswer {
  status: number;
  body: string;
}

/** A webhook receiver: takes the raw body (signatures are computed over it) and one signature header. */
export type RawWebhookHandler = (rawBody: string, signature: string | undefined) => Promise<WebhookAnswer>;

export interface ServerDeps {
  db: Kysely<Database>;
  logger: Logger;
  stripeWebhook?: RawWebhookHandler;
  esimgoCallback?: RawWebhookHandler;
  telegramWebhook?: (c: Context) => Promise<Response>;
  /** Extra applications mounted under a path (the sandbox's checkout pages). */
  mounts?: { path: string; app: Hono }[];
  maxBodyBytes?: number;
}

export function createServer(deps: ServerDeps): Hono {
  const app = new Hono();
  const limit = bodyLimit({
    maxSize: deps.maxBodyBytes ?? 1024 * 1024,
    onError: (c) => c.json({ error: "payload too large" }, 413),
  });

  app.get("/healthz", (c) => c.json({ status: "ok" }));
  app.get("/readyz", async (c) => {
    const ready = await isReady(deps.db);
    return c.json({ status: ready ? "ready" : "not ready" }, ready ? 200 : 503);
  });

  mountRawWebhook(app, "/webhooks/stripe", "stripe-signature", deps.stripeWebhook, limit);
  mountRawWebhook(app, "/webhooks/esimgo", "x-signature-sha256", deps.esimgoCallback, limit);
  const telegram = deps.telegramWebhook;
  if (telegram) app.post("/webhooks/telegram", limit, (c) => telegram(c));

  for (const mount of deps.mounts ?? []) app.route(mount.path, mount.app);

  app.notFound((c) => c.json({ error: "not found" }, 404));
  app.onError((error, c) => {
    deps.logger.error({ err: error, path: c.req.path, method: c.req.method }, "request failed");
    return c.json({ error: "internal error" }, 500);
  });
  return app;
}

function mountRawWebhook(
  app: Hono,
  path: string,
  signatureHeader: string,
  handler: RawWebhookHandler | undefined,
  limit: ReturnType<typeof bodyLimit>,
): void {
  if (!handler) return;
  app.post(path, limit, async (c) => {
    const answer = await handler(await c.req.text(), c.req.header(signatureHeader));
    return c.body(answer.body, answer.status as 200, { "content-type": "application/json" });
  });
}

async function isReady(db: Kysely<Database>): Promise<boolean> {
  try {
    await sql`select 1`.execute(db);
    return await migrationsApplied(db);
  } catch {
    return false;
  }
}

export interface RunningServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Listens and resolves once the port is bound (port 0 picks a free one). */
export function listen(app: Hono, options: { port: number; host: string }): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    const server: ServerType = serve({ fetch: app.fetch, port: options.port, hostname: options.host }, (info) => {
      server.off("error", onError);
      const host = options.host === "0.0.0.0" || options.host === "::" ? "127.0.0.1" : options.host;
      resolve({ url: `http://${host}:${info.port}`, port: info.port, close: () => closeServer(server) });
    });
    server.once("error", onError);
  });
}

/** How long requests in flight may take to finish after close() before their connections are cut. */
const CLOSE_GRACE_MS = 10_000;

/**
 * Stops accepting connections and resolves once every request in flight has been answered.
 * Idle keep-alive connections are closed at once and again as requests finish (a connection
 * goes idle after its last response and would otherwise hold close() open for its keep-alive
 * timeout); a request still running after the grace period has its connection cut.
 */
function closeServer(server: ServerType | undefined, graceMs = CLOSE_GRACE_MS): Promise<void> {
  return new Promise((resolve) => {
    if (!server) return resolve();
    const http1 = "closeIdleConnections" in server ? server : undefined;
    const sweep = setInterval(() => http1?.closeIdleConnections(), 50);
    const deadline = setTimeout(() => http1?.closeAllConnections(), graceMs);
    server.close(() => {
      clearInterval(sweep);
      clearTimeout(deadline);
      resolve();
    });
    http1?.closeIdleConnections();
  });
}
