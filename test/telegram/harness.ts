import { randomBytes } from "node:crypto";
import { run } from "@grammyjs/runner";
import { Api, type Bot } from "grammy";
import type { Kysely } from "kysely";
import pino from "pino";
import { createCatalogue, type Catalogue } from "../../src/catalogue/index.ts";
import type { Language } from "../../src/customers/index.ts";
import type { Database, Order } from "../../src/db/schema.ts";
import { createEsimGoClient, type EsimGoClient } from "../../src/esimgo/index.ts";
import { startEsimGoSim } from "@esim-shop/esimgo-sim";
import type { Logger } from "../../src/logger.ts";
import { createRoutingNotifier, type Notifier } from "../../src/notify/index.ts";
import { createPayments } from "../../src/payments/index.ts";
import { createShop, type Shop } from "../../src/shop/index.ts";
import { createBot, createTelegramOutbox, sandboxMarkerIn, telegramReturnUrls, telegramStarRefunds, type BotContext, type BotSettings } from "../../src/telegram/index.ts";
import type { PricingSettings } from "../../src/pricing/index.ts";
import { startStripeSim } from "@esim-shop/stripe-sim";
import { startTelegramSim, type SimInlineButton, type SimMessage, type SimUser, type TelegramSim } from "@esim-shop/telegram-sim";
import { customerIdOfTelegram } from "../helpers/customers.ts";
import { startWebhookServer } from "../helpers/webhooks.ts";

export { decodeQr } from "../helpers/qr.ts";

export type EsimGoSim = Awaited<ReturnType<typeof startEsimGoSim>>;
export type StripeSim = Awaited<ReturnType<typeof startStripeSim>>;

export interface BotHarnessOptions {
  db: Kysely<Database>;
  adminIds?: number[];
  sandbox?: boolean;
  pageSize?: number;
  rateLimit?: BotSettings["rateLimit"];
  logger?: Logger;
  pricing?: PricingSettings;
  /** The simulator's catalogue; default "small" (a few countries), "full" is about 1,900 bundles. */
  catalogueSize?: "small" | "full";
  /** Receive updates through grammY's runner, as production's long polling does (chats side by side), not one by one. */
  runner?: boolean;
  /** Offer payment in Telegram Stars at this worth of one Star in dollars. */
  stars?: { usdPerStar: number };
}

export const TEST_PRICING: PricingSettings = { markupPercent: 35, fixedFeeMinor: 0, minMarginMinor: 100, rounding: "99" };
const STRIPE_SECRET_KEY = "sk_test_harness";
export const REFUND_POLICY = "Unused eSIMs are refunded within 14 days of purchase.";

/**
 * The real bot, shop, catalogue and notifier wired to the outside world's stand-ins over real HTTP: the Telegram
 * Bot API simulator (long polling), the eSIM Go simulator and the Stripe stand-in (webhooks to a local receiver).
 */
export interface BotHarness {
  telegram: TelegramSim;
  esimgo: EsimGoSim;
  stripe: StripeSim;
  esimgoClient: EsimGoClient;
  shop: Shop;
  catalogue: Catalogue;
  notifier: Notifier;
  readonly bot: Bot<BotContext>;
  db: Kysely<Database>;
  /** Stops the bot and starts a new instance over the same database, as a process restart would. */
  restartBot(): Promise<void>;
  user(id: number, language?: Language, firstName?: string): HarnessUser;
  /** Pays the newest order's Checkout Session at the Stripe stand-in and waits for the webhook to be handled. */
  payLatestOrder(user: HarnessUser): Promise<Order>;
  /** Runs the fulfilment worker until nothing is due. */
  fulfil(): Promise<void>;
  close(): Promise<void>;
}

