import Stripe from "stripe";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Order } from "../../src/db/schema.ts";
import type { CustomerNotice } from "../../src/notify/index.ts";
import { refundIdempotencyKey } from "../../src/orders/index.ts";
import { retailPriceMinor } from "../../src/pricing/index.ts";
import { testDatabaseTargets, type TestDatabase } from "../helpers/db.ts";
import { waitUntil } from "../helpers/process.ts";
import { BUNDLE, decodeQr, shopSettings, startHarness, type Harness } from "../helpers/shop.ts";

type EsimReady = Extract<CustomerNotice, { type: "esim_ready" }>;

describe.each(testDatabaseTargets())("money path on $kind", (target) => {
  let database: TestDatabase;
  let h: Harness;

  beforeEach(async () => {
    database = await target.create();
    h = await startHarness(database);
    await h.seedBundle(BUNDLE);
  });

  afterEach(async () => {
    await h?.close();
    await database?.close();
  });

  const paidOrder = async (): Promise<Order> => h.pay(await h.openOrder());

  const readyNotices = () => h.notifier.customerNotices.map((n) => n.notice).filter((n): n is EsimReady => n.type === "esim_ready");
  const delivered = (id: number) => async () => (await h.order(id)).status === "delivered";

  it("sells one eSIM end to end: link, payment, provider order, QR that decodes to the provider's LPA", async () => {
    const cost = (await h.db.selectFrom("catalogue_bundles").select("cost_minor").where("name", "=", BUNDLE).executeTakeFirstOrThrow()).cost_minor;
    const outcome = await h.shop.checkout({ customerId: h.customerId, bundleName: BUNDLE });
    expect(outcome.kind).toBe("link");
    if (outcome.kind !== "link") return;
    expect(outcome.priceMinor).toBe(retailPriceMinor(cost, shopSettings().pricing, "USD"));

    const created = await h.order(outcome.orderId);
    expect(created).toMatchObject({ status: "pending_payment", price_minor: outcome.priceMinor, provider_cost_minor: cost, customer_id: h.customerId });
    const session = h.stripeSim.control.session(created.stripe_session_id as string);
    expect(session).toMatchObject({
      url: outcome.url,
      amount_total: outcome.priceMinor,
      currency: outcome.currency.toLowerCase(),
      client_reference_id: String(outcome.orderId),
      metadata: { order_id: String(outcome.orderId) },
      expires_at: Math.floor(outcome.expiresAt.getTime() / 1000),
      success_url: `https://t.me/esim_test_bot?start=paid_${outcome.orderId}`,
    });
    expect(outcome.expiresAt.getTime() - Date.now()).toBeGreaterThanOrEqual(30 * 60_000);

    await h.stripeSim.control.pay(session!.id);
    await h.stripeSim.control.idle();
    const paid = await h.order(outcome.orderId);
    expect(paid.status).toBe("paid");
    expect(paid.stripe_payment_intent_id).toMatch(/^pi_/);
    expect(h.notifier.customerNotices.map((n) => n.notice.type)).toContain("payment_received");
    expect(h.notifier.adminAlerts).toContainEqual(expect.objectContaining({ type: "sale", orderId: outcome.orderId, priceMinor: outcome.priceMinor }));

    await h.driveUntil(delivered(outcome.orderId));
    const done = await h.order(outcome.orderId);
    expect(done.esimgo_order_reference).toBeTruthy();
    expect(h.esimSim.control.placedOrders()).toHaveLength(1);

    const notices = readyNotices();
    expect(notices).toHaveLength(1);
    const esim = notices[0]!.esims[0]!;
    const providerEsim = h.esimSim.control.esims().find((e) => e.iccid === esim.iccid)!;
    expect(decodeQr(esim.qrPng)).toBe(`LPA:1$${providerEsim.smdpAddress}$${providerEsim.matchingId}`);

    const rows = await h.db.selectFrom("esims").selectAll().execute();
    expect(rows).toEqual([expect.objectContaining({ iccid: esim.iccid, customer_id: h.customerId, order_id: outcome.orderId })]);
    const story = await h.shop.orderStory(outcome.orderId);
    expect(story?.events.map((e) => e.type)).toEqual(expect.arrayContaining(["created", "checkout_link", "paid", "placing", "placed", "ready", "delivered"]));
  });

  it("fulfils once when the same checkout.session.completed arrives five times at once", async () => {
    const paid = await paidOrder();
    const completed = h.stripeSim.control.events().find((e) => e.type === "checkout.session.completed");
    if (!completed) throw new Error("no completed event");
    const statuses = await h.stripeSim.control.deliver(completed.id, { times: 5, concurrently: true, signature: "valid" });
    expect(statuses).toEqual([200, 200, 200, 200, 200]);
    await h.driveUntil(delivered(paid.id));
    await h.shop.runDueOnce();
    expect(h.esimSim.control.placedOrders()).toHaveLength(1);
    expect(readyNotices()).toHaveLength(1);
    expect(h.notifier.customerNotices.filter((n) => n.notice.type === "payment_received")).toHaveLength(1);
    const webhookRows = await h.db.selectFrom("webhook_events").selectAll().where("event_id", "=", completed.id).execute();
    expect(webhookRows).toHaveLength(1);
  });

  it.each([
    { method: "POST", path: "/orders", answer: "http500" },
    { method: "POST", path: "/orders", answer: "http429" },
    { method: "GET", path: "/esims/assignments", answer: "http500" },
    { method: "GET", path: "/esims/assignments", answer: "processing503" },
    { method: "GET", path: "/esims/assignments", answer: "http429" },
  ] as const)("delivers after $answer on $method $path, with one provider order", async (fault) => {
    const paid = await paidOrder();
    // After checkout: its validate call is a POST /orders too.
    h.esimSim.faults.inject({ ...fault, times: 2 });
    const route = `${fault.method} ${fault.path}`;
    const before = h.esimSim.control.requestCount(route);
    await h.driveUntil(delivered(paid.id));
    expect(h.esimSim.control.requestCount(route) - before).toBeGreaterThanOrEqual(3);
    expect(h.esimSim.control.placedOrders()).toHaveLength(1);
    expect(readyNotices()).toHaveLength(1);
    const [ready] = readyNotices()[0]!.esims;
    const provider = h.esimSim.control.esims().find((e) => e.iccid === ready!.iccid)!;
    expect(decodeQr(ready!.qrPng)).toBe(`LPA:1$${provider.smdpAddress}$${provider.matchingId}`);
  });

  it("does not order twice when placing timed out and the provider committed late", async () => {
    await h.close();
    h = await startHarness(database, { esimgoTimeoutMs: 1_000 });
    await h.seedBundle(BUNDLE);
    const paid = await paidOrder();
    h.esimSim.faults.inject({ method: "POST", path: "/orders", times: 1, delayMs: 1_500 });
    await h.shop.runDueOnce();
    expect((await h.order(paid.id)).status).toBe("placing");
    await waitUntil(() => h.esimSim.control.placedOrders().length === 1, 20_000, "eSIM Go to place the order");
    await h.driveUntil(delivered(paid.id));
    expect(h.esimSim.control.placedOrders()).toHaveLength(1);
    expect(readyNotices()).toHaveLength(1);
  });

  it("adopts the provider order whose response was lost instead of ordering again", async () => {
    const paid = await paidOrder();
    h.esimSim.faults.inject({ method: "POST", path: "/orders", times: 1, drop: true });
    await h.shop.runDueOnce();
    expect((await h.order(paid.id)).status).toBe("placing");
    expect(h.esimSim.control.placedOrders()).toHaveLength(1);
    await h.driveUntil(delivered(paid.id));
    expect(h.esimSim.control.placedOrders()).toHaveLength(1);
    const story = await h.shop.orderStory(paid.id);
    expect(story?.events.map((e) => e.type)).toContain("adopted");
    expect((await h.order(paid.id)).esimgo_order_reference).toBe(h.esimSim.control.placedOrders()[0]!.reference);
  });

  it("waits for provider balance, alerts the admins once, and resumes by itself", async () => {
    h.esimSim.control.setBalance(0);
    const paid = await paidOrderDespiteLowBalance();
    await h.shop.runDueOnce();
    expect((await h.order(paid.id)).status).toBe("awaiting_balance");
    h.clock.advance(61_000);
    await h.shop.runDueOnce();
    expect((await h.order(paid.id)).status).toBe("awaiting_balance");
    expect(h.notifier.adminAlerts.filter((a) => a.type === "awaiting_balance")).toHaveLength(1);
    expect(h.esimSim.control.placedOrders()).toHaveLength(0);

    h.esimSim.control.setBalance(500);
    await h.driveUntil(delivered(paid.id));
    expect(h.esimSim.control.placedOrders()).toHaveLength(1);
    expect(h.stripeSim.control.refunds()).toHaveLength(0);
  });

  it("resumes an order waiting for balance at once after an operator retry", async () => {
    h.esimSim.control.setBalance(0);
    const paid = await paidOrderDespiteLowBalance();
    await h.shop.runDueOnce();
    expect((await h.order(paid.id)).status).toBe("awaiting_balance");
    h.esimSim.control.setBalance(500);
    expect(await h.shop.retry(paid.id)).toBe("queued");
    await h.shop.runDueOnce();
    expect((await h.order(paid.id)).status).toBe("delivered");
    expect(await h.shop.retry(paid.id)).toBe("not_retryable");
  });

  it("refunds exactly once when the bundle is withdrawn after payment, and tells the customer and the admins", async () => {
    const paid = await paidOrder();
    h.esimSim.control.withdrawBundle(BUNDLE);
    await h.driveUntil(async () => (await h.order(paid.id)).refund_status === "succeeded");
    const failed = await h.order(paid.id);
    expect(failed.status).toBe("failed");
    await h.shop.runDueOnce();
    const refunds = h.stripeSim.control.refunds();
    expect(refunds).toHaveLength(1);
    expect(refunds[0]).toMatchObject({ amount: failed.price_minor, payment_intent: failed.stripe_payment_intent_id });
    expect(h.notifier.customerNotices.filter((n) => n.notice.type === "refunded")).toEqual([
      { customerId: h.customerId, notice: { type: "refunded", orderId: paid.id, amountMinor: failed.price_minor, currency: failed.currency, reason: "unavailable" } },
    ]);
    expect(h.notifier.adminAlerts).toContainEqual(expect.objectContaining({ type: "refund", orderId: paid.id }));
    expect(h.esimSim.control.placedOrders()).toHaveLength(0);
    expect(await h.shop.refund(paid.id)).toBe("already");
  });

  it("refunds when the balance stays too low past the fulfilment deadline", async () => {
    h.esimSim.control.setBalance(0);
    const paid = await paidOrderDespiteLowBalance();
    await h.shop.runDueOnce();
    h.clock.advance(121 * 60_000);
    await h.shop.runDueOnce();
    await h.stripeSim.control.idle();
    const failed = await h.order(paid.id);
    expect(failed.status).toBe("failed");
    expect(failed.refund_status).toBe("succeeded");
    expect(h.stripeSim.control.refunds()).toEqual([expect.objectContaining({ amount: failed.price_minor, payment_intent: failed.stripe_payment_intent_id, status: "succeeded" })]);
    expect(h.notifier.customerNotices.map((n) => n.notice)).toContainEqual({ type: "refunded", orderId: paid.id, amountMinor: failed.price_minor, currency: failed.currency, reason: "deadline" });
    expect(h.notifier.adminAlerts).toContainEqual(expect.objectContaining({ type: "refund", orderId: paid.id }));
    expect(h.esimSim.control.placedOrders()).toHaveLength(0);
  });

  it("refunds by operator request once, and never for a delivered order", async () => {
    h.esimSim.control.setBalance(0);
    const waiting = await paidOrderDespiteLowBalance();
    await h.shop.runDueOnce();
    expect(await h.shop.refund(waiting.id)).toBe("refunding");
    expect(await h.shop.refund(waiting.id)).toBe("already");
    await h.stripeSim.control.idle();
    expect(h.stripeSim.control.refunds()).toHaveLength(1);
    expect((await h.order(waiting.id)).status).toBe("failed");
    h.esimSim.control.setBalance(500);
    h.clock.advance(10 * 60_000);
    await h.shop.runDueOnce();
    expect(h.esimSim.control.placedOrders()).toHaveLength(0);

    const sold = await paidOrder();
    await h.driveUntil(delivered(sold.id));
    expect(await h.shop.refund(sold.id)).toBe("not_refundable");
    expect(await h.shop.refund(999_999)).toBe("not_found");
  });

  it("records a Stripe refund failure and lets the operator refund again with a new idempotency key", async () => {
    h.esimSim.control.setBalance(0);
    const waiting = await paidOrderDespiteLowBalance();
    await h.shop.runDueOnce();
    h.stripeSim.control.failRefunds(true);
    expect(await h.shop.refund(waiting.id)).toBe("refunding");
    await h.stripeSim.control.idle();
    expect((await h.order(waiting.id)).refund_status).toBe("failed");
    expect((await h.shop.problemOrders()).map((o) => o.id)).toContain(waiting.id);
    h.stripeSim.control.failRefunds(false);
    expect(await h.shop.refund(waiting.id)).toBe("refunding");
    await h.stripeSim.control.idle();
    expect((await h.order(waiting.id)).refund_status).toBe("succeeded");
    const statuses = h.stripeSim.control.refunds().map((r) => r.status);
    expect(statuses).toEqual(["failed", "succeeded"]);
  });

  it("keeps the refund state true across several failed refunds, however often Stripe reports each failure", async () => {
    h.esimSim.control.setBalance(0);
    const waiting = await paidOrderDespiteLowBalance();
    await h.shop.runDueOnce();
    h.stripeSim.control.failRefunds(true);
    for (const attempt of [1, 2]) {
      expect(await h.shop.refund(waiting.id)).toBe("refunding");
      await h.stripeSim.control.idle();
      const refund = h.stripeSim.control.refunds()[attempt - 1]!;
      expect(await h.order(waiting.id)).toMatchObject({ refund_status: "failed", refund_id: refund.id });
    }
    // Stripe sends each failure twice (refund.failed and refund.updated); a late repeat about the first changes nothing.
    const firstFailure = h.stripeSim.control.events().find((e) => e.type === "refund.failed")!;
    await h.stripeSim.control.deliver(firstFailure.id, { times: 1, signature: "valid" });
    const refundFailedEvents = await h.db.selectFrom("order_events").select("id").where("order_id", "=", waiting.id).where("type", "=", "refund_failed").execute();
    expect(refundFailedEvents).toHaveLength(2);
    expect(h.notifier.adminAlerts.filter((a) => a.type === "refund" && a.status === "failed")).toHaveLength(2);

    h.stripeSim.control.failRefunds(false);
    expect(await h.shop.refund(waiting.id)).toBe("refunding");
    await h.stripeSim.control.idle();
    const refunds = h.stripeSim.control.refunds();
    expect(refunds.map((r) => r.status)).toEqual(["failed", "failed", "succeeded"]);
    expect(refunds.map((r) => r.metadata)).toEqual([1, 2, 3].map((n) => ({ order_id: String(waiting.id), attempt: String(n) })));
    expect(await h.order(waiting.id)).toMatchObject({ refund_status: "succeeded", refund_id: refunds[2]!.id, refund_amount_minor: waiting.price_minor });
    expect(await h.shop.refund(waiting.id)).toBe("already");
    expect(h.stripeSim.control.refunds()).toHaveLength(3);
  });

  it("finds a refund whose Stripe answer was lost and adopts it instead of refunding again: one refund", async () => {
    h.esimSim.control.setBalance(0);
    const waiting = await paidOrderDespiteLowBalance();
    await h.shop.runDueOnce();
    // The SDK's own retry loses its answer too, and no webhook tells us what happened.
    h.stripeSim.control.setWebhookUrl(undefined);
    h.stripeSim.faults.inject({ method: "POST", path: "/v1/refunds", times: 2, drop: true });
    expect(await h.shop.refund(waiting.id)).toBe("refunding");
    expect(await h.order(waiting.id)).toMatchObject({ refund_status: "pending", refund_id: null, status: "failed" });
    expect(h.stripeSim.control.refunds()).toHaveLength(1);
    h.clock.advance(2 * 60_000);
    await h.shop.runDueOnce();
    await h.stripeSim.control.idle();
    expect(h.stripeSim.control.refunds()).toHaveLength(1);
    // The lost answer is looked for (GET /v1/refunds) and adopted: no second key, no second refund.
    const refundCalls = h.stripeSim.control.apiCalls().filter((c) => c.path === "/v1/refunds");
    expect(new Set(refundCalls.filter((c) => c.method === "POST").map((c) => c.idempotencyKey))).toEqual(new Set([refundIdempotencyKey(waiting, 1)]));
    expect(refundCalls.some((c) => c.method === "GET")).toBe(true);
    expect(await h.order(waiting.id)).toMatchObject({ refund_status: "succeeded", refund_id: h.stripeSim.control.refunds()[0]!.id });
  });

  /** A refund made by hand in the Stripe dashboard: no metadata of ours, straight through Stripe's API. */
  async function refundInDashboard(paymentIntent: string): Promise<void> {
    const api = new URL(h.stripeSim.apiUrl);
    const stripe = new Stripe("sk_test_orders", { host: api.hostname, port: Number(api.port), protocol: "http" });
    await stripe.refunds.create({ payment_intent: paymentIntent });
    await h.stripeSim.control.idle();
  }

  it("never fulfils an order refunded in the Stripe dashboard, and never overwrites that refund", async () => {
    h.esimSim.control.setBalance(0);
    const waiting = await paidOrderDespiteLowBalance();
    await h.shop.runDueOnce();
    expect((await h.order(waiting.id)).status).toBe("awaiting_balance");
    await refundInDashboard(waiting.stripe_payment_intent_id!);
    expect((await h.order(waiting.id)).refund_status).toBe("succeeded");

    h.esimSim.control.setBalance(500);
    await h.driveUntil(async () => (await h.order(waiting.id)).status === "failed");
    expect(h.esimSim.control.placedOrders()).toHaveLength(0);
    expect(await h.order(waiting.id)).toMatchObject({ status: "failed", refund_status: "succeeded" });
    expect(h.stripeSim.control.refunds()).toHaveLength(1);
  });

  it("fulfils an order a partial dashboard refund (a goodwill refund) was made on, and keeps its refund state clear", async () => {
    const paid = await paidOrder();
    const api = new URL(h.stripeSim.apiUrl);
    const stripe = new Stripe("sk_test_orders", { host: api.hostname, port: Number(api.port), protocol: "http" });
    await stripe.refunds.create({ payment_intent: paid.stripe_payment_intent_id!, amount: 100 });
    await h.stripeSim.control.idle();

    await h.driveUntil(delivered(paid.id));
    expect(await h.order(paid.id)).toMatchObject({ status: "delivered", refund_status: null });
    expect(h.esimSim.control.placedOrders()).toHaveLength(1);
    expect((await h.shop.orderStory(paid.id))?.events.map((e) => e.type)).toContain("refund_partial");
    expect(h.stripeSim.control.refunds()).toEqual([expect.objectContaining({ amount: 100 })]);
  });

  it("refunds a payment made through a link left open when its customer erased their data: nothing is bought", async () => {
    const outcome = await h.shop.checkout({ customerId: h.customerId, bundleName: BUNDLE });
    if (outcome.kind !== "link") throw new Error(`checkout answered ${outcome.kind}`);
    expect(await h.shop.eraseCustomer(h.customerId)).toBe("erased");
    await h.stripeSim.control.pay((await h.order(outcome.orderId)).stripe_session_id!);
    await h.stripeSim.control.idle();

    await h.driveUntil(async () => (await h.order(outcome.orderId)).refund_status === "succeeded");
    expect(await h.order(outcome.orderId)).toMatchObject({ status: "failed" });
    expect(h.esimSim.control.placedOrders()).toHaveLength(0);
    expect(await h.db.selectFrom("esims").selectAll().execute()).toEqual([]);
  });

  it("answers busy to an operator refund while a worker is placing the order, and buys nothing after a refund", async () => {
    const paid = await paidOrder();
    h.esimSim.faults.inject({ method: "POST", path: "/orders", times: 1, delayMs: 1_500 });
    const placing = h.shop.runDueOnce();
    while ((await h.order(paid.id)).status !== "placing") await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await h.shop.refund(paid.id)).toBe("busy");
    await placing;
    await h.driveUntil(delivered(paid.id));
    expect(h.stripeSim.control.refunds()).toHaveLength(0);
    expect(h.esimSim.control.placedOrders()).toHaveLength(1);
  });

  it("ends a refund Stripe refuses for good (already refunded) at once, with one alert and no retries", async () => {
    h.esimSim.control.setBalance(0);
    const waiting = await paidOrderDespiteLowBalance();
    await h.shop.runDueOnce();
    // We do not hear of the dashboard refund (no webhook): our own refund is then refused by Stripe.
    h.stripeSim.control.setWebhookUrl(undefined);
    await refundInDashboard(waiting.stripe_payment_intent_id!);
    expect(await h.shop.refund(waiting.id)).toBe("refunding");
    expect(await h.order(waiting.id)).toMatchObject({ status: "failed", refund_status: "succeeded" });
    const posts = () => h.stripeSim.control.apiCalls().filter((c) => c.method === "POST" && c.path === "/v1/refunds").length;
    const postsBefore = posts();
    for (let i = 0; i < 3; i++) {
      h.clock.advance(2 * 60_000);
      await h.shop.runDueOnce();
    }
    expect(posts()).toBe(postsBefore);
    expect(h.notifier.adminAlerts.filter((a) => a.type === "refund" && a.orderId === waiting.id)).toHaveLength(1);
  });

  it("a top-up eSIM Go refuses for one customer's eSIM leaves the bundle on sale for everyone else", async () => {
    const sold = await paidOrder();
    await h.driveUntil(delivered(sold.id));
    const iccid = (await h.db.selectFrom("esims").select("iccid").where("order_id", "=", sold.id).executeTakeFirstOrThrow()).iccid;
    h.esimSim.faults.inject({ method: "POST", path: "/orders", times: 1, answer: { status: 400, body: { message: "ICCID is not eligible for this bundle" } } });
    expect(await h.shop.checkout({ customerId: h.customerId, bundleName: BUNDLE, targetIccid: iccid })).toEqual({ kind: "incompatible" });
    const row = await h.db.selectFrom("catalogue_bundles").select("active").where("name", "=", BUNDLE).executeTakeFirstOrThrow();
    expect(row.active).toBe(true);
    expect(h.notifier.adminAlerts.filter((a) => a.type === "bundle_unavailable")).toEqual([]);
  });

  it("purges payment events kept for deduplication after the retention period, and only those", async () => {
    await paidOrder();
    const kept = await h.db.selectFrom("webhook_events").select("event_id").execute();
    expect(kept.length).toBeGreaterThan(0);
    await h.db.insertInto("webhook_events").values({ provider: "stripe", event_id: "evt_from_long_ago", type: "checkout.session.completed", received_at: new Date(h.clock.now().getTime() - 91 * 86_400_000) }).execute();
    await h.shop.runDueOnce();
    const left = (await h.db.selectFrom("webhook_events").select("event_id").execute()).map((row) => row.event_id);
    expect(left).not.toContain("evt_from_long_ago");
    expect(left).toEqual(expect.arrayContaining(kept.map((row) => row.event_id)));
  });

  it("counts delivered sales in the stats", async () => {
    const sold = await paidOrder();
    await h.driveUntil(delivered(sold.id));
    const row = await h.order(sold.id);
    const stats = await h.shop.stats(h.clock.now());
    expect(stats.find((s) => s.period === "today")).toEqual({
      period: "today",
      sales: 1,
      revenueMinor: row.price_minor,
      costMinor: row.provider_cost_minor,
      marginMinor: row.price_minor - row.provider_cost_minor,
      discountMinor: 0,
      discountedSales: 0,
      currency: row.currency,
    });
  });

  // Checkout refuses while the balance is low, so the order is bought first and the balance drained after.
  async function paidOrderDespiteLowBalance(): Promise<Order> {
    const balance = h.esimSim.control.getBalance();
    h.esimSim.control.setBalance(500);
    const opened = await h.openOrder();
    h.esimSim.control.setBalance(balance);
    return h.pay(opened);
  }
});
