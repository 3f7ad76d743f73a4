import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import jsQR from "jsqr";
import pino from "pino";
import { PNG } from "pngjs";
import { upsertCustomer } from "../../src/customers/index.ts";
import { createEsimGoClient, type EsimGoClient } from "../../src/esimgo/index.ts";
import { startEsimGoSim } from "@esim-shop/esimgo-sim";
import { RecordingNotifier } from "../../src/notify/index.ts";
import { createShop, type Shop, type ShopSettings } from "../../src/orders/index.ts";
import { createStripeClient } from "../../src/payments/index.ts";
import { startStripeSim } from "@esim-shop/stripe-sim";
import type { TestDatabase } from "../helpers/db.ts";

export const WEBHOOK_SECRET = "whsec_test_orders_0123456789";
export const BUNDLE = "esim_1GB_7D_DE_V2";

export type EsimSim = Awaited<ReturnType<typeof startEsimGoSim>>;
export type StripeSim = Awaited<ReturnType<typeof startStripeSim>>;

export const silentLogger = pino({ level: "silent" });

export function shopSettings(overrides: Partial<ShopSettings> = {}): ShopSettings {
  return {
    pricing: { markupPercent: 40, fixedFeeMinor: 50, minMarginMinor: 100, rounding: "none" },
    payments: { checkoutExpiryMinutes: 30, botUsername: "esim_test_bot", webhookSecret: WEBHOOK_SECRET, productNamePrefix: "Travel eSIM" },
    fulfilmentDeadlineMinutes: 120,
    lowBalanceThresholdMinor: 10_000,
    usageCacheSeconds: 60,
    workerId: "test-worker",
    leaseSeconds: 60,
    pollIntervalMs: 20,
    retryBaseMs: 1_000,
    retryMaxMs: 60_000,
    ...overrides,
  };
}

/** Test time: starts at the real clock (Stripe checks expires_at against it) and only moves forward when told. */
export class TestClock {
  private offsetMs = 0;
  readonly now = (): Date => new Date(Date.now() + this.offsetMs);
  advance(ms: number): void {
    this.offsetMs += ms;
  }
}

type WebhookAnswer = { status: number; body?: string };

