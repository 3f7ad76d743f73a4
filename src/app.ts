import type { Kysely } from "kysely";
import type { ChannelPart } from "./channel-part.ts";
import { Hono } from "hono";
import { createCatalogue } from "./catalogue/index.ts";
import type { Config } from "./config.ts";
import { openDatabase, type Database } from "./db/index.ts";
import { migrateToLatest } from "./db/migrate.ts";
import type { Endpoints } from "./endpoints.ts";
import { createEsimGoClient, type EsimGoClient } from "./esimgo/index.ts";
import { createServer, listen } from "./http/server.ts";
import type { Logger } from "./logger.ts";
import { createPrometheusMetrics, metricsApp, noMetrics, observeBalance, refreshBalance, type Metrics, type PrometheusMetrics } from "./metrics/index.ts";
import { createRoutingNotifier } from "./notify/index.ts";
import { createPayments } from "./payments/index.ts";
import { createShop } from "./shop/index.ts";
import { createTelegramPart } from "./telegram/part.ts";
import { Teardown } from "./teardown.ts";
import { createWhatsAppPart } from "./whatsapp/part.ts";

export type { Endpoints } from "./endpoints.ts";

export interface RunningApp {
  url: string;
  /** Resolves once the app has stopped. */
  done: Promise<void>;
  /** Stops it: updates and webhooks in flight finish, then everything closes in reverse order of start. */
  stop(): Promise<void>;
}

export interface CreateAppOptions {
  /**
   * Called once the server listens, before the worker runs and updates arrive: the sandbox tells
   * its stand-ins where to post their webhooks here.
   */
  onListening?(url: string): void;
}

/**
 * Wires the product against resolved endpoints: database, provider clients, shop, bot and HTTP
 * server. It listens last, then starts the fulfilment worker and receiving Telegram updates.
 */
export async function createApp(config: Config, endpoints: Endpoints, logger: Logger, options: CreateAppOptions = {}): Promise<RunningApp> {
  const teardown = new Teardown(logger);
  try {
    return await wire(config, endpoints, logger, options, teardown);
  } catch (error) {
    await teardown.run();
    throw error;
  }
}

async function wire(config: Config, endpoints: Endpoints, logger: Logger, options: CreateAppOptions, teardown: Teardown): Promise<RunningApp> {
  const database = await openDatabase({
    databaseUrl: config.database.url,
    dataDir: config.database.dataDir,
    onConnectionError: (error) => logger.warn({ err: error }, "a database connection was dropped; the pool opens a new one"),
  });
  teardown.add("database", () => database.close());
  const applied = await migrateToLatest(database.db);
  logger.info({ database: database.kind, applied }, "database ready");

  const prometheus = config.metrics.token || config.metrics.port !== undefined ? createPrometheusMetrics({ db: database.db, logger }) : undefined;
  const metrics: Metrics = prometheus?.metrics ?? noMetrics;
  const client = createEsimGoClient({
    baseUrl: endpoints.esimgo.apiUrl,
    apiKey: endpoints.esimgo.apiKey,
    logger: logger.child({ module: "esimgo" }),
    onResponse: metrics.providerRequest,
  });
  teardown.add("esimgo client", () => client.close());
  const esimgo = prometheus ? observeBalance(client, metrics) : client;
  const parts = await channelParts(config, endpoints, database.db, logger, teardown);
  const notifier = createRoutingNotifier({ db: database.db, channels: Object.fromEntries(parts.map((part) => [part.channel, part.outbox])), logger });
  const catalogue = createCatalogue({ db: database.db, esimgo, notifier, logger, pricing: config.pricing, maxAgeMs: config.catalogueMaxAgeMs });
  await catalogue.load();
  await catalogue.syncIfStale();

  const shop = createShop({
    db: database.db,
    esimgo,
    esimgoApiKey: endpoints.esimgo.apiKey,
    payments: createPayments({
      secretKey: endpoints.stripe.secretKey,
      ...(endpoints.stripe.apiUrl ? { apiUrl: endpoints.stripe.apiUrl } : {}),
      settings: {
        checkoutExpiryMinutes: config.checkoutExpiryMinutes,
        webhookSecret: endpoints.stripe.webhookSecret,
        allowPromotionCodes: config.checkout.promotionCodes,
        adaptivePricing: config.checkout.adaptivePricing,
      },
    }),
    ...starRefundsOf(parts),
    returnUrls: (channel, orderId) => {
      const part = parts.find((p) => p.channel === channel);
      if (!part) throw new Error(`the ${channel} channel is not running`);
      return part.returnUrls(orderId);
    },
    notifier,
    logger,
    metrics,
    settings: {
      pricing: config.pricing,
      fulfilmentDeadlineMinutes: config.fulfilmentDeadlineMinutes,
      lowBalanceThresholdMinor: config.lowBalanceThresholdMinor,
      usageCacheSeconds: config.usageCacheSeconds,
      retentionDays: config.retentionDays,
      workerConcurrency: FULFILMENT_LANES,
      ...(config.stars.enabled && parts.some((part) => part.channel === "telegram") ? { stars: { usdPerStar: config.stars.usdPerStar, invoiceMinutes: config.checkoutExpiryMinutes } } : {}),
    },
  });

  const attached = await Promise.all(parts.map((part) => part.attach({ catalogue, shop, metrics })));
  const server = await listen(
    createServer({
      db: database.db,
      logger,
      stripeWebhook: (raw, signature) => shop.handleStripeWebhook(raw, signature),
      esimgoCallback: (raw, signature) => shop.handleEsimGoCallback(raw, signature),
      ...Object.assign({}, ...attached.map((channel) => channel.routes)),
      mounts: [...endpoints.mounts, ...(prometheus && config.metrics.token ? [{ path: "/metrics", app: metricsApp({ render: prometheus.render, token: config.metrics.token }) }] : [])],
      metrics,
    }),
    config.http,
  );
  teardown.add("http server", () => server.close());
  logger.info({ url: server.url }, "http server listening");
  if (prometheus) await serveMetrics(config.metrics, prometheus, esimgo, teardown, logger);
  options.onListening?.(server.url);

  const periodicSync = catalogue.startPeriodicSync();
  teardown.add("catalogue sync", () => periodicSync.stop());
  const worker = shop.startWorker();
  teardown.add("fulfilment worker", () => worker.stop());
  for (const channel of attached) await channel.start();

  let resolveDone: () => void = () => {};
  const done = new Promise<void>((resolve) => (resolveDone = resolve));
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= teardown.run().then(resolveDone);
    return stopping;
  };
  return { url: server.url, done, stop };
}

