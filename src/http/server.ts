import { serve, type ServerType } from "@hono/node-server";
import { type Context, Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { sql, type Kysely } from "kysely";
import type { Database } from "../db/schema.ts";
import { migrationsApplied } from "../db/migrate.ts";
import type { Logger } from "../logger.ts";
import type { WebhookOutcome } from "../shop/index.ts";

/** A webhook receiver: takes the raw body (signatures are computed over it) and one signature header. */
export type RawWebhookHandler = (rawBody: string, signature: string | undefined) => Promise<WebhookOutcome>;

type StatusCode = 200 | 400 | 401 | 500;

/**
 * Only this layer speaks status codes. A refused signature is 400 for Stripe (what its docs ask) and 401 for eSIM Go;
 * "retry" (nothing was stored) is a 5xx so the sender tries again; everything stored or not ours is 200.
 */
const STATUS: Record<"stripe" | "esimgo", Record<WebhookOutcome, StatusCode>> = {
  stripe: { applied: 200, duplicate: 200, ignored: 200, refused: 400, malformed: 400, retry: 500 },
  esimgo: { applied: 200, duplicate: 200, ignored: 200, refused: 401, malformed: 400, retry: 500 },
};

/** The WhatsApp channel's two webhook routes: Meta's set-up handshake, and signed events over the raw bytes. */
export interface WhatsAppRoutes {
  verifySubscription(query: { mode?: string; token?: string; challenge?: string }): string | undefined;
  handleWebhook(rawBody: Uint8Array, signature: string | undefined): Promise<"applied" | "duplicate" | "refused" | "malformed">;
}

const WHATSAPP_STATUS = { applied: 200, duplicate: 200, refused: 401, malformed: 400 } as const;

export interface ServerDeps {
  db: Kysely<Database>;
  logger: Logger;
  stripeWebhook?: RawWebhookHandler;
  esimgoCallback?: RawWebhookHandler;
  telegramWebhook?: (c: Context) => Promise<Response>;
  whatsapp?: WhatsAppRoutes;
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

  mountRawWebhook(app, "/webhooks/stripe", "stripe-signature", deps.stripeWebhook, limit, STATUS.stripe);
  mountRawWebhook(app, "/webhooks/esimgo", "x-signature-sha256", deps.esimgoCallback, limit, STATUS.esimgo);
  const telegram = deps.telegramWebhook;
  if (telegram) app.post("/webhooks/telegram", limit, (c) => telegram(c));
  const whatsapp = deps.whatsapp;
  if (whatsapp) {
    app.get("/webhooks/whatsapp", (c) => {
      const challenge = whatsapp.verifySubscription({ mode: c.req.query("hub.mode"), token: c.req.query("hub.verify_token"), challenge: c.req.query("hub.challenge") });
      return challenge === undefined ? c.text("forbidden", 403) : c.text(challenge, 200);
    });
    app.post("/webhooks/whatsapp", limit, async (c) => {
      // The signature is over the bytes as sent: never re-encode them before checking.
      const raw = new Uint8Array(await c.req.arrayBuffer());
      const outcome = await whatsapp.handleWebhook(raw, c.req.header("x-hub-signature-256"));
      return c.json({ outcome }, WHATSAPP_STATUS[outcome]);
    });
  }

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
  status: Record<WebhookOutcome, StatusCode>,
): void {
  if (!handler) return;
  app.post(path, limit, async (c) => {
    const outcome = await handler(await c.req.text(), c.req.header(signatureHeader));
    return c.json({ outcome }, status[outcome]);
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