/** A tiny HTTP endpoint like the product's Hono route: the raw body and the Stripe-Signature header go to `handle`. */
export async function startRawWebhookServer(handle: (raw: string, signature: string | undefined) => Promise<WebhookAnswer>): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const signature = req.headers["stripe-signature"];
      handle(Buffer.concat(chunks).toString("utf8"), Array.isArray(signature) ? signature[0] : signature)
        .then((answer) => res.writeHead(answer.status, { "content-type": "text/plain" }).end(answer.body ?? ""))
        .catch((error: unknown) => res.writeHead(500).end(String(error)));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/webhooks/stripe`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** Every webhook Stripe sends goes to each of the shops; Stripe is answered with the first shop's answer. */
export function startWebhookReceiver(targets: () => Shop[]): Promise<{ url: string; close(): Promise<void> }> {
  return startRawWebhookServer(async (raw, signature) => {
    const answers = await Promise.all(targets().map((shop) => shop.handleStripeWebhook(raw, signature)));
    return answers[0] ?? { status: 500, body: "no shop" };
  });
}

export interface Harness {
  db: TestDatabase["db"];
  esimSim: EsimSim;
  stripeSim: StripeSim;
  esimgo: EsimGoClient;
  notifier: RecordingNotifier;
  clock: TestClock;
  shop: Shop;
  customerId: number;
  /** Where the Stripe stand-in posts events; each is handed to every shop in `webhookShops`. */
  webhookUrl: string;
  webhookShops: Shop[];
  makeShop(overrides?: Partial<ShopSettings>, notifier?: RecordingNotifier): Shop;
  /** Copies a simulator bundle into the catalogue table, as the catalogue sync would. */
  seedBundle(name: string): Promise<void>;
  /** Runs worker passes, moving the clock past backoffs, until the check holds (bounded). */
  driveUntil(check: () => Promise<boolean>, opts?: { stepMs?: number; maxPasses?: number; shops?: Shop[] }): Promise<void>;
  close(): Promise<void>;
}

export async function startHarness(
  database: TestDatabase,
  options: { balance?: number; settings?: Partial<ShopSettings>; esimgoTimeoutMs?: number } = {},
): Promise<Harness> {
  const clock = new TestClock();
  const esimSim = await startEsimGoSim({ port: 0, catalogueSize: "small", rateLimitPerSecond: 0, balance: options.balance ?? 500 });
  // Stripe stays silent about expiry unless a test says otherwise, and judges expires_at by the test clock.
  const stripeSim = await startStripeSim({ port: 0, webhookSecret: WEBHOOK_SECRET, autoExpire: false, clock: () => clock.now().getTime() });
  const esimgo = createEsimGoClient({ baseUrl: esimSim.baseUrl, apiKey: esimSim.apiKey, timeoutMs: options.esimgoTimeoutMs ?? 5_000 });
  const stripe = createStripeClient({ secretKey: "sk_test_orders", apiUrl: stripeSim.apiUrl });
  const notifier = new RecordingNotifier();
  const makeShop = (overrides: Partial<ShopSettings> = {}, shopNotifier: RecordingNotifier = notifier) =>
    createShop({
      db: database.db,
      esimgo,
      esimgoApiKey: esimSim.apiKey,
      stripe,
      notifier: shopNotifier,
      logger: silentLogger,
      settings: shopSettings({ ...options.settings, ...overrides }),
      now: clock.now,
    });
  const shop = makeShop();
  const shops = [shop];
  const receiver = await startWebhookReceiver(() => shops);
  stripeSim.control.setWebhookUrl(receiver.url);
  const customer = await upsertCustomer(database.db, { telegramId: 700_001, firstName: "Ada", languageCode: "en" });

  return {
    db: database.db,
    esimSim,
    stripeSim,
    esimgo,
    notifier,
    clock,
    shop,
    customerId: customer.id,
    webhookUrl: receiver.url,
    webhookShops: shops,
    makeShop,
    seedBundle: (name) => seedBundle(database, esimgo, name),
    driveUntil: async (check, opts = {}) => {
      for (let pass = 0; pass < (opts.maxPasses ?? 40); pass++) {
        for (const s of opts.shops ?? [shop]) await s.runDueOnce();
        if (await check()) return;
        clock.advance(opts.stepMs ?? 65_000);
      }
      throw new Error("the orders did not reach the expected state");
    },
    close: async () => {
      await receiver.close();
      await stripeSim.close();
      await esimgo.close();
      await esimSim.close();
    },
  };
}

export function decodeQr(png: Uint8Array): string | undefined {
  const image = PNG.sync.read(Buffer.from(png));
  return jsQR.default(new Uint8ClampedArray(image.data.buffer, image.data.byteOffset, image.data.length), image.width, image.height)?.data;
}

async function seedBundle(database: TestDatabase, esimgo: EsimGoClient, name: string): Promise<void> {
  const [bundle, organisation] = await Promise.all([esimgo.getBundle(name), esimgo.getOrganisation()]);
  await database.db
    .insertInto("catalogue_bundles")
    .values({
      name: bundle.name,
      description: bundle.description,
      groups: JSON.stringify(bundle.groups),
      countries: JSON.stringify(bundle.countries.map((c) => c.iso)),
      data_mb: bundle.dataMb,
      unlimited: bundle.unlimited,
      duration_days: bundle.durationDays,
      speed: JSON.stringify(bundle.speed),
      autostart: bundle.autostart,
      roaming_countries: JSON.stringify(bundle.roamingCountries),
      cost_minor: bundle.priceMinor,
      currency: organisation.currency,
      active: true,
    })
    .onConflict((oc) => oc.column("name").doUpdateSet({ cost_minor: bundle.priceMinor, active: true }))
    .execute();
}
