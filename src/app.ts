import { randomBytes } from "node:crypto";
import path from "node:path";
import { Api, type Bot, webhookCallback } from "grammy";
import type { Context } from "hono";
import type { UserFromGetMe } from "grammy/types";
import { createRoutingNotifier } from "./notify/index.ts";
import { createShop } from "./shop/index.ts";
import { type BotContext, createBot, createTelegramOutbox, registerCommands, sandboxMarkerIn, telegramReturnUrls } from "./telegram/index.ts";
import { createCatalogue } from "./catalogue/index.ts";
import type { Config } from "./config.ts";
import { openDatabase } from "./db/index.ts";
import { migrateToLatest } from "./db/migrate.ts";
import { createEsimGoClient } from "./esimgo/index.ts";
import { startEsimGoSimulator } from "./esimgo/simulator/index.ts";
import { createServer, listen, type RawWebhookHandler, type ServerDeps } from "./http/server.ts";
import type { Logger } from "./logger.ts";
import { createPayments } from "./payments/index.ts";
import { createStripeSim } from "./stripe-sim/index.ts";
import { runTerminalChat, startTelegramSim } from "./telegram-sim/index.ts";

export interface RunningApp {
  url: string;
  /** Resolves once the app has stopped (Ctrl-C, SIGTERM, or the sandbox chat closed). */
  done: Promise<void>;
  stop(): Promise<void>;
}

export interface AppOptions {
  /** Where the sandbox's terminal chat reads and writes; default this process's stdin and stdout. */
  terminal?: { input: NodeJS.ReadableStream; output: NodeJS.WritableStream };
}

export const SANDBOX_USER = { id: 100_000_001, first_name: "Traveller", username: "sandbox_traveller", language_code: "en" };

/** Undoes start-up in reverse order, whether start-up finished or failed half-way. */
class Teardown {
  private readonly steps: { name: string; run: () => Promise<void> | void }[] = [];
  private running?: Promise<void>;
  add(name: string, run: () => Promise<void> | void): void {
    this.steps.push({ name, run });
  }
  /** Runs once: a step may itself ask to stop (closing the terminal chat does), which must not start a second teardown. */
  run(logger: Logger): Promise<void> {
    if (!this.running) {
      const steps = this.steps.splice(0).reverse();
      this.running = Promise.resolve().then(() => this.runSteps(steps, logger));
    }
    return this.running;
  }
  private async runSteps(steps: { name: string; run: () => Promise<void> | void }[], logger: Logger): Promise<void> {
    for (const step of steps) {
      try {
        logger.debug({ step: step.name }, "stopping");
        await step.run();
      } catch (error) {
        logger.warn({ err: error, step: step.name }, "shutdown step failed");
      }
    }
  }
}

/** Wires the product: database, providers (real, or local stand-ins when unset), domain, bot and HTTP. */
export async function startApp(config: Config, logger: Logger, options: AppOptions = {}): Promise<RunningApp> {
  const teardown = new Teardown();
  try {
    return await wire(config, logger, options, teardown);
  } catch (error) {
    await teardown.run(logger);
    throw error;
  }
}

