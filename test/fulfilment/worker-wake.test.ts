import { afterEach, describe, expect, it } from "vitest";
import type { Order, OrderStatus } from "../../src/db/schema.ts";
import { telegramCustomer } from "../helpers/customers.ts";
import { testDatabaseTargets, type TestDatabase } from "../helpers/db.ts";
import { waitUntil } from "../helpers/process.ts";
import { BUNDLE, startHarness, type Harness } from "../helpers/shop.ts";

/** Far longer than the test may take: a delivery inside it cannot have come from a poll. */
const POLL_INTERVAL_MS = 10 * 60_000;

describe.each(testDatabaseTargets())("the fulfilment worker on $kind", (target) => {
  let database: TestDatabase;
  let h: Harness;

  afterEach(async () => {
    await h?.close();
    await database?.close();
  });

  const reaches = (order: Order, status: OrderStatus, timeoutMs: number) =>
    waitUntil(async () => (await h.order(order.id)).status === status, timeoutMs, `order ${order.id} ${status}`);

  it("delivers a paid order at once, without waiting for its next poll", async () => {
    database = await target.create();
    h = await startHarness(database, { settings: { pollIntervalMs: POLL_INTERVAL_MS } });
    await h.seedBundle(BUNDLE);
    const opened = await h.openOrder();
    const worker = h.shop.startWorker();
    try {
      // The worker's first pass finds nothing to do and starts its ten-minute pause.
      await new Promise((resolve) => setTimeout(resolve, 300));
      await h.pay(opened);
      await reaches(opened, "delivered", 15_000);
    } finally {
      await worker.stop();
    }
    expect(h.notifier.customerNotices.filter((n) => n.notice.type === "esim_ready")).toHaveLength(1);
    expect(h.esimSim.control.placedOrders()).toHaveLength(1);
  });

  /** Two customers' open orders; eSIM Go takes 6 s to answer the first POST /orders it gets. */
  async function twoOrdersTheFirstSlow(settings: { pollIntervalMs: number; workerConcurrency: number }): Promise<[Order, Order]> {
    database = await target.create();
    h = await startHarness(database, { settings, esimgoTimeoutMs: 20_000 });
    await h.seedBundle(BUNDLE);
    const orders: [Order, Order] = [await h.openOrder(), await h.openOrder({ customerId: (await telegramCustomer(h.db, 700_002)).id })];
    h.esimSim.faults.inject({ method: "POST", path: "/orders", delayMs: 6_000 });
    return orders;
  }

  it("with two lanes, an order paid while one lane waits on a slow eSIM Go is delivered by the other at once", async () => {
    const [slow, quick] = await twoOrdersTheFirstSlow({ pollIntervalMs: POLL_INTERVAL_MS, workerConcurrency: 2 });
    const worker = h.shop.startWorker();
    try {
      await new Promise((resolve) => setTimeout(resolve, 300));
      await h.pay(slow);
      await reaches(slow, "placing", 5_000);
      await h.pay(quick);
      await reaches(quick, "delivered", 4_000);
      // The first lane is still waiting on its order, which the second lane left alone.
      expect((await h.order(slow.id)).status).toBe("placing");
      await reaches(slow, "delivered", 15_000);
    } finally {
      await worker.stop();
    }
    expect(h.esimSim.control.placedOrders()).toHaveLength(2);
  });

  it("keeps house while a lane waits on a slow eSIM Go: a stale unpaid order expires and its customer is told", async () => {
    const [slow, stale] = await twoOrdersTheFirstSlow({ pollIntervalMs: 50, workerConcurrency: 1 });
    const worker = h.shop.startWorker();
    try {
      await h.pay(slow);
      await reaches(slow, "placing", 5_000);
      h.clock.advance(40 * 60_000);
      await reaches(stale, "expired", 3_000);
      expect((await h.order(slow.id)).status).toBe("placing");
    } finally {
      await worker.stop();
    }
    expect(h.notifier.customerNotices.map((n) => n.notice)).toContainEqual({ type: "link_expired", orderId: stale.id });
  });
});
