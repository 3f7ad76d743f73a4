import { afterEach, describe, expect, it } from "vitest";
import type { Order } from "../../src/db/schema.ts";
import { testDatabaseTargets, type TestDatabase } from "../helpers/db.ts";
import { BUNDLE, startHarness, type Harness } from "../helpers/shop.ts";

describe.each(testDatabaseTargets())("leases and reconciliation on $kind", (target) => {
  let database: TestDatabase;
  let h: Harness;

  afterEach(async () => {
    await h?.close();
    await database?.close();
  });

  async function start(settings: Parameters<typeof startHarness>[1] = {}): Promise<void> {
    database = await target.create();
    h = await startHarness(database, settings);
    await h.seedBundle(BUNDLE);
  }

  const paidOrder = async (input: { targetIccid?: string } = {}): Promise<Order> => h.pay(await h.openOrder(input));

  const delivered = (...ids: number[]) => async () => (await Promise.all(ids.map(h.order))).every((o) => o.status === "delivered");

  it("keeps the lease of a step far slower than the lease: a second worker neither takes the order nor orders again", async () => {
    // A quarter-second lease (and reconcile grace) against a provider that takes 12.5 lease lengths to answer.
    await start({ settings: { leaseSeconds: 0.25 } });
    const second = h.makeShop({ workerId: "worker-b" });
    const paid = await paidOrder();
    h.esimSim.faults.inject({ method: "POST", path: "/orders", times: 1, delayMs: 3_125 });

    const first = h.shop.runDueOnce();
    await new Promise((resolve) => setTimeout(resolve, 2_800));
    // Without a renewed lease this worker would find no provider order yet, past the grace, and place a second one.
    await second.runDueOnce();
    await first;
    await h.driveUntil(delivered(paid.id), { shops: [h.shop, second] });

    expect(h.esimSim.control.placedOrders()).toHaveLength(1);
    expect((await h.order(paid.id)).esimgo_order_reference).toBe(h.esimSim.control.placedOrders()[0]!.reference);
    expect(h.notifier.customerNotices.filter((n) => n.notice.type === "esim_ready")).toHaveLength(1);
    const story = await h.shop.orderStory(paid.id);
    expect(story?.events.map((e) => e.type)).not.toContain("replacing");
    expect(h.notifier.adminAlerts.filter((a) => a.type === "fulfilment_failed")).toEqual([]);
  });

  it("never re-POSTs right after a 503 'Processing' (the order may still land): it waits the grace, then places once", async () => {
    await start({ settings: { leaseSeconds: 60 } });
    const paid = await paidOrder();
    h.esimSim.faults.inject({ method: "POST", path: "/orders", answer: "processing503", times: 1 });
    await h.shop.runDueOnce();
    h.clock.advance(30_000);
    await h.shop.runDueOnce();
    expect((await h.order(paid.id)).status).toBe("placing");
    expect(h.esimSim.control.requestCount("POST /orders")).toBe(2);

    h.clock.advance(31_000);
    await h.driveUntil(delivered(paid.id));
    expect(h.esimSim.control.placedOrders()).toHaveLength(1);
    const story = (await h.shop.orderStory(paid.id))?.events.map((e) => e.type);
    expect(story?.filter((type) => type === "replacing")).toHaveLength(1);
  });

  it("recovers within 30 s of payment when the first two POST /orders answer 500 (an answer, not a request still running)", async () => {
    await start({ settings: { leaseSeconds: 60 } });
    const paid = await paidOrder();
    const paidAt = h.clock.now().getTime();
    const postsBefore = h.esimSim.control.requestCount("POST /orders");
    h.esimSim.faults.inject({ method: "POST", path: "/orders", answer: "http500", times: 2 });
    await h.driveUntil(delivered(paid.id), { stepMs: 1_000 });
    // Fast, yet a few seconds after each 500 for an order written just before the error to show in the list.
    expect(h.clock.now().getTime() - paidAt).toBeLessThanOrEqual(30_000);
    expect(h.clock.now().getTime() - paidAt).toBeGreaterThanOrEqual(16_000);
    expect(h.esimSim.control.placedOrders()).toHaveLength(1);
    expect(h.esimSim.control.requestCount("POST /orders") - postsBefore).toBe(3);
  });

  it("adopts the order a 503 'Processing' was about: eSIM Go made it after all, and nothing is bought twice", async () => {
    await start({ settings: { leaseSeconds: 60 } });
    const paid = await paidOrder();
    h.esimSim.faults.inject({ method: "POST", path: "/orders", answer: { status: 503, body: { message: "Processing" }, headers: { "Retry-After": "1" }, afterProcessing: true } });
    await h.shop.runDueOnce();
    h.clock.advance(61_000);
    await h.driveUntil(delivered(paid.id));
    expect(h.esimSim.control.placedOrders()).toHaveLength(1);
    expect((await h.shop.orderStory(paid.id))?.events.map((e) => e.type)).toContain("adopted");
  });

  it("comes back soon after a 429 on POST /orders (refused before any work) and places once", async () => {
    await start({ settings: { leaseSeconds: 60 } });
    const paid = await paidOrder();
    h.esimSim.faults.inject({ method: "POST", path: "/orders", answer: "http429", times: 1 });
    await h.shop.runDueOnce();
    expect((await h.order(paid.id)).status).toBe("placing");
    h.clock.advance(2_000);
    await h.driveUntil(delivered(paid.id));
    expect(h.esimSim.control.placedOrders()).toHaveLength(1);
  });

  it("adopts each order's own provider order: a new eSIM order never takes a top-up of the same bundle", async () => {
    await start();
    const first = await paidOrder();
    await h.driveUntil(delivered(first.id));
    const iccid = (await h.db.selectFrom("esims").select("iccid").executeTakeFirstOrThrow()).iccid;

    const topUp = await paidOrder({ targetIccid: iccid });
    const fresh = await paidOrder();
    // Both provider orders are committed, neither answer arrives: the top-up's was placed first.
    h.esimSim.faults.inject({ method: "POST", path: "/orders", times: 2, drop: true });
    await h.shop.runDueOnce();
    expect((await h.order(topUp.id)).status).toBe("placing");
    expect((await h.order(fresh.id)).status).toBe("placing");
    const [, topUpAtProvider, freshAtProvider] = h.esimSim.control.placedOrders();
    expect(topUpAtProvider!.items).toEqual([expect.objectContaining({ bundle: BUNDLE, iccids: [iccid] })]);
    expect(freshAtProvider!.items[0]!.iccids).not.toContain(iccid);

    // The new-eSIM order reconciles first and sees both unlinked provider orders of its bundle.
    expect(await h.shop.retry(fresh.id)).toBe("queued");
    h.clock.advance(61_000);
    await h.driveUntil(delivered(topUp.id, fresh.id));

    expect(h.esimSim.control.placedOrders()).toHaveLength(3);
    expect((await h.order(topUp.id)).esimgo_order_reference).toBe(topUpAtProvider!.reference);
    expect((await h.order(fresh.id)).esimgo_order_reference).toBe(freshAtProvider!.reference);
    const freshEsims = await h.db.selectFrom("esims").select(["iccid", "order_id"]).where("order_id", "=", fresh.id).execute();
    expect(freshEsims).toEqual([{ iccid: freshAtProvider!.items[0]!.iccids[0], order_id: fresh.id }]);
    const notices = h.notifier.customerNotices.map((n) => n.notice);
    expect(notices.filter((n) => n.type === "topup_ready")).toEqual([expect.objectContaining({ orderId: topUp.id, iccid })]);
    expect(notices.filter((n) => n.type === "esim_ready").map((n) => n.orderId)).toEqual([first.id, fresh.id]);
  });
});