export async function startBotHarness(options: BotHarnessOptions): Promise<BotHarness> {
  const { db } = options;
  const logger = options.logger ?? pino({ level: process.env.HARNESS_LOG ?? "silent" });
  const closers: (() => Promise<unknown>)[] = [];
  try {
    const telegram = await startTelegramSim({ port: 0 });
    closers.push(() => telegram.close());
    const esimgo = await startEsimGoSim({ port: 0, catalogueSize: options.catalogueSize ?? "small", rateLimitPerSecond: 0 });
    closers.push(() => esimgo.close());

    const webhookSecret = `whsec_${randomBytes(12).toString("hex")}`;
    const stripe = await startStripeSim({ port: 0, webhookSecret, secretKey: STRIPE_SECRET_KEY });
    closers.push(() => stripe.close());

    const esimgoClient = createEsimGoClient({ baseUrl: esimgo.baseUrl, apiKey: esimgo.apiKey });
    closers.push(async () => esimgoClient.close());
    const adminIds = options.adminIds ?? [];
    const sandbox = options.sandbox ?? false;
    const outbox = createTelegramOutbox({
      api: new Api(telegram.token, { apiRoot: telegram.apiRoot }),
      adminIds,
      logger,
      ...(sandbox ? { sandboxMarker: sandboxMarkerIn(db) } : {}),
    });
    const notifier = createRoutingNotifier({ db, channels: { telegram: outbox }, logger });
    const pricing = options.pricing ?? TEST_PRICING;
    const catalogue = createCatalogue({ db, esimgo: esimgoClient, notifier, logger, pricing, maxAgeMs: 6 * 3_600_000 });
    const synced = await catalogue.sync();
    if (!synced.ok) throw new Error(`catalogue sync failed: ${synced.error}`);

    const shop = createShop({
      db,
      esimgo: esimgoClient,
      esimgoApiKey: esimgo.apiKey,
      payments: createPayments({ secretKey: STRIPE_SECRET_KEY, apiUrl: stripe.apiUrl, settings: { checkoutExpiryMinutes: 30, webhookSecret } }),
      starRefunds: telegramStarRefunds(new Api(telegram.token, { apiRoot: telegram.apiRoot })),
      returnUrls: (_channel, orderId) => telegramReturnUrls(telegram.botInfo.username, orderId),
      notifier,
      logger,
      settings: {
        pricing,
        fulfilmentDeadlineMinutes: 120,
        lowBalanceThresholdMinor: 5_000,
        usageCacheSeconds: 60,
        retryBaseMs: 10,
        retryMaxMs: 50,
        ...(options.stars ? { stars: { usdPerStar: options.stars.usdPerStar, invoiceMinutes: 30 } } : {}),
      },
    });
    // The product's own HTTP routes receive what the stand-ins post.
    const receiver = await startWebhookServer(db, {
      stripe: (raw, signature) => shop.handleStripeWebhook(raw, signature),
      esimgo: (raw, signature) => shop.handleEsimGoCallback(raw, signature),
    });
    closers.push(() => receiver.close());
    stripe.control.setWebhookUrl(receiver.stripeUrl);
    esimgo.control.setWebhookUrl(receiver.esimgoUrl);

    let stopRunner: (() => Promise<void>) | undefined;
    const startPolling = async (): Promise<Bot<BotContext>> => {
      const created = createBot({
        token: telegram.token,
        apiRoot: telegram.apiRoot,
        botInfo: telegram.botInfo,
        db,
        catalogue,
        shop,
        logger,
        settings: {
          adminIds,
          refundPolicy: REFUND_POLICY,
          supportContact: "@esim_support",
          sandbox,
          lowBalanceThresholdMinor: 5_000,
          ...(options.pageSize ? { pageSize: options.pageSize } : {}),
          rateLimit: options.rateLimit ?? { limit: 1_000, timeFrameMs: 1_000 },
          ...(options.stars ? { stars: options.stars } : {}),
        },
      });
      if (options.runner) {
        await created.init();
        const runner = run(created);
        stopRunner = () => (runner.isRunning() ? runner.stop() : Promise.resolve());
      } else {
        await new Promise<void>((resolve) => void created.start({ onStart: () => resolve(), timeout: 1 }));
      }
      return created;
    };
    const stopBot = () => stopRunner?.() ?? bot.stop();
    let bot = await startPolling();
    closers.push(() => stopBot());

    const users = new Map<number, HarnessUser>();
    const harness: BotHarness = {
      telegram,
      esimgo,
      stripe,
      esimgoClient,
      shop,
      catalogue,
      notifier,
      get bot() {
        return bot;
      },
      db,
      async restartBot() {
        await stopBot();
        bot = await startPolling();
      },
      user(id, language = "en", firstName = `Traveller ${id}`) {
        let user = users.get(id);
        if (!user) {
          user = new HarnessUser(telegram, { id, first_name: firstName, language_code: language });
          users.set(id, user);
        }
        return user;
      },
      async payLatestOrder(user) {
        const order = await latestOrderOf(db, user.profile.id);
        if (!order.stripe_session_id) throw new Error(`order ${order.id} has no Checkout Session`);
        await stripe.control.pay(order.stripe_session_id);
        await stripe.control.idle();
        return latestOrderOf(db, user.profile.id);
      },
      async fulfil() {
        for (let pass = 0; pass < 50; pass++) if ((await shop.runDueOnce()) === 0) return;
        throw new Error("the worker still had due orders after 50 passes");
      },
      async close() {
        for (const close of closers.reverse()) await close().catch(() => undefined);
      },
    };
    return harness;
  } catch (error) {
    for (const close of closers.reverse()) await close().catch(() => undefined);
    throw error;
  }
}

