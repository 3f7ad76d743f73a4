import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { signEsimGoBody } from "../../src/esimgo/index.ts";
import { RecordingNotifier, type CustomerNotice } from "../../src/notify/index.ts";
import { testDatabaseTargets, type TestDatabase } from "../helpers/db.ts";
import { BUNDLE, decodeQr, startHarness, type Harness } from "../helpers/shop.ts";
import { startWebhookServer } from "../helpers/webhooks.ts";

type UsageNotice = Extract<CustomerNotice, { type: "usage" }>;

describe.each(testDatabaseTargets())("eSIMs, usage and eSIM Go callbacks on $kind", (target) => {
  let database: TestDatabase;
  let h: Harness;
  let iccid: string;
  let closeReceiver: () => Promise<void>;

  beforeEach(async () => {
    database = await target.create();
    h = await startHarness(database);
    await h.seedBundle(BUNDLE);
    const outcome = await h.shop.checkout({ customerId: h.customerId, bundleName: BUNDLE });
    if (outcome.kind !== "link") throw new Error(outcome.kind);
    await h.stripeSim.control.pay((await h.shop.order(outcome.orderId))!.stripe_session_id!);
    await h.stripeSim.control.idle();
    await h.driveUntil(async () => (await h.shop.order(outcome.orderId))?.status === "delivered");
    iccid = (await h.db.selectFrom("esims").select("iccid").executeTakeFirstOrThrow()).iccid;
    closeReceiver = await startCallbackReceiver(h);
  });

  afterEach(async () => {
    await closeReceiver?.();
    await h?.close();
    await database?.close();
  });

  const usageNotices = () => h.notifier.customerNotices.map((n) => n.notice).filter((n): n is UsageNotice => n.type === "usage");

  it("tells the customer once when the same 80 % callback arrives twice", async () => {
    const callback = utilisation(iccid, 1_000_000_000, 150_000_000);
    const signature = signEsimGoBody(callback, h.esimSim.apiKey);
    expect((await h.shop.handleEsimGoCallback(callback, signature))).toBe("applied");
    expect((await h.shop.handleEsimGoCallback(callback, signature))).toBe("applied");
    expect(usageNotices()).toEqual([{ type: "usage", iccid, bundleName: BUNDLE, usedPercent: 80, remainingBytes: 150_000_000 }]);
    const alerts = await h.db.selectFrom("usage_alerts").selectAll().where("iccid", "=", iccid).execute();
    expect(alerts.map((a) => a.threshold)).toEqual([80]);
    const cached = await h.db.selectFrom("esims").select("usage").where("iccid", "=", iccid).executeTakeFirstOrThrow();
    expect(cached.usage).toEqual([expect.objectContaining({ name: BUNDLE, remainingBytes: 150_000_000, assignmentReference: "ref-test-0" })]);
  });

  it("tells the customer on eSIM Go's retry when the first 80 % notice could not be sent", async () => {
    class FlakyNotifier extends RecordingNotifier {
      failures = 1;
      override async customer(customerId: number, notice: CustomerNotice): Promise<"delivered" | "blocked"> {
        if (notice.type === "usage" && this.failures-- > 0) throw new Error("Telegram: 502 Bad Gateway");
        return super.customer(customerId, notice);
      }
    }
    const notifier = new FlakyNotifier();
    const shop = h.makeShop({}, notifier);
    const callback = utilisation(iccid, 1_000_000_000, 150_000_000);
    const signature = signEsimGoBody(callback, h.esimSim.apiKey);
    expect((await shop.handleEsimGoCallback(callback, signature))).toBe("retry");
    expect(await h.db.selectFrom("usage_alerts").selectAll().execute()).toEqual([]);
    expect((await shop.handleEsimGoCallback(callback, signature))).toBe("applied");
    expect((await shop.handleEsimGoCallback(callback, signature))).toBe("applied");
    expect(notifier.customerNotices.map((n) => n.notice)).toEqual([{ type: "usage", iccid, bundleName: BUNDLE, usedPercent: 80, remainingBytes: 150_000_000 }]);
  });

  it("follows the provider's own usage callbacks: 80 % once, then 100 %", async () => {
    await h.esimSim.control.advanceUsage(iccid, 85);
    await h.esimSim.control.advanceUsage(iccid, 5);
    expect(usageNotices().map((n) => n.usedPercent)).toEqual([80]);
    await h.esimSim.control.advanceUsage(iccid, 10);
    expect(usageNotices().map((n) => n.usedPercent)).toEqual([80, 100]);
    expect(usageNotices().every((n) => n.iccid === iccid)).toBe(true);
  });

  it("refuses a callback with a bad signature with 401 and changes nothing", async () => {
    const before = await h.db.selectFrom("esims").select(["usage", "usage_checked_at"]).where("iccid", "=", iccid).executeTakeFirstOrThrow();
    const callback = utilisation(iccid, 1_000_000_000, 0);
    expect((await h.shop.handleEsimGoCallback(callback, signEsimGoBody(callback, "not-the-api-key")))).toBe("refused");
    expect((await h.shop.handleEsimGoCallback(callback, undefined))).toBe("refused");
    expect(await h.db.selectFrom("usage_alerts").selectAll().execute()).toEqual([]);
    expect(await h.db.selectFrom("esims").select(["usage", "usage_checked_at"]).where("iccid", "=", iccid).executeTakeFirstOrThrow()).toEqual(before);
    expect(usageNotices()).toEqual([]);
  });

  it("alerts the admins about a low provider balance", async () => {
    const body = JSON.stringify({ alertType: "LowBalance", balanceInfo: { balance: 42.5, threshold: 100, thresholdPercentRemaining: 42 } });
    expect((await h.shop.handleEsimGoCallback(body, signEsimGoBody(body, h.esimSim.apiKey, "hex")))).toBe("applied");
    expect(h.notifier.adminAlerts).toContainEqual(expect.objectContaining({ type: "low_balance", balanceMinor: 4250, thresholdMinor: 10_000 }));
  });

  it("lists the customer's eSIMs, shows live usage with a cache, and falls back to the last figure when the provider fails", async () => {
    const list = await h.shop.customerEsims(h.customerId, { offset: 0, limit: 10 });
    expect(list.total).toBe(1);
    expect(list.items[0]).toMatchObject({ iccid, bundleName: BUNDLE, status: "delivered" });
    expect(await h.shop.customerEsims(h.customerId + 1, { offset: 0, limit: 10 })).toEqual({ total: 0, items: [] });

    const live = await h.shop.esimUsage(h.customerId, iccid);
    expect(live?.stale).toBe(false);
    expect(live?.bundles.map((b) => b.name)).toContain(BUNDLE);
    const requests = h.esimSim.control.requestCount();
    await h.shop.esimUsage(h.customerId, iccid);
    expect(h.esimSim.control.requestCount()).toBe(requests);

    h.esimSim.faults.inject({ method: "GET", path: "/esims/{iccid}/bundles", times: 10, answer: "http500" });
    const fallback = await h.shop.esimUsage(h.customerId, iccid, { refresh: true });
    expect(fallback).toMatchObject({ stale: true, bundles: live?.bundles });
    expect(await h.shop.esimUsage(h.customerId + 1, iccid)).toBeUndefined();
  });

  it("sells a top-up onto the customer's own eSIM: provider order for that ICCID, top-up notice, no new eSIM", async () => {
    const otherUpstream = h.esimSim.control.catalogue().find((b) => b.provider === "B");
    if (!otherUpstream) throw new Error("the simulator catalogue has no bundle from another upstream");
    await h.seedBundle(otherUpstream.name);
    const offers = await h.shop.topUpOffers(h.customerId, iccid, [otherUpstream.name, BUNDLE]);
    expect(offers).toEqual([BUNDLE]);
    expect(await h.shop.checkout({ customerId: h.customerId, bundleName: otherUpstream.name, targetIccid: iccid })).toEqual({ kind: "incompatible" });
    expect(await h.shop.topUpOffers(h.customerId + 1, iccid, [BUNDLE])).toEqual([]);
    const outcome = await h.shop.checkout({ customerId: h.customerId, bundleName: BUNDLE, targetIccid: iccid });
    if (outcome.kind !== "link") throw new Error(outcome.kind);
    await h.stripeSim.control.pay((await h.shop.order(outcome.orderId))!.stripe_session_id!);
    await h.stripeSim.control.idle();
    await h.driveUntil(async () => (await h.shop.order(outcome.orderId))?.status === "delivered");

    const placed = h.esimSim.control.placedOrders();
    expect(placed).toHaveLength(2);
    expect(placed[1]!.items).toEqual([expect.objectContaining({ bundle: BUNDLE, quantity: 1, iccids: [iccid] })]);
    expect(h.notifier.customerNotices.map((n) => n.notice)).toContainEqual(expect.objectContaining({ type: "topup_ready", orderId: outcome.orderId, iccid }));
    expect(await h.db.selectFrom("esims").select("iccid").execute()).toEqual([{ iccid }]);
    expect((await h.shop.order(outcome.orderId))?.kind).toBe("topup");
  });

  it("sends the QR again from the stored details, only to the owner", async () => {
    const again = await h.shop.installDetails(h.customerId, iccid);
    expect(again).toBeDefined();
    expect(decodeQr(again!.qrPng)).toBe(again!.lpa);
    expect(again!.lpa).toContain(again!.matchingId);
    expect(await h.shop.installDetails(h.customerId + 1, iccid)).toBeUndefined();
  });
});

function utilisation(iccid: string, initial: number, remaining: number): string {
  return JSON.stringify({
    iccid,
    alertType: "Utilisation",
    bundle: { id: "1", reference: "ref-test-0", name: BUNDLE, description: "test", initialQuantity: initial, remainingQuantity: remaining, unlimited: false },
  });
}

/** The product's HTTP route in front of the shop, where the simulator posts its callbacks. */
async function startCallbackReceiver(h: Harness): Promise<() => Promise<void>> {
  const receiver = await startWebhookServer(h.db, { esimgo: (raw, signature) => h.shop.handleEsimGoCallback(raw, signature) });
  h.esimSim.control.setWebhookUrl(receiver.esimgoUrl);
  return receiver.close;
}
