import { autoRetry } from "@grammyjs/auto-retry";
import { conversations, createConversation } from "@grammyjs/conversations";
import { sequentialize } from "@grammyjs/runner";
import { Bot, type ApiClientOptions, type Context, type Middleware } from "grammy";
import type { UserFromGetMe } from "grammy/types";
import type { Kysely } from "kysely";
import { createCheckoutConversation, CHECKOUT_CONVERSATION } from "../../conversations/checkout.ts";
import type { Catalogue } from "../catalogue/index.ts";
import { isCheckoutData } from "../copy/index.ts";
import { createCustomerDirectory, type CustomerDirectory } from "../customers/index.ts";
import type { Database } from "../db/schema.ts";
import type { Logger } from "../logger.ts";
import type { Metrics } from "../metrics/port.ts";
import { createScreenCache } from "../screens/index.ts";
import type { Shop } from "../shop/index.ts";
import type { BaseContext, BotContext, BotSettings, FeatureDeps } from "./context.ts";
import { createKyselyConversationStorage, type KyselyConversationStorage } from "./conversation-storage.ts";
import { adminFeature } from "./features/admin.ts";
import { menuFeature } from "./features/menu.ts";
import { myEsimsFeature } from "./features/my-esims.ts";
import { offersFeature } from "./features/offers.ts";
import { searchFeature } from "./features/search.ts";
import { unhandledFeature } from "./features/unhandled.ts";
import { paySupportFeature, starsPaymentsFeature } from "./stars.ts";
import { answerEveryCallbackQuery, contextSetup, floodLimit, loadCustomer, privateChatGuard, sandboxMarker, trackBlocking } from "./middleware.ts";

export type { BotContext, BotSettings } from "./context.ts";
export { createTelegramOutbox, sandboxMarkerIn, telegramReturnUrls, type TelegramOutboxDeps } from "./outbox.ts";
export { telegramIdentity } from "./middleware.ts";
export { registerCommands } from "./commands.ts";
export { telegramStarRefunds } from "./stars.ts";
export { createKyselyConversationStorage, type KyselyConversationStorage } from "./conversation-storage.ts";

export interface BotDeps {
  token: string;
  apiRoot?: string;
  /** Replaces grammY's HTTP client for every Bot API call, conversations' included (benchmarks fake Telegram here). */
  fetch?: ApiClientOptions["fetch"];
  botInfo?: UserFromGetMe;
  db: Kysely<Database>;
  catalogue: Catalogue;
  shop: Shop;
  logger: Logger;
  settings: BotSettings;
  metrics?: Pick<Metrics, "update">;
}

const DEFAULT_PAGE_SIZE = 6;
const DEFAULT_RATE_LIMIT = { limit: 20, timeFrameMs: 10_000 };
/** Bump when the checkout conversation changes shape: old states are then discarded. */
const CONVERSATION_VERSION = 1;
const CONVERSATION_TTL_MS = 60 * 60_000;
const CONVERSATION_PURGE_EVERY_MS = 10 * 60_000;
const AUTO_RETRY = { maxRetryAttempts: 3, maxDelaySeconds: 30 };

/**
 * The Telegram bot: middleware in an explicit order, then one composer per feature, the "unhandled" one last.
 * Catalogue browsing is stateless; only checkout is a conversation.
 */