/** Refunds in Stars go through the Telegram channel's Bot API. */
function starRefundsOf(parts: ChannelPart[]): { starRefunds?: NonNullable<ChannelPart["starRefunds"]> } {
  const starRefunds = parts.find((part) => part.starRefunds)?.starRefunds;
  return starRefunds ? { starRefunds } : {};
}

const BALANCE_REFRESH_MS = 10 * 60_000;
/** Paid orders advanced side by side: one customer's slow delivery (their chat's own rate limit) holds up no one else. */
const FULFILMENT_LANES = 4;

/** The separate metrics port (loopback only), and the balance read now and then so its gauge stays current. */
async function serveMetrics(settings: Config["metrics"], prometheus: PrometheusMetrics, esimgo: EsimGoClient, teardown: Teardown, logger: Logger): Promise<void> {
  if (settings.port !== undefined) {
    const app = new Hono().route("/metrics", metricsApp({ render: prometheus.render, ...(settings.token ? { token: settings.token } : {}) }));
    const server = await listen(app, { port: settings.port, host: "127.0.0.1" });
    teardown.add("metrics server", () => server.close());
    logger.info({ url: `${server.url}/metrics` }, "metrics server listening");
  }
  const refresh = refreshBalance(esimgo, BALANCE_REFRESH_MS, logger);
  teardown.add("balance refresh", () => refresh.stop());
}

/** The chat channels this app runs: Telegram, WhatsApp, or both. */
async function channelParts(config: Config, endpoints: Endpoints, db: Kysely<Database>, logger: Logger, teardown: Teardown): Promise<ChannelPart[]> {
  const settings = { refundPolicy: config.refundPolicy, lowBalanceThresholdMinor: config.lowBalanceThresholdMinor, ...(config.supportContact ? { supportContact: config.supportContact } : {}) };
  const parts: ChannelPart[] = [];
  if (endpoints.telegram && config.telegram.mode !== "off") {
    const telegramSettings = { ...settings, ...(config.stars.enabled ? { stars: { usdPerStar: config.stars.usdPerStar } } : {}) };
    parts.push(await createTelegramPart({ endpoint: endpoints.telegram, config: config.telegram, adminIds: endpoints.adminIds, sandbox: endpoints.sandbox, settings: telegramSettings, db, logger, teardown }));
  }
  if (endpoints.whatsapp) parts.push(await createWhatsAppPart({ endpoint: endpoints.whatsapp, sandbox: endpoints.sandbox, retentionDays: config.retentionDays, settings, db, logger }));
  return parts;
}
