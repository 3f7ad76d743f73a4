import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Api, type Bot } from "grammy";
import type { Kysely } from "kysely";
import { createBot, createTelegramNotifier, type BotContext } from "../src/bot/index.ts";
import { createCatalogue, type Catalogue } from "../src/catalogue/index.ts";
import { parseConfig } from "../src/config.ts";
import type { Database } from "../src/db/schema.ts";
import { createEsimGoClient, type EsimGoClient } from "../src/esimgo/index.ts";
import { startEsimGoSim, type EsimGoSim } from "@esim-shop/esimgo-sim";
import type { Logger } from "../src/logger.ts";
import { createShop, type Shop } from "../src/orders/index.ts";
import { createStripeClient } from "../src/payments/index.ts";
import { startStripeSim } from "@esim-shop/stripe-sim";
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
  // The receiver listens before the shop exists: the Stripe stand-in needs its URL first.
  const late: { shop?: Shop } = {};
  const receiver = await startStripeWebhookReceiver((raw, signature) =>
    late.shop ? late.shop.handleStripeWebhook(raw, signature) : Promise.resolve({ status: 503, body: "not ready" }),
  );
  closers.push(() => receiver.close());
  const stripeSim = await startStripeSim({ port: 0, webhookSecret: WEBHOOK_SECRET, webhookUrl: receiver.url });
  closers.push(() => stripeSim.close());

  // The client paces itself to the provider's limit; with no limit at the provider it need not.
  const esimgo = createEsimGoClient({ baseUrl: esimgoSim.baseUrl, apiKey: esimgoSim.apiKey, logger, requestsPerSecond: options.provider.rateLimitPerSecond });
  closers.push(() => esimgo.close());
  const notifier = createTelegramNotifier({ api: new Api(telegram.token, { fetch: telegram.fetch }), db, adminIds: [], logger, sandbox: false });
  const catalogue = createCatalogue({ db, esimgo, notifier, logger, pricing: DEFAULTS.pricing, maxAgeMs: DEFAULTS.catalogueMaxAgeMs });
  const synced = await catalogue.sync();
  if (!synced.ok) throw new Error(`catalogue sync failed: ${synced.error}`);

  const stripe = createStripeClient({ secretKey: "sk_test_bench", apiUrl: stripeSim.apiUrl });
  const shop = createShop({
    db,
    esimgo,
    esimgoApiKey: esimgoSim.apiKey,
    stripe,
    notifier,
    logger,
    settings: {
      pricing: DEFAULTS.pricing,
      payments: { checkoutExpiryMinutes: DEFAULTS.checkoutExpiryMinutes, botUsername: telegram.botInfo.username, webhookSecret: WEBHOOK_SECRET },
      fulfilmentDeadlineMinutes: DEFAULTS.fulfilmentDeadlineMinutes,
      lowBalanceThresholdMinor: DEFAULTS.lowBalanceThresholdMinor,
      usageCacheSeconds: DEFAULTS.usageCacheSeconds,
      workerId: "bench-worker",
      workerConcurrency: options.workerConcurrency ?? 1,
    },
  });
  late.shop = shop;
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

interface WebhookReceiver {
  url: string;
  close(): Promise<void>;
}

/** What the product's `/webhooks/stripe` route does: the raw body and the signature header go to the shop. */
async function startStripeWebhookReceiver(handle: (raw: string, signature: string | undefined) => Promise<{ status: number; body: string }>): Promise<WebhookReceiver> {
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const signature = request.headers["stripe-signature"];
      handle(Buffer.concat(chunks).toString("utf8"), typeof signature === "string" ? signature : undefined)
        .then((answer) => response.writeHead(answer.status, { "content-type": "text/plain" }).end(answer.body))
        .catch(() => response.writeHead(500).end("error"));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhooks/stripe`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
