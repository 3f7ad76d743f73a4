import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import type { Kysely } from "kysely";
import { ensureCustomer } from "../src/customers/index.ts";
import type { Database } from "../src/db/schema.ts";
import type { Shop } from "../src/shop/index.ts";
import { forEachConcurrently, percentile } from "./stats.ts";
import type { World } from "./world.ts";

export interface RushFigures {
  orders: number;
  provider_limit_per_s: number;
  provider_calls_per_s: number;
  utilisation: number;
  http429: number;
  duplicates: number;
  lost: number;
  p50_delivery_s: number;
  p99_delivery_s: number;
}

export interface RushOptions {
  orders: number;
  providerLimitPerSecond: number;
  firstUserId: number;
  /** Give up waiting for deliveries after this long (what is left counts as lost). */
  maxSeconds: number;
}

const DESTINATIONS = ["DE", "FR", "TR", "US", "GB", "JP"];
const CHECKOUTS_AT_ONCE = 20;
const PAYMENTS_AT_ONCE = 20;
const DELIVERY_CHECK_EVERY_MS = 100;

/**
 * Many paid orders at once against eSIM Go's real rate limit: orders are opened through the shop's checkout first
 * (outside the measured window), then all are paid at the Stripe stand-in while the worker runs, until every
 * order is delivered.
 */
export async function benchRush(world: World, db: Kysely<Database>, options: RushOptions): Promise<RushFigures> {
  const orders = await openOrders(world, db, world.shop, options);
  // A second without provider calls: the rush starts with an empty rate window on both sides.
  await sleep(1_100);

  const control = world.esimgoSim.control;
  const before = { calls: control.requestCount(), http429: control.http429Count(), placed: control.placedOrders().length };
  const started = performance.now();
  const worker = world.shop.startWorker();
  let seconds: number;
  let calls: number;
  try {
    await forEachConcurrently(orders, PAYMENTS_AT_ONCE, (order) => world.stripeSim.control.pay(order.sessionId));
    await waitForDeliveries(db, orders.map((order) => order.id), started + options.maxSeconds * 1000);
    seconds = (performance.now() - started) / 1000;
    calls = control.requestCount() - before.calls;
  } finally {
    await worker.stop();
  }

  const callsPerSecond = calls / seconds;
  const placed = control.placedOrders().slice(before.placed);
  const rows = await db.selectFrom("orders").select(["id", "status", "paid_at", "delivered_at", "delivery_error", "esimgo_order_reference"]).where("id", "in", orders.map((o) => o.id)).execute();
  const linked = new Set(rows.map((row) => row.esimgo_order_reference).filter((reference) => reference !== null));
  const delivered = rows.filter((row) => row.status === "delivered" && row.delivery_error === null && row.delivered_at && row.paid_at);
  const deliverySeconds = delivered.map((row) => (row.delivered_at!.getTime() - row.paid_at!.getTime()) / 1000);
  return {
    orders: orders.length,
    provider_limit_per_s: options.providerLimitPerSecond,
    provider_calls_per_s: callsPerSecond,
    utilisation: callsPerSecond / options.providerLimitPerSecond,
    http429: control.http429Count() - before.http429,
    duplicates: placed.filter((order) => !linked.has(order.reference)).length,
    lost: orders.length - delivered.length,
    p50_delivery_s: percentile(deliverySeconds, 0.5),
    p99_delivery_s: percentile(deliverySeconds, 0.99),
  };
}

interface OpenOrder {
  id: number;
  sessionId: string;
}

async function openOrders(world: World, db: Kysely<Database>, shop: Shop, options: RushOptions): Promise<OpenOrder[]> {
  const bundles = DESTINATIONS.map((iso2) => world.catalogue.offersForCountry(iso2).find((bundle) => bundle.scope === "local"));
  const names = bundles.filter((bundle) => bundle !== undefined).map((bundle) => bundle.name);
  if (names.length === 0) throw new Error("the catalogue has no local bundle for the rush");
  const orders: OpenOrder[] = [];
  const indexes = Array.from({ length: options.orders }, (_, i) => i);
  await forEachConcurrently(indexes, CHECKOUTS_AT_ONCE, async (i) => {
    const customer = await ensureCustomer(db, { channel: "telegram", externalId: String(options.firstUserId + i) }, "en");
    const outcome = await shop.checkout({ customerId: customer.id, bundleName: names[i % names.length]! });
    if (outcome.kind !== "link") throw new Error(`rush checkout ${i} did not give a payment link: ${JSON.stringify(outcome)}`);
    const order = await db.selectFrom("orders").select(["id", "stripe_session_id"]).where("id", "=", outcome.orderId).executeTakeFirstOrThrow();
    if (!order.stripe_session_id) throw new Error(`order ${order.id} has no Checkout Session`);
    orders.push({ id: order.id, sessionId: order.stripe_session_id });
  });
  return orders;
}

async function waitForDeliveries(db: Kysely<Database>, orderIds: number[], deadline: number): Promise<void> {
  while (performance.now() < deadline) {
    const open = await db.selectFrom("orders").select((eb) => eb.fn.countAll<number>().as("count")).where("id", "in", orderIds).where("status", "!=", "delivered").executeTakeFirstOrThrow();
    if (Number(open.count) === 0) return;
    await sleep(DELIVERY_CHECK_EVERY_MS);
  }
}
