import { Api, type Bot, webhookCallback } from "grammy";
import { type Context, Hono } from "hono";
import { createCatalogue } from "./catalogue/index.ts";
import type { Config } from "./config.ts";
import { openDatabase } from "./db/index.ts";
import { migrateToLatest } from "./db/migrate.ts";
import type { Endpoints } from "./endpoints.ts";
import { createEsimGoClient, type EsimGoClient } from "./esimgo/index.ts";
import { createServer, listen } from "./http/server.ts";
import type { Logger } from "./logger.ts";
import { createPrometheusMetrics, metricsApp, noMetrics, observeBalance, refreshBalance, type Metrics, type PrometheusMetrics } from "./metrics/index.ts";
import { createRoutingNotifier } from "./notify/index.ts";
import { createPayments } from "./payments/index.ts";
import { createShop } from "./shop/index.ts";
import { type BotContext, createBot, createTelegramOutbox, registerCommands, sandboxMarkerIn, telegramReturnUrls } from "./telegram/index.ts";
import { Teardown } from "./teardown.ts";

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
  const { token, apiRoot } = endpoints.telegram;
  // The payment link's return URL needs the bot's username before the shop exists.
  const botInfo = endpoints.telegram.botInfo ?? (await new Api(token, { apiRoot }).getMe());
  const { adminIds, sandbox } = endpoints;

  const telegramOutbox = createTelegramOutbox({
    api: new Api(token, { apiRoot }),
    adminIds,
    logger,
    ...(sandbox ? { sandboxMarker: sandboxMarkerIn(database.db) } : {}),
  });
  const notifier = createRoutingNotifier({ db: database.db, channels: { telegram: telegramOutbox }, logger });
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
      settings: { checkoutExpiryMinutes: config.checkoutExpiryMinutes, webhookSecret: endpoints.stripe.webhookSecret },
    }),
    returnUrls: (_channel, orderId) => telegramReturnUrls(botInfo.username, orderId),
    notifier,
    logger,
    metrics,
    settings: {
      pricing: config.pricing,
      fulfilmentDeadlineMinutes: config.fulfilmentDeadlineMinutes,
      lowBalanceThresholdMinor: config.lowBalanceThresholdMinor,
      usageCacheSeconds: config.usageCacheSeconds,
    },
  });

  const bot = createBot({
    token,
    apiRoot,
    botInfo,
    db: database.db,
    catalogue,
    shop,
    logger,
    metrics,
    settings: { adminIds, refundPolicy: config.refundPolicy, supportContact: config.supportContact, sandbox, lowBalanceThresholdMinor: config.lowBalanceThresholdMinor },
  });
  await registerCommands(bot.api, adminIds).catch((error: unknown) => logger.warn({ err: error }, "could not register bot commands"));

  const server = await listen(
    createServer({
      db: database.db,
      logger,
      stripeWebhook: (raw, signature) => shop.handleStripeWebhook(raw, signature),
      esimgoCallback: (raw, signature) => shop.handleEsimGoCallback(raw, signature),
      ...(config.telegram.mode === "webhook" ? { telegramWebhook: telegramWebhookRoute(bot, config.telegram.webhookSecret) } : {}),
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
  await receiveUpdates(config.telegram, bot, teardown, logger);

  let resolveDone: () => void = () => {};
  const done = new Promise<void>((resolve) => (resolveDone = resolve));
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= teardown.run().then(resolveDone);
    return stopping;
  };
  return { url: server.url, done, stop };
}

const BALANCE_REFRESH_MS = 10 * 60_000;

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

function telegramWebhookRoute(bot: Bot<BotContext>, secretToken: string): (c: Context) => Promise<Response> {
  return webhookCallback(bot, "hono", { secretToken });
}

async function receiveUpdates(telegram: Config["telegram"], bot: Bot<BotContext>, teardown: Teardown, logger: Logger): Promise<void> {
  if (telegram.mode === "webhook") {
    await bot.api.setWebhook(`${telegram.publicUrl}/webhooks/telegram`, { secret_token: telegram.webhookSecret, drop_pending_updates: false });
    logger.info("telegram webhook set");
    return;
  }
  await bot.api.deleteWebhook();
  // grammY rejects a stopped poll's pending retry delay; that is the normal end of polling, not a crash.
  const polling = bot
    .start({ drop_pending_updates: false, onStart: () => logger.info({ bot: bot.botInfo.username }, "long polling started") })
    .catch((error: unknown) => logger.debug({ err: error }, "long polling ended"));
  teardown.add("telegram polling", async () => {
    await bot.stop();
    await polling;
  });
}
