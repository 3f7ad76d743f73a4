import { serve, type ServerType } from "@hono/node-server";
import { type Context, Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { sql, type Kysely } from "kysely";
import type { Database } from "../db/schema.ts";
import { migrationsApplied } from "../db/migrate.ts";
import type { Logger } from "../logger.ts";
import { noMetrics, type Metrics, type WebhookCount, type WebhookSource } from "../metrics/port.ts";
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

/** How a webhook is counted: not ours counts as handled, unreadable as refused, "send it again" as failed. */
const COUNTED_AS: Record<WebhookOutcome, WebhookCount> = { applied: "applied", ignored: "applied", duplicate: "duplicate", refused: "refused", malformed: "refused", retry: "failed" };

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
  metrics?: Pick<Metrics, "webhook">;
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

  const metrics = deps.metrics ?? noMetrics;
  mountRawWebhook(app, { path: "/webhooks/stripe", source: "stripe", signatureHeader: "stripe-signature", status: STATUS.stripe }, deps.stripeWebhook, limit, metrics);
  mountRawWebhook(app, { path: "/webhooks/esimgo", source: "esimgo", signatureHeader: "x-signature-sha256", status: STATUS.esimgo }, deps.esimgoCallback, limit, metrics);
  const telegram = deps.telegramWebhook;
  if (telegram) app.post("/webhooks/telegram", limit, (c) => counted(metrics, "telegram", () => telegram(c), countResponse));
  const whatsapp = deps.whatsapp;
  if (whatsapp) {
    app.get("/webhooks/whatsapp", (c) => {
      const challenge = whatsapp.verifySubscription({ mode: c.req.query("hub.mode"), token: c.req.query("hub.verify_token"), challenge: c.req.query("hub.challenge") });
      return challenge === undefined ? c.text("forbidden", 403) : c.text(challenge, 200);
    });
    app.post("/webhooks/whatsapp", limit, async (c) => {
      // The signature is over the bytes as sent: never re-encode them before checking.
      const raw = new Uint8Array(await c.req.arrayBuffer());
      const outcome = await counted(metrics, "whatsapp", () => whatsapp.handleWebhook(raw, c.req.header("x-hub-signature-256")), countOutcome);
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

interface RawWebhookRoute {
  path: string;
  source: "stripe" | "esimgo";
  signatureHeader: string;
  status: Record<WebhookOutcome, StatusCode>;
}

function mountRawWebhook(app: Hono, route: RawWebhookRoute, handler: RawWebhookHandler | undefined, limit: ReturnType<typeof bodyLimit>, metrics: Pick<Metrics, "webhook">): void {
  if (!handler) return;
  app.post(route.path, limit, async (c) => {
    const raw = await c.req.text();
    const outcome = await counted(metrics, route.source, () => handler(raw, c.req.header(route.signatureHeader)), countOutcome);
    return c.json({ outcome }, route.status[outcome]);
  });
}

/** Runs a webhook handler and counts what became of it (`countOf`); a throw is counted as failed (and answered 500 by onError). */
async function counted<T>(metrics: Pick<Metrics, "webhook">, source: WebhookSource, handle: () => Promise<T>, countOf: (result: T) => WebhookCount): Promise<T> {
  let result: T;
  try {
    result = await handle();
  } catch (error) {
    metrics.webhook(source, "failed");
    throw error;
  }
  metrics.webhook(source, countOf(result));
  return result;
}

/** What a handler that answers in HTTP itself (grammY's) did: 401 is a refused secret, any other non-2xx a failure. */
const countResponse = (response: Response): WebhookCount => (response.ok ? "applied" : response.status === 401 ? "refused" : "failed");
const countOutcome = (outcome: WebhookOutcome): WebhookCount => COUNTED_AS[outcome];

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
