import { run } from "@grammyjs/runner";
import { Api, type Bot, webhookCallback } from "grammy";
import type { UserFromGetMe } from "grammy/types";
import type { Kysely } from "kysely";
import type { ChannelPart } from "../channel-part.ts";
import type { Config } from "../config.ts";
import type { Database } from "../db/schema.ts";
import type { Logger } from "../logger.ts";
import type { Teardown } from "../teardown.ts";
import type { BotContext } from "./context.ts";
import { createBot } from "./index.ts";
import { registerCommands } from "./commands.ts";
import { createTelegramOutbox, sandboxMarkerIn, telegramReturnUrls } from "./outbox.ts";
import { telegramStarRefunds } from "./stars.ts";

export interface TelegramPartDeps {
  endpoint: { token: string; apiRoot: string; botInfo?: UserFromGetMe };
  /** Polling or webhook, and the bot's settings. */
  config: Exclude<Config["telegram"], { mode: "off" }>;
  adminIds: number[];
  sandbox: boolean;
  settings: { refundPolicy: string; supportContact?: string; lowBalanceThresholdMinor: number; stars?: { usdPerStar: number } };
  db: Kysely<Database>;
  logger: Logger;
  teardown: Teardown;
}

/** The Telegram bot as the app wires it. */
export async function createTelegramPart(deps: TelegramPartDeps): Promise<ChannelPart> {
  const { token, apiRoot } = deps.endpoint;
  // The payment link's return URL needs the bot's username before the shop exists.
  const botInfo = deps.endpoint.botInfo ?? (await new Api(token, { apiRoot }).getMe());
  const outbox = createTelegramOutbox({
    api: new Api(token, { apiRoot }),
    adminIds: deps.adminIds,
    logger: deps.logger,
    ...(deps.sandbox ? { sandboxMarker: sandboxMarkerIn(deps.db) } : {}),
  });
  return {
    channel: "telegram",
    outbox,
    returnUrls: (orderId) => telegramReturnUrls(botInfo.username, orderId),
    // Always there: an order paid in Stars is refunded in Stars even after Stars were switched off.
    starRefunds: telegramStarRefunds(new Api(token, { apiRoot })),
    async attach({ catalogue, shop, metrics }) {
      const bot = createBot({
        token,
        apiRoot,
        botInfo,
        db: deps.db,
        catalogue,
        shop,
        logger: deps.logger,
        metrics,
        settings: { adminIds: deps.adminIds, sandbox: deps.sandbox, ...deps.settings },
      });
      await registerCommands(bot.api, deps.adminIds, { stars: deps.settings.stars !== undefined }).catch((error: unknown) => deps.logger.warn({ err: error }, "could not register bot commands"));
      const { config } = deps;
      return {
        // Telegram gives a webhook call 10 s and sends the update again when it takes longer: answer by then and let
        // the work go on (its chat stays serialised), so a slow checkout never runs twice.
        routes: config.mode === "webhook" ? { telegramWebhook: webhookCallback(bot, "hono", { secretToken: config.webhookSecret, onTimeout: "return", timeoutMilliseconds: WEBHOOK_ANSWER_MS }) } : {},
        start: () => receiveUpdates(deps, bot),
      };
    },
  };
}

const WEBHOOK_ANSWER_MS = 8_000;

async function receiveUpdates(deps: TelegramPartDeps, bot: Bot<BotContext>): Promise<void> {
  const { config, logger } = deps;
  if (config.mode === "webhook") {
    await bot.api.setWebhook(`${config.publicUrl}/webhooks/telegram`, { secret_token: config.webhookSecret, drop_pending_updates: false });
    logger.info("telegram webhook set");
    return;
  }
  await bot.api.deleteWebhook();
  // The runner fetches while earlier updates are still being handled: chats side by side, each in order.
  const runner = run(bot);
  logger.info({ bot: bot.botInfo.username }, "long polling started");
  deps.teardown.add("telegram polling", async () => {
    if (runner.isRunning()) await runner.stop();
  });
}