export function createBot(deps: BotDeps): Bot<BotContext> {
  const bot = new Bot<BotContext>(deps.token, {
    ...(deps.botInfo ? { botInfo: deps.botInfo } : {}),
    client: { ...(deps.apiRoot ? { apiRoot: deps.apiRoot } : {}), ...(deps.fetch ? { fetch: deps.fetch } : {}) },
  });
  const settings = { ...deps.settings, pageSize: deps.settings.pageSize ?? DEFAULT_PAGE_SIZE };
  const customers = createCustomerDirectory(deps.db);
  const screens = createScreenCache(() => deps.catalogue.revision());
  const features: FeatureDeps = { db: deps.db, customers, catalogue: deps.catalogue, screens, shop: deps.shop, settings, adminIds: new Set(settings.adminIds) };

  bot.api.config.use(autoRetry(AUTO_RETRY));
  if (deps.metrics) bot.use(countUpdates(deps.metrics));
  // Chats are served side by side (the runner, concurrent webhook calls), each chat's updates one after another: a
  // double tap on Pay is two updates in order, never two checkouts at once.
  bot.use(sequentialize(chatKey));
  bot.use(contextSetup(deps.logger));
  bot.use(answerEveryCallbackQuery());
  // Payments come before the flood limit and the guards: Telegram's 10 s for a pre-checkout, and money taken, wait for no one.
  bot.use(starsPaymentsFeature({ shop: deps.shop, customers }));
  bot.use(floodLimit(settings.rateLimit ?? DEFAULT_RATE_LIMIT));
  bot.use(trackBlocking(deps.db));
  bot.use(privateChatGuard());
  bot.use(loadCustomer(customers));
  if (settings.sandbox) bot.use(sandboxMarker());

  const chat = bot.chatType("private").errorBoundary(async (error) => {
    const ctx = error.ctx;
    ctx.logger.error({ err: error.error }, "update failed");
    await ctx.reply(ctx.t("error-generic")).catch((e: unknown) => ctx.logger.debug({ err: e }, "could not apologise"));
  });
  const storage = createKyselyConversationStorage<BotContext>(deps.db, { version: CONVERSATION_VERSION, ttlMs: CONVERSATION_TTL_MS });
  chat
    .filter(isCheckoutUpdate)
    .use(
      purgeStaleConversations(storage, deps.logger),
      conversations<BotContext, BaseContext>({ storage, plugins: conversationPlugins(deps, customers) }),
      createConversation(createCheckoutConversation({ shop: deps.shop, logger: deps.logger }), { id: CHECKOUT_CONVERSATION }),
    );
  // Browsing is most of the traffic and its buttons are the offers' own: they go first, tried before any other.
  chat.use(offersFeature(features));
  chat.use(menuFeature(features));
  chat.use(myEsimsFeature(features));
  chat.use(adminFeature(features));
  chat.use(paySupportFeature(features));
  chat.use(searchFeature(features));
  chat.use(unhandledFeature());

  bot.catch((error) => deps.logger.error({ err: error.error, update_id: error.ctx.update.update_id }, "update failed outside the error boundary"));
  return bot;
}

/** One queue per chat (a private chat's id is its person's); updates from no chat, and pre-checkout queries, run freely. */
function chatKey(ctx: Context): string | undefined {
  // Telegram waits 10 s for a pre-checkout answer: it never queues behind the payer's slower updates (a checkout).
  if (ctx.preCheckoutQuery) return undefined;
  return (ctx.chat?.id ?? ctx.from?.id)?.toString();
}

function countUpdates(metrics: Pick<Metrics, "update">): Middleware<BotContext> {
  return (_ctx, next) => {
    metrics.update("telegram");
    return next();
  };
}

/**
 * Only Pay buttons and the checkout's own question touch conversation state: browsing, by far most updates,
 * then costs no read of it. A checkout waiting for its answer simply keeps waiting while the customer browses.
 */
function isCheckoutUpdate(ctx: BotContext): boolean {
  const data = ctx.callbackQuery?.data;
  return data !== undefined && isCheckoutData(data);
}

/** Abandoned checkouts are deleted now and then, driven by traffic rather than a timer nobody stops. */
function purgeStaleConversations(storage: KyselyConversationStorage<BotContext>, logger: Logger): Middleware<BotContext> {
  let lastPurge = 0;
  return async (_ctx, next) => {
    const now = Date.now();
    if (now - lastPurge >= CONVERSATION_PURGE_EVERY_MS) {
      lastPurge = now;
      void storage.purgeStale().catch((error: unknown) => logger.warn({ err: error }, "could not purge stale conversations"));
    }
    await next();
  };
}

/** Conversations build fresh contexts and a fresh Api: give them the same logger, language, retries and sandbox marker. */
function conversationPlugins(deps: BotDeps, customers: CustomerDirectory): Middleware<BaseContext>[] {
  return [
    contextSetup(deps.logger.child({ conversation: CHECKOUT_CONVERSATION })),
    loadCustomer(customers),
    async (ctx, next) => {
      ctx.api.config.use(autoRetry(AUTO_RETRY));
      await next();
    },
    ...(deps.settings.sandbox ? [sandboxMarker<BaseContext>()] : []),
  ];
}