async function wire(config: Config, logger: Logger, options: AppOptions, teardown: Teardown): Promise<RunningApp> {
  const database = await openDatabase({
    databaseUrl: config.database.url,
    dataDir: config.database.dataDir,
    onConnectionError: (error) => logger.warn({ err: error }, "a database connection was dropped; the pool opens a new one"),
  });
  teardown.add("database", () => database.close());
  const applied = await migrateToLatest(database.db);
  logger.info({ database: database.kind, applied }, "database ready");

  // The stand-ins need the server's URL, so the server listens before the shop and the bot exist.
  const sandboxWebhookSecret = `whsec_sandbox_${randomBytes(16).toString("hex")}`;
  // With PUBLIC_URL set, payment links use it: a phone on real Telegram cannot open 127.0.0.1.
  const stripeSim = config.simulated.stripe
    ? createStripeSim({
        webhookSecret: sandboxWebhookSecret,
        publicBaseUrl: config.telegram.publicUrl,
        returnHint: config.simulated.telegram ? "Go back to the terminal: the chat continues there by itself." : undefined,
      })
    : undefined;
  const routes = new LateRoutes();
  const serverDeps: ServerDeps = { db: database.db, logger, mounts: stripeSim ? [{ path: "/", app: stripeSim.app }] : [], ...routes.deps(config.telegram.mode) };
  const server = await listen(createServer(serverDeps), config.http);
  teardown.add("http server", () => server.close());
  if (stripeSim) teardown.add("stripe stand-in", () => stripeSim.close());
  logger.info({ url: server.url }, "http server listening");

  const esimgoEndpoint = await esimgoTarget(config, server.url, teardown);
  const esimgo = createEsimGoClient({ baseUrl: esimgoEndpoint.baseUrl, apiKey: esimgoEndpoint.apiKey, logger: logger.child({ module: "esimgo" }) });
  teardown.add("esimgo client", () => esimgo.close());

  stripeSim?.control.setWebhookUrl(`${server.url}/webhooks/stripe`);
  const stripeWebhookSecret = stripeSim ? sandboxWebhookSecret : (config.stripe.webhookSecret ?? "");

  const telegram = await telegramTarget(config, teardown);
  const adminIds = telegram.terminal ? [...config.telegram.adminIds, SANDBOX_USER.id] : config.telegram.adminIds;
  const sandbox = config.simulated.esimgo || config.simulated.stripe || config.simulated.telegram;

  const telegramOutbox = createTelegramOutbox({
    api: new Api(telegram.token, { apiRoot: telegram.apiRoot }),
    adminIds,
    logger,
    ...(sandbox ? { sandboxMarker: sandboxMarkerIn(database.db) } : {}),
  });
  const notifier = createRoutingNotifier({ db: database.db, channels: { telegram: telegramOutbox }, logger });
  const catalogue = createCatalogue({ db: database.db, esimgo, notifier, logger, pricing: config.pricing, maxAgeMs: config.catalogueMaxAgeMs });
  await catalogue.load();
  await catalogue.syncIfStale();
  const periodicSync = catalogue.startPeriodicSync();
  teardown.add("catalogue sync", () => periodicSync.stop());

  const shop = createShop({
    db: database.db,
    esimgo,
    esimgoApiKey: esimgoEndpoint.apiKey,
    payments: createPayments({
      secretKey: config.stripe.secretKey ?? "sk_test_sandbox",
      apiUrl: stripeSim ? server.url : config.stripe.apiUrl,
      settings: { checkoutExpiryMinutes: config.checkoutExpiryMinutes, webhookSecret: stripeWebhookSecret },
    }),
    returnUrls: (_channel, orderId) => telegramReturnUrls(telegram.botInfo.username, orderId),
    notifier,
    logger,
    settings: {
      pricing: config.pricing,
      fulfilmentDeadlineMinutes: config.fulfilmentDeadlineMinutes,
      lowBalanceThresholdMinor: config.lowBalanceThresholdMinor,
      usageCacheSeconds: config.usageCacheSeconds,
    },
  });
  routes.stripeWebhook = (raw, signature) => shop.handleStripeWebhook(raw, signature);
  routes.esimgoCallback = (raw, signature) => shop.handleEsimGoCallback(raw, signature);
  const worker = shop.startWorker();
  teardown.add("fulfilment worker", () => worker.stop());

  const bot = createBot({
    token: telegram.token,
    apiRoot: telegram.apiRoot,
    botInfo: telegram.botInfo,
    db: database.db,
    catalogue,
    shop,
    logger,
    settings: { adminIds, refundPolicy: config.refundPolicy, supportContact: config.supportContact, sandbox, lowBalanceThresholdMinor: config.lowBalanceThresholdMinor },
  });
  await registerCommands(bot.api, adminIds).catch((error: unknown) => logger.warn({ err: error }, "could not register bot commands"));
  await receiveUpdates(config, bot, routes, teardown, logger);

  let resolveDone: () => void = () => {};
  const done = new Promise<void>((resolve) => (resolveDone = resolve));
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= teardown.run(logger).then(resolveDone);
    return stopping;
  };

  if (telegram.sim && telegram.terminal) {
    const terminal = options.terminal ?? { input: process.stdin, output: process.stdout };
    const chat = runTerminalChat({
      sim: telegram.sim,
      user: SANDBOX_USER,
      input: terminal.input,
      output: terminal.output,
      photoDir: shortPath(path.resolve(config.database.dataDir, "sandbox-photos")),
      banner: sandboxBanner(config, server.url),
      onClose: () => void stop(),
    });
    teardown.add("terminal chat", () => chat.close());
  } else if (sandbox) {
    const checkoutPages = stripeSim ? (config.telegram.publicUrl ?? server.url) : undefined;
    logger.warn({ simulated: config.simulated, checkoutPages }, "SANDBOX: some providers are simulated; no real eSIM is sold and no real money is taken");
  }
  return { url: server.url, done, stop };
}

