import { autoRetry } from "@grammyjs/auto-retry";
import type { Api } from "grammy";
import type { Kysely } from "kysely";
import { translatorFor, type Message } from "../copy/index.ts";
import { findByIdentity, toLanguage } from "../customers/index.ts";
import type { Database } from "../db/schema.ts";
import type { Logger } from "../logger.ts";
import type { ChannelOutbox, DeliveryOutcome } from "../notify/index.ts";
import type { ReturnUrls } from "../payments/index.ts";
import { telegramIdentity } from "./middleware.ts";
import { isBlocked, sandboxTransformer, send } from "./ui.ts";

export interface TelegramOutboxDeps {
  api: Api;
  /** Telegram user ids of the operators. */
  adminIds: number[];
  logger: Logger;
  /** Every message says it is a sandbox, in the recipient's language. */
  sandboxMarker?: (chatId: number) => Promise<string>;
}

/** Kept well inside the fulfilment worker's 60 s lease on the order it is delivering. */
const OUTBOX_AUTO_RETRY = { maxRetryAttempts: 2, maxDelaySeconds: 20 };

/** How the routing notifier reaches people on Telegram: a private chat's id is the user's id. */
export function createTelegramOutbox(deps: TelegramOutboxDeps): ChannelOutbox {
  const { api } = deps;
  // A flood wait must not turn a paid eSIM into a failed delivery: wait it out like the bot does.
  api.config.use(autoRetry(OUTBOX_AUTO_RETRY));
  const marker = deps.sandboxMarker;
  if (marker) api.config.use(sandboxTransformer((chatId) => marker(Number(chatId))));

  async function deliver(externalId: string, messages: Message[]): Promise<DeliveryOutcome> {
    const chatId = Number(externalId);
    try {
      for (const message of messages) await send(api, chatId, message);
      return "delivered";
    } catch (error) {
      if (!isBlocked(error)) throw error;
      deps.logger.info({ chatId }, "customer blocked the bot; notice not delivered");
      return "blocked";
    }
  }

  return { deliver, adminIds: deps.adminIds.map(String) };
}

/** Back into the bot's chat after paying or cancelling; /start reads the order from the deep link. */
export function telegramReturnUrls(botUsername: string, orderId: number): ReturnUrls {
  const start = (what: string) => `https://t.me/${encodeURIComponent(botUsername)}?start=${what}_${orderId}`;
  return { successUrl: start("paid"), cancelUrl: start("cancel") };
}

/** The sandbox marker in the recipient's language (a customer's chosen one, else English). */
export function sandboxMarkerIn(db: Kysely<Database>): (chatId: number) => Promise<string> {
  return async (chatId) => translatorFor(toLanguage((await findByIdentity(db, telegramIdentity(chatId)))?.language))("sandbox-marker");
}
