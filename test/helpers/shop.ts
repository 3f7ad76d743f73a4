import pino from "pino";
import { createEsimGoClient, type EsimGoClient } from "../../src/esimgo/index.ts";
import { startEsimGoSim } from "@esim-shop/esimgo-sim";
import { startStripeSim } from "@esim-shop/stripe-sim";
import type { RawWebhookHandler } from "../../src/http/server.ts";
import type { Order } from "../../src/db/schema.ts";
import { RecordingNotifier } from "../../src/notify/index.ts";
import { createPayments, type PaymentsSettings } from "../../src/payments/index.ts";
import { createShop, type Shop, type ShopSettings } from "../../src/shop/index.ts";
import { telegramReturnUrls } from "../../src/telegram/index.ts";
import { telegramCustomer } from "./customers.ts";
import type { TestDatabase } from "./db.ts";
import { startWebhookServer } from "./webhooks.ts";

export { decodeQr } from "./qr.ts";

export const WEBHOOK_SECRET = "whsec_test_orders_0123456789";
/** The Stripe stand-in accepts exactly its account's key, as Stripe does. */
export const STRIPE_SECRET_KEY = "sk_test_orders";
export const BUNDLE = "esim_1GB_7D_DE_V2";

export type EsimSim = Awaited<ReturnType<typeof startEsimGoSim>>;
export type StripeSim = Awaited<ReturnType<typeof startStripeSim>>;

export const silentLogger = pino({ level: "silent" });

export function shopSettings(overrides: Partial<ShopSettings> = {}): ShopSettings {
  return {
    pricing: { markupPercent: 40, fixedFeeMinor: 50, minMarginMinor: 100, rounding: "none" },
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

export const PAYMENTS_SETTINGS: PaymentsSettings = { checkoutExpiryMinutes: 30, webhookSecret: WEBHOOK_SECRET, productNamePrefix: "Travel eSIM" };
export const BOT_USERNAME = "esim_test_bot";

/** Every webhook Stripe sends goes through the product's HTTP layer to each of the shops; Stripe hears the first's answer. */
export function fanOut(targets: () => Shop[]): RawWebhookHandler {
  return async (raw, signature) => {
    const answers = await Promise.all(targets().map((shop) => shop.handleStripeWebhook(raw, signature)));
    return answers[0] ?? "retry";
  };
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
  /** The order's row; throws when there is none. */
  order(id: number): Promise<Order>;
  /** An order of BUNDLE opened through the shop's checkout (the harness's customer unless told), with its payment link. */
  openOrder(input?: { customerId?: number; targetIccid?: string }): Promise<Order>;
  /** Pays the order's session at the Stripe stand-in and waits for its webhooks: the row as it is then. */
  pay(order: Order): Promise<Order>;
  /** Runs worker passes, moving the clock past backoffs, until the check holds (bounded). */
  driveUntil(check: () => Promise<boolean>, opts?: { stepMs?: number; maxPasses?: number; shops?: Shop[] }): Promise<void>;
  close(): Promise<void>;
}

export async function startHarness(
  database: TestDatabase,
  options: { balance?: number; settings?: Partial<ShopSettings>; esimgoTimeoutMs?: number; payments?: Partial<PaymentsSettings> } = {},
): Promise<Harness> {
  const clock = new TestClock();
  const esimSim = await startEsimGoSim({ port: 0, catalogueSize: "small", rateLimitPerSecond: 0, balance: options.balance ?? 500 });
  // Stripe stays silent about expiry unless a test says otherwise, and judges expires_at by the test clock.
  const stripeSim = await startStripeSim({ port: 0, webhookSecret: WEBHOOK_SECRET, secretKey: STRIPE_SECRET_KEY, autoExpire: false, clock: () => clock.now().getTime() });
  const esimgo = createEsimGoClient({ baseUrl: esimSim.baseUrl, apiKey: esimSim.apiKey, timeoutMs: options.esimgoTimeoutMs ?? 5_000 });
  const payments = createPayments({ secretKey: STRIPE_SECRET_KEY, apiUrl: stripeSim.apiUrl, settings: { ...PAYMENTS_SETTINGS, ...options.payments } });
  const notifier = new RecordingNotifier();
  const makeShop = (overrides: Partial<ShopSettings> = {}, shopNotifier: RecordingNotifier = notifier) =>
    createShop({
      db: database.db,
      esimgo,
      esimgoApiKey: esimSim.apiKey,
      payments,
      returnUrls: (_channel, orderId) => telegramReturnUrls(BOT_USERNAME, orderId),
      notifier: shopNotifier,
      logger: silentLogger,
      settings: shopSettings({ ...options.settings, ...overrides }),
      now: clock.now,
    });
  const shop = makeShop();
  const shops = [shop];
  const receiver = await startWebhookServer(database.db, { stripe: fanOut(() => shops) });
  stripeSim.control.setWebhookUrl(receiver.stripeUrl);
  const customer = await telegramCustomer(database.db, 700_001);
  const order = async (id: number): Promise<Order> => {
    const row = await shop.order(id);
    if (!row) throw new Error(`order ${id} missing`);
    return row;
  };

  return {
    db: database.db,
    esimSim,
    stripeSim,
    esimgo,
    notifier,
    clock,
    shop,
    customerId: customer.id,
    webhookUrl: receiver.stripeUrl,
    webhookShops: shops,
    makeShop,
    seedBundle: (name) => seedBundle(database, esimgo, name),
    order,
    openOrder: async (input = {}) => {
      const outcome = await shop.checkout({ customerId: customer.id, bundleName: BUNDLE, ...input });
      if (outcome.kind !== "link") throw new Error(`checkout answered ${outcome.kind}`);
      return order(outcome.orderId);
    },
    pay: async (opened) => {
      if (!opened.stripe_session_id) throw new Error(`order ${opened.id} has no Checkout Session`);
      await stripeSim.control.pay(opened.stripe_session_id);
      await stripeSim.control.idle();
      return order(opened.id);
    },
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