export async function latestOrderOf(db: Kysely<Database>, telegramId: number): Promise<Order> {
  const customerId = await customerIdOfTelegram(db, telegramId);
  return db.selectFrom("orders").selectAll().where("customer_id", "=", customerId).orderBy("id", "desc").limit(1).executeTakeFirstOrThrow();
}

/** Search, plan, confirm, Pay: until the payment link arrives. */
export async function receiveLink(user: HarnessUser, query: string): Promise<void> {
  const plans = await user.openPlans(query);
  const confirm = await user.press(await user.press(plans, /^b:/), /^🛒/);
  const before = user.lastMessageId();
  await user.press(confirm, /^✅/);
  await user.waitFor((m) => m.message_id > before && buttonsOf(m).some((b) => b.url !== undefined));
}

/** A person in a private chat with the bot. */
export class HarnessUser {
  constructor(
    private readonly telegram: TelegramSim,
    readonly profile: SimUser,
  ) {}

  get chatId(): number {
    return this.profile.id;
  }

  private lastUpdateId = 0;

  /** Resolves once the bot has finished with this user's latest update (its state is written, its effects done). */
  async settled(): Promise<void> {
    if (!(await this.telegram.handled(this.lastUpdateId))) throw new Error(`update ${this.lastUpdateId} was not handled`);
  }

  /** Sends a text and returns the bot's first answer to it. */
  async send(text: string): Promise<SimMessage> {
    const before = this.lastMessageId();
    this.lastUpdateId = await this.telegram.sendText(this.profile, text);
    return this.telegram.waitFor(this.chatId, (m) => m.from === "bot" && m.message_id > before);
  }

  /** Types a destination and opens all its plans from the plan chooser (the list the chooser keeps one tap away). */
  async openPlans(destination: string): Promise<SimMessage> {
    const chooser = await this.send(destination);
    return this.press(chooser, /^o:[A-Z]{2}:0$/);
  }

  /** Presses the button whose text or data matches, waits for the answer, and returns the message as it is now. */
  async press(message: SimMessage, button: string | RegExp): Promise<SimMessage> {
    const target = this.button(message, button);
    const before = this.lastMessageId();
    const { callbackQueryId, updateId } = await this.telegram.pressButton(this.profile, message.message_id, target.callback_data ?? "");
    this.lastUpdateId = updateId;
    // Every button press must be answered, or the customer's button keeps spinning.
    if (!(await this.telegram.answerOf(callbackQueryId))) throw new Error(`the bot did not answer the press of ${target.text} (${target.callback_data})`);
    const newer = this.telegram.messages(this.chatId).filter((m) => m.from === "bot" && m.message_id > before);
    return newer[0] ?? this.current(message.message_id);
  }

  /** Presses raw callback data (forged or stale) on a message and returns the callback answer. */
  async pressData(messageId: number, data: string) {
    const { callbackQueryId, updateId } = await this.telegram.pressButton(this.profile, messageId, data);
    this.lastUpdateId = updateId;
    const answer = await this.telegram.answerOf(callbackQueryId);
    if (!answer) throw new Error(`the bot did not answer the press of ${data}`);
    return answer;
  }

  waitFor(predicate: (m: SimMessage) => boolean): Promise<SimMessage> {
    return this.telegram.waitFor(this.chatId, (m) => m.from === "bot" && predicate(m));
  }

  current(messageId: number): SimMessage {
    const found = this.telegram.messages(this.chatId).find((m) => m.message_id === messageId);
    if (!found) throw new Error(`message ${messageId} not found`);
    return found;
  }

  botMessages(): SimMessage[] {
    return this.telegram.messages(this.chatId).filter((m) => m.from === "bot");
  }

  lastMessageId(): number {
    return this.telegram.messages(this.chatId).reduce((max, m) => Math.max(max, m.message_id), 0);
  }

  button(message: SimMessage, button: string | RegExp): SimInlineButton {
    const found = buttonsOf(message).find((b) =>
      typeof button === "string" ? b.text === button || b.callback_data === button : button.test(b.text) || (b.callback_data !== undefined && button.test(b.callback_data)),
    );
    if (!found) throw new Error(`no button ${String(button)} in: ${buttonsOf(message).map((b) => b.text).join(" | ")}`);
    return found;
  }
}

export function buttonsOf(message: SimMessage): SimInlineButton[] {
  const keyboard = (message.reply_markup as { inline_keyboard?: SimInlineButton[][] } | undefined)?.inline_keyboard ?? [];
  return keyboard.flat();
}

export function textOf(message: SimMessage): string {
  return message.plainText ?? message.text ?? message.caption ?? "";
}


/** Every callback data the bot ever sent in this chat. */
export function allCallbackData(telegram: TelegramSim, chatId: number): string[] {
  return telegram
    .messages(chatId)
    .flatMap((message) => buttonsOf(message))
    .map((button) => button.callback_data)
    .filter((data): data is string => data !== undefined);
}
