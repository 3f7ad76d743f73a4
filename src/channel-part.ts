import type { Catalogue } from "./catalogue/index.ts";
import type { Channel } from "./db/schema.ts";
import type { ServerDeps } from "./http/server.ts";
import type { Metrics } from "./metrics/index.ts";
import type { ChannelOutbox } from "./notify/index.ts";
import type { ReturnUrls, StarRefunds } from "./payments/index.ts";
import type { Shop } from "./shop/index.ts";

/**
 * One chat channel as the app wires it, in two steps: what the shop needs before it exists (how to reach people, where
 * a payment returns to), then what needs the shop (the bot or the inbound handler, its HTTP routes, its start).
 */
export interface ChannelPart {
  channel: Channel;
  outbox: ChannelOutbox;
  returnUrls(orderId: number): ReturnUrls;
  /** Refunds of payments in Telegram Stars (the Telegram channel only). */
  starRefunds?: StarRefunds;
  attach(core: { catalogue: Catalogue; shop: Shop; metrics: Metrics }): Promise<AttachedChannel>;
}

export interface AttachedChannel {
  routes: Pick<ServerDeps, "telegramWebhook" | "whatsapp">;
  /** Starts receiving (polling, a webhook registration, handling what a crash left), once the server listens. */
  start(): Promise<void>;
}
