import { Api, type Bot } from "grammy";
import type { Kysely } from "kysely";
import pino from "pino";
import { createCatalogue, type Catalogue } from "../src/catalogue/index.ts";
import { parseConfig } from "../src/config.ts";
import type { Database } from "../src/db/schema.ts";
import { createEsimGoClient, type EsimGoClient } from "../src/esimgo/index.ts";
import { startEsimGoSim, type EsimGoSim } from "@esim-shop/esimgo-sim";
import { startStripeSim } from "@esim-shop/stripe-sim";
import { createServer, listen } from "../src/http/server.ts";
import type { Logger } from "../src/logger.ts";
import { createRoutingNotifier } from "../src/notify/index.ts";
import { createPayments } from "../src/payments/index.ts";
import { createShop, type Shop } from "../src/shop/index.ts";
import { createBot, createTelegramOutbox, telegramReturnUrls, type BotContext } from "../src/telegram/index.ts";
import type { FakeTelegram } from "./fake-telegram.ts";

export type StripeSim = Awaited<ReturnType<typeof startStripeSim>>;

export interface WorldOptions {
  db: Kysely<Database>;
  telegram: FakeTelegram;
  logger: Logger;
  /** The eSIM Go simulator's per-second limit (0 = none) and added latency per request. */
  provider: { rateLimitPerSecond: number; latencyMs: number };
  /** Orders the fulfilment worker advances side by side (the shop's `workerConcurrency`). */
  workerConcurrency?: number;
  /** Called as each Stripe webhook reaches the product's route, before it is handled. */
  onStripeWebhook?: (rawBody: string) => void;
}

/** The product wired as `createApp` wires it, with every outside service replaced by its local stand-in. */
export interface World {
  esimgoSim: EsimGoSim;
  stripeSim: StripeSim;
  esimgo: EsimGoClient;
  catalogue: Catalogue;
  shop: Shop;
  bot: Bot<BotContext>;
  close(): Promise<void>;
}

const WEBHOOK_SECRET = "whsec_bench_0123456789abcdef";
const STRIPE_SECRET_KEY = "sk_test_bench";
/** The product's defaults (prices, expiry, deadlines), as a shop with no settings would run. */
const DEFAULTS = parseConfig({});

export async function startWorld(options: WorldOptions): Promise<World> {
  const closers: (() => Promise<unknown> | void)[] = [];
  const close = async () => {
    for (const step of closers.reverse()) await Promise.resolve(step()).catch(() => undefined);
  };
  try {
    return { ...(await wire(options, closers)), close };
  } catch (error) {
    await close();
    throw error;
  }
}

async function wire(options: WorldOptions, closers: (() => Promise<unknown> | void)[]): Promise<Omit<World, "close">> {
  const { db, telegram, logger } = options;
  const esimgoSim = await startEsimGoSim({ port: 0, catalogueSize: "small", balance: 1_000_000, ...options.provider });
  closers.push(() => esimgoSim.close());
  const stripeSim = await startStripeSim({ port: 0, webhookSecret: WEBHOOK_SECRET, secretKey: STRIPE_SECRET_KEY });
  closers.push(() => stripeSim.close());

  // The client paces itself to the provider's limit; with no limit at the provider it need not.
  const esimgo = createEsimGoClient({ baseUrl: esimgoSim.baseUrl, apiKey: esimgoSim.apiKey, logger, requestsPerSecond: options.provider.rateLimitPerSecond });
  closers.push(() => esimgo.close());
  const outbox = createTelegramOutbox({ api: new Api(telegram.token, { fetch: telegram.fetch }), adminIds: [], logger });
  const notifier = createRoutingNotifier({ db, channels: { telegram: outbox }, logger });
  const catalogue = createCatalogue({ db, esimgo, notifier, logger, pricing: DEFAULTS.pricing, maxAgeMs: DEFAULTS.catalogueMaxAgeMs });
  const synced = await catalogue.sync();
  if (!synced.ok) throw new Error(`catalogue sync failed: ${synced.error}`);

  const shop = createShop({
    db,
    esimgo,
    esimgoApiKey: esimgoSim.apiKey,
    payments: createPayments({ secretKey: STRIPE_SECRET_KEY, apiUrl: stripeSim.apiUrl, settings: { checkoutExpiryMinutes: DEFAULTS.checkoutExpiryMinutes, webhookSecret: WEBHOOK_SECRET } }),
    returnUrls: (_channel, orderId) => telegramReturnUrls(telegram.botInfo.username, orderId),
    notifier,
    logger,
    settings: {
      pricing: DEFAULTS.pricing,
      fulfilmentDeadlineMinutes: DEFAULTS.fulfilmentDeadlineMinutes,
      lowBalanceThresholdMinor: DEFAULTS.lowBalanceThresholdMinor,
      usageCacheSeconds: DEFAULTS.usageCacheSeconds,
      workerId: "bench-worker",
      workerConcurrency: options.workerConcurrency ?? 1,
    },
  });
  // The product's own HTTP route receives what the Stripe stand-in posts.
  const stripeWebhook = (raw: string, signature: string | undefined) => {
    options.onStripeWebhook?.(raw);
    return shop.handleStripeWebhook(raw, signature);
  };
  const server = await listen(createServer({ db, logger: pino({ level: "silent" }), stripeWebhook }), { port: 0, host: "127.0.0.1" });
  closers.push(() => server.close());
  stripeSim.control.setWebhookUrl(`${server.url}/webhooks/stripe`);
  const bot = createBenchBot(options, db, catalogue, shop);
  return { esimgoSim, stripeSim, esimgo, catalogue, shop, bot };
}

function createBenchBot(options: WorldOptions, db: Kysely<Database>, catalogue: Catalogue, shop: Shop): Bot<BotContext> {
  const { telegram } = options;
  return createBot({
    token: telegram.token,
    fetch: telegram.fetch,
    botInfo: telegram.botInfo,
    db,
    catalogue,
    shop,
    logger: options.logger,
    settings: {
      adminIds: [],
      refundPolicy: DEFAULTS.refundPolicy,
      sandbox: false,
      lowBalanceThresholdMinor: DEFAULTS.lowBalanceThresholdMinor,
    },
  });
}
