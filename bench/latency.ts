import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { Api, InputFile } from "grammy";
import type { Kysely } from "kysely";
import { ensureCustomer } from "../src/customers/index.ts";
import type { Database } from "../src/db/schema.ts";
import { qrPng } from "../src/esims/qr.ts";
import type { FakeTelegram } from "./fake-telegram.ts";
import { percentile } from "./stats.ts";
import type { World } from "./world.ts";

export interface LatencyFigures {
  orders: number;
  p50_ms: number;
  p99_ms: number;
  floor_ms: number;
}

export interface LatencyOptions {
  orders: number;
  firstUserId: number;
  /** Give up on one order after this long. */
  maxSecondsPerOrder: number;
}

/** What the product's route saw arrive, by order id: set by the world's `onStripeWebhook`. */
export class WebhookArrivals {
  private readonly firstAt = new Map<number, number>();

  readonly record = (rawBody: string): void => {
    const at = performance.now();
    const event = JSON.parse(rawBody) as { type?: string; data?: { object?: { client_reference_id?: string | null } } };
    if (event.type !== "checkout.session.completed") return;
    const orderId = Number(event.data?.object?.client_reference_id);
    if (Number.isSafeInteger(orderId) && !this.firstAt.has(orderId)) this.firstAt.set(orderId, at);
  };

  at(orderId: number): number | undefined {
    return this.firstAt.get(orderId);
  }
}

/**
 * Orders paid one at a time, each timed from its signed Stripe webhook reaching the product's route to the QR photo's
 * Bot API call (sendPhoto); the floor is the same provider and Telegram calls made back to back by a bare script.
 */
export async function benchLatency(world: World, db: Kysely<Database>, telegram: FakeTelegram, arrivals: WebhookArrivals, options: LatencyOptions): Promise<{ figures: LatencyFigures; providerCallsPerOrder: number }> {
  const bundle = world.catalogue.offersForCountry("DE").find((offer) => offer.scope === "local");
  if (!bundle) throw new Error("latency: the catalogue has no local bundle for Germany");
  const photoAt = new Map<number, number>();
  const stopListening = telegram.onCall((method, payload) => {
    const chatId = Number(payload.chat_id);
    if (method === "sendPhoto" && !photoAt.has(chatId)) photoAt.set(chatId, performance.now());
  });
  const latencies: number[] = [];
  let providerCalls = 0;
  const worker = world.shop.startWorker();
  try {
    for (let i = 0; i < options.orders; i++) {
      const chatId = options.firstUserId + i;
      const customer = await ensureCustomer(db, { channel: "telegram", externalId: String(chatId) }, "en");
      const outcome = await world.shop.checkout({ customerId: customer.id, bundleName: bundle.name });
      if (outcome.kind !== "link") throw new Error(`latency: checkout ${i} gave no payment link: ${outcome.kind}`);
      const order = await db.selectFrom("orders").select("stripe_session_id").where("id", "=", outcome.orderId).executeTakeFirstOrThrow();
      // Paid while the worker rests between polls, as a customer's payment arrives.
      await sleep(50);
      const callsBefore = world.esimgoSim.control.requestCount();
      await world.stripeSim.control.pay(order.stripe_session_id!);
      const deadline = performance.now() + options.maxSecondsPerOrder * 1000;
      while (!photoAt.has(chatId) && performance.now() < deadline) await sleep(1);
      const arrived = arrivals.at(outcome.orderId);
      const photo = photoAt.get(chatId);
      if (arrived === undefined || photo === undefined) throw new Error(`latency: order ${outcome.orderId} was not delivered within ${options.maxSecondsPerOrder} s`);
      latencies.push(photo - arrived);
      providerCalls += world.esimgoSim.control.requestCount() - callsBefore;
    }
  } finally {
    await worker.stop();
    stopListening();
  }
  const providerCallsPerOrder = providerCalls / options.orders;
  const floor = await floorMs(world, telegram, bundle.name, options);
  return { figures: { orders: options.orders, p50_ms: percentile(latencies, 0.5), p99_ms: percentile(latencies, 0.99), floor_ms: floor }, providerCallsPerOrder };
}

/**
 * The calls a delivery cannot do without, made back to back with nothing of ours between them: place the order at eSIM
 * Go, fetch its install details, send the QR photo (made beforehand). The median of as many runs as orders.
 */
async function floorMs(world: World, telegram: FakeTelegram, bundleName: string, options: LatencyOptions): Promise<number> {
  const api = new Api(telegram.token, { fetch: telegram.fetch });
  const png = await qrPng("LPA:1$rsp.example.com$BENCH-FLOOR-0000000000");
  const runs: number[] = [];
  for (let i = 0; i < options.orders; i++) {
    await sleep(50);
    const started = performance.now();
    const placed = await world.esimgo.placeOrder([{ bundle: bundleName, quantity: 1 }]);
    if (!placed.orderReference) throw new Error("latency floor: eSIM Go gave no order reference");
    const installs = await world.esimgo.getAssignments(placed.orderReference);
    if (installs.length === 0) throw new Error("latency floor: no install details");
    await api.sendPhoto(options.firstUserId + options.orders + i, new InputFile(png, "esim.png"), { caption: installs[0]!.lpa });
    runs.push(performance.now() - started);
  }
  return percentile(runs, 0.5);
}
