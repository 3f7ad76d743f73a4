import { afterEach, describe, expect, it } from "vitest";
import { testDatabaseTargets, type TestDatabase } from "../helpers/db.ts";
import { telegramCustomer } from "../helpers/customers.ts";
import { BUNDLE, startHarness, type Harness } from "../helpers/shop.ts";

/** Far longer than the test may take: a delivery inside it cannot have come from a poll. */
const POLL_INTERVAL_MS = 10 * 60_000;

async function waitFor(check: () => Promise<boolean>, limitMs: number): Promise<boolean> {
  const giveUpAt = Date.now() + limitMs;
  while (!(await check())) {
    if (Date.now() > giveUpAt) return false;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return true;
}

describe.each(testDatabaseTargets())("the fulfilment worker on $kind", (target) => {
  let database: TestDatabase;
  let h: Harness;

  afterEach(async () => {
    await h?.close();
    await database?.close();
  });

  it("delivers a paid order at once, without waiting for its next poll", async () => {
    database = await target.create();
    h = await startHarness(database, { settings: { pollIntervalMs: POLL_INTERVAL_MS } });
    await h.seedBundle(BUNDLE);
    const outcome = await h.shop.checkout({ customerId: h.customerId, bundleName: BUNDLE });
    if (outcome.kind !== "link") throw new Error(outcome.kind);
    const worker = h.shop.startWorker();
    try {
      // The worker's first pass finds nothing to do and starts its ten-minute pause.
      await new Promise((resolve) => setTimeout(resolve, 300));
      await h.stripeSim.control.pay((await h.shop.order(outcome.orderId))!.stripe_session_id!);
      const delivered = await waitFor(async () => (await h.shop.order(outcome.orderId))?.status === "delivered", 15_000);
      expect(delivered).toBe(true);
    } finally {
      await worker.stop();
    }
    expect(h.notifier.customerNotices.filter((n) => n.notice.type === "esim_ready")).toHaveLength(1);
    expect(h.esimSim.control.placedOrders()).toHaveLength(1);
  });

  /** Two customers' open orders; eSIM Go takes 6 s to answer the first POST /orders it gets. */
  async function twoOrdersTheFirstSlow(settings: { pollIntervalMs: number; workerConcurrency: number }): Promise<[OpenOrder, OpenOrder]> {
    database = await target.create();
    h = await startHarness(database, { settings, esimgoTimeoutMs: 20_000 });
    await h.seedBundle(BUNDLE);
    const orders: [OpenOrder, OpenOrder] = [await openOrder(h, h.customerId), await openOrder(h, (await telegramCustomer(h.db, 700_002)).id)];
    h.esimSim.faults.inject({ method: "POST", path: "/orders", delayMs: 6_000 });
    return orders;
  }

  it("with two lanes, an order paid while one lane waits on a slow eSIM Go is delivered by the other at once", async () => {
    const [slow, quick] = await twoOrdersTheFirstSlow({ pollIntervalMs: POLL_INTERVAL_MS, workerConcurrency: 2 });
    const worker = h.shop.startWorker();
    try {
      await new Promise((resolve) => setTimeout(resolve, 300));
      await h.stripeSim.control.pay(slow.sessionId);
      expect(await waitFor(async () => (await h.shop.order(slow.orderId))?.status === "placing", 5_000)).toBe(true);
      await h.stripeSim.control.pay(quick.sessionId);
      expect(await waitFor(async () => (await h.shop.order(quick.orderId))?.status === "delivered", 4_000)).toBe(true);
      // The first lane is still waiting on its order, which the second lane left alone.
      expect((await h.shop.order(slow.orderId))?.status).toBe("placing");
      expect(await waitFor(async () => (await h.shop.order(slow.orderId))?.status === "delivered", 15_000)).toBe(true);
    } finally {
      await worker.stop();
    }
    expect(h.esimSim.control.placedOrders()).toHaveLength(2);
  });

  it("keeps house while a lane waits on a slow eSIM Go: a stale unpaid order expires and its customer is told", async () => {
    const [slow, stale] = await twoOrdersTheFirstSlow({ pollIntervalMs: 50, workerConcurrency: 1 });
    const worker = h.shop.startWorker();
    try {
      await h.stripeSim.control.pay(slow.sessionId);
      expect(await waitFor(async () => (await h.shop.order(slow.orderId))?.status === "placing", 5_000)).toBe(true);
      h.clock.advance(40 * 60_000);
      expect(await waitFor(async () => (await h.shop.order(stale.orderId))?.status === "expired", 3_000)).toBe(true);
      expect((await h.shop.order(slow.orderId))?.status).toBe("placing");
    } finally {
      await worker.stop();
    }
    expect(h.notifier.customerNotices.map((n) => n.notice)).toContainEqual({ type: "link_expired", orderId: stale.orderId });
  });
});

interface OpenOrder {
  orderId: number;
  sessionId: string;
}

async function openOrder(h: Harness, customerId: number): Promise<OpenOrder> {
  const outcome = await h.shop.checkout({ customerId, bundleName: BUNDLE });
  if (outcome.kind !== "link") throw new Error(outcome.kind);
  return { orderId: outcome.orderId, sessionId: (await h.shop.order(outcome.orderId))!.stripe_session_id! };
}