/**
 * The webhook routes exist from the moment the server listens (the server mounts routes once),
 * but their handlers need the shop and the bot built later: until then they answer 503, which
 * Stripe, eSIM Go and Telegram all retry.
 */
class LateRoutes {
  stripeWebhook?: RawWebhookHandler;
  esimgoCallback?: RawWebhookHandler;
  telegramWebhook?: (c: Context) => Promise<Response>;

  deps(mode: Config["telegram"]["mode"]): Pick<ServerDeps, "stripeWebhook" | "esimgoCallback" | "telegramWebhook"> {
    const notReady = "retry" as const;
    return {
      stripeWebhook: async (raw, signature) => (this.stripeWebhook ? this.stripeWebhook(raw, signature) : notReady),
      esimgoCallback: async (raw, signature) => (this.esimgoCallback ? this.esimgoCallback(raw, signature) : notReady),
      telegramWebhook: mode === "webhook" ? async (c) => (this.telegramWebhook ? this.telegramWebhook(c) : c.json({ error: "starting up" }, 503)) : undefined,
    };
  }
}

interface EsimGoTarget {
  baseUrl: string;
  apiKey: string;
}

async function esimgoTarget(config: Config, serverUrl: string, teardown: Teardown): Promise<EsimGoTarget> {
  if (config.esimgo.apiKey) return { baseUrl: config.esimgo.apiUrl, apiKey: config.esimgo.apiKey };
  const simulator = await startEsimGoSimulator({
    port: 0,
    apiKey: `sandbox-${randomBytes(12).toString("hex")}`,
    balance: config.sandboxBalance,
    callbackUrl: `${serverUrl}/webhooks/esimgo`,
  });
  teardown.add("esimgo simulator", () => simulator.close());
  return { baseUrl: simulator.baseUrl, apiKey: simulator.apiKey };
}

interface TelegramTarget {
  token: string;
  apiRoot: string;
  botInfo: UserFromGetMe;
  sim?: Awaited<ReturnType<typeof startTelegramSim>>;
  terminal: boolean;
}

async function telegramTarget(config: Config, teardown: Teardown): Promise<TelegramTarget> {
  if (config.telegram.token) {
    // The payment link's return URL needs the bot's username before the shop exists.
    const botInfo = await new Api(config.telegram.token, { apiRoot: config.telegram.apiRoot }).getMe();
    return { token: config.telegram.token, apiRoot: config.telegram.apiRoot, botInfo, terminal: false };
  }
  const sim = await startTelegramSim({ port: 0 });
  teardown.add("telegram stand-in", () => sim.close());
  return { token: sim.token, apiRoot: sim.apiRoot, botInfo: sim.botInfo, sim, terminal: true };
}

async function receiveUpdates(config: Config, bot: Bot<BotContext>, routes: LateRoutes, teardown: Teardown, logger: Logger): Promise<void> {
  if (config.telegram.mode === "webhook") {
    const secretToken = config.telegram.webhookSecret ?? "";
    routes.telegramWebhook = webhookCallback(bot, "hono", { secretToken });
    await bot.api.setWebhook(`${config.telegram.publicUrl}/webhooks/telegram`, { secret_token: secretToken, drop_pending_updates: false });
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

/** Paths under the working directory are shown relative to it: shorter, and what the person typed. */
export function shortPath(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative === "" || relative.startsWith("..") || path.isAbsolute(relative) ? file : relative;
}

function sandboxBanner(config: Config, serverUrl: string): string {
  const simulated = Object.entries(config.simulated)
    .filter(([, isSimulated]) => isSimulated)
    .map(([part]) => ({ database: "database (embedded PGlite)", esimgo: "eSIM Go (local simulator)", stripe: "Stripe (local checkout page)", telegram: "Telegram (this terminal)" })[part]);
  return [
    "🧪 SANDBOX — nothing here is real: no real money, no real eSIMs.",
    `   Simulated: ${simulated.join(", ")}. Checkout pages: ${serverUrl}`,
    "",
    "You are chatting with the eSIM shop bot. To buy an eSIM:",
    "   1. Type /start (or a country, e.g. Germany) and press Enter.",
    "   2. Pick a button by typing its number, e.g. 1.",
    "   3. Open the payment link in your browser and press Pay.",
    "   4. Your eSIM and its QR code appear here by themselves.",
    "You are also an admin: try /balance, /orders, /order 1. Stop with /quit or Ctrl-C.",
    "",
  ].join("\n");
}
