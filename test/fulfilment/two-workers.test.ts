import { afterEach, describe, expect, it } from "vitest";
import { testDatabaseTargets, type TestDatabase } from "../helpers/db.ts";
import { waitUntil } from "../helpers/process.ts";
import { telegramCustomer } from "../helpers/customers.ts";
import { BUNDLE, startHarness, type Harness } from "../helpers/shop.ts";

const ORDERS = 10;

describe.each(testDatabaseTargets())("two workers on one $kind database", (target) => {
  let database: TestDatabase;
  let h: Harness;

  afterEach(async () => {
    await h?.close();
    await database?.close();
  });

  it(`fulfil each of ${ORDERS} orders exactly once when both get every webhook`, async () => {
    database = await target.create();
    h = await startHarness(database);
    await h.seedBundle(BUNDLE);
    const second = h.makeShop({ workerId: "worker-b" });
    h.webhookShops.push(second);
    h.esimSim.faults.inject({ method: "POST", path: "/orders", times: ORDERS * 2, delayMs: 50 });

    const orderIds: number[] = [];
    for (let i = 0; i < ORDERS; i++) {
      const customer = await telegramCustomer(h.db, 800_000 + i);
      const outcome = await h.shop.checkout({ customerId: customer.id, bundleName: BUNDLE });
      if (outcome.kind !== "link") throw new Error(outcome.kind);
      orderIds.push(outcome.orderId);
    }
    const workers = [h.shop.startWorker(), second.startWorker()];
    try {
      for (const id of orderIds) await h.stripeSim.control.pay((await h.shop.order(id))!.stripe_session_id!);
      await h.stripeSim.control.idle();
      await waitUntil(async () => {
        const rows = await h.db.selectFrom("orders").select("status").where("status", "=", "delivered").execute();
        return rows.length === ORDERS;
      }, 60_000, "every order to be delivered");
    } finally {
      await Promise.all(workers.map((w) => w.stop()));
    }

    expect(h.esimSim.control.placedOrders()).toHaveLength(ORDERS);
    const ready = h.notifier.customerNotices.filter((n) => n.notice.type === "esim_ready").map((n) => (n.notice as { orderId: number }).orderId);
    expect(ready.sort((a, b) => a - b)).toEqual([...orderIds].sort((a, b) => a - b));
    const placings = await h.db.selectFrom("order_events").select("order_id").where("type", "=", "placing").execute();
    expect(placings).toHaveLength(ORDERS);
    const references = await h.db.selectFrom("orders").select("esimgo_order_reference").execute();
    expect(new Set(references.map((r) => r.esimgo_order_reference)).size).toBe(ORDERS);
    const sales = h.notifier.adminAlerts.filter((a) => a.type === "sale");
    expect(sales).toHaveLength(ORDERS);
  });
});
