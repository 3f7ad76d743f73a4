import pino from "pino";
import type { Kysely } from "kysely";
import type { Database } from "../../src/db/schema.ts";
import { createServer, listen, type RawWebhookHandler } from "../../src/http/server.ts";

/**
 * The product's own HTTP layer (its routes, body limit and status codes) in front of the given handlers, on a free
 * port: what the stand-ins post webhooks to. `url` is the base: `${url}/webhooks/stripe`, `${url}/webhooks/esimgo`.
 */
export async function startWebhookServer(
  db: Kysely<Database>,
  handlers: { stripe?: RawWebhookHandler; esimgo?: RawWebhookHandler },
): Promise<{ url: string; stripeUrl: string; esimgoUrl: string; close(): Promise<void> }> {
  const app = createServer({ db, logger: pino({ level: "silent" }), stripeWebhook: handlers.stripe, esimgoCallback: handlers.esimgo });
  const server = await listen(app, { port: 0, host: "127.0.0.1" });
  return { url: server.url, stripeUrl: `${server.url}/webhooks/stripe`, esimgoUrl: `${server.url}/webhooks/esimgo`, close: () => server.close() };
}
