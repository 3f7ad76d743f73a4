import Stripe from "stripe";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { RecordingNotifier } from "../../src/notify/index.ts";
import { testDatabaseTargets, type TestDatabase } from "../helpers/db.ts";
import { BUNDLE, startHarness, WEBHOOK_SECRET, type Harness } from "../helpers/shop.ts";

describe.each(testDatabaseTargets())("Stripe webhook on $kind", (target) => {
  let database: TestDatabase;
  let h: Harness;
  let orderId: number;
  let sessionId: string;

  beforeEach(async () => {
    database = await target.create();
    h = await startHarness(database);
    await h.seedBundle(BUNDLE);
    const outcome = await h.shop.checkout({ customerId: h.customerId, bundleName: BUNDLE });
    if (outcome.kind !== "link") throw new Error(outcome.kind);
    orderId = outcome.orderId;
    sessionId = (await h.shop.order(orderId))!.stripe_session_id!;
  });

  afterEach(async () => {
    await h?.close();
    await database?.close();
  });

  async function snapshot() {
    const [order, events, webhooks] = await Promise.all([
      h.shop.order(orderId),
      h.db.selectFrom("order_events").select(["type"]).where("order_id", "=", orderId).execute(),
      h.db.selectFrom("webhook_events").selectAll().execute(),
    ]);
    return { status: order?.status, paidAt: order?.paid_at, events: events.length, webhooks: webhooks.length, notices: h.notifier.customerNotices.length };
  }

  async function completedEventWithoutDelivery() {
    h.stripeSim.control.setWebhookUrl(undefined);
    await h.stripeSim.control.pay(sessionId);
    await h.stripeSim.control.idle();
    const event = h.stripeSim.control.events().find((e) => e.type === "checkout.session.completed");
    if (!event) throw new Error("no completed event");
    return event;
  }

  it.each(["wrong", "stale", "missing"] as const)("answers 400 and changes nothing for a %s signature", async (signature) => {
    const event = await completedEventWithoutDelivery();
    const before = await snapshot();
    h.stripeSim.control.setWebhookUrl(h.webhookUrl);
    const statuses = await h.stripeSim.control.deliver(event.id, { times: 1, signature });
    expect(statuses).toEqual([400]);
    expect(await snapshot()).toEqual(before);
    expect(before.status).toBe("pending_payment");
  });

  it("answers 400 for a forged event signed with another secret, and for a malformed body", async () => {
    const before = await snapshot();
    const forged = JSON.stringify({
      id: "evt_forged",
      object: "event", livemode: false,
      type: "checkout.session.completed",
      data: { object: { id: sessionId, object: "checkout.session", payment_status: "paid", metadata: { order_id: String(orderId) }, amount_total: 1, currency: "usd", payment_intent: "pi_x" } },
    });
    const stripe = new Stripe("sk_test_x");
    const wrongSecret = stripe.webhooks.generateTestHeaderString({ payload: forged, secret: "whsec_someone_else" });
    expect((await h.shop.handleStripeWebhook(forged, wrongSecret))).toBe("refused");
    const malformed = "{not json";
    const signedMalformed = stripe.webhooks.generateTestHeaderString({ payload: malformed, secret: WEBHOOK_SECRET });
    expect((await h.shop.handleStripeWebhook(malformed, signedMalformed))).toBe("malformed");
    expect((await h.shop.handleStripeWebhook(forged, undefined))).toBe("refused");
    expect(await snapshot()).toEqual(before);
  });

  it("does not fulfil a correctly signed payment whose amount differs from the order", async () => {
    const stripe = new Stripe("sk_test_x");
    const order = (await h.shop.order(orderId))!;
    const payload = JSON.stringify({
      id: "evt_amount",
      object: "event", livemode: false,
      type: "checkout.session.completed",
      data: { object: { id: sessionId, object: "checkout.session", payment_status: "paid", metadata: { order_id: String(orderId) }, amount_total: order.price_minor - 1, currency: order.currency.toLowerCase(), payment_intent: "pi_cheap" } },
    });
    const answer = await h.shop.handleStripeWebhook(payload, stripe.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET }));
    expect(answer).toBe("applied");
    expect((await h.shop.order(orderId))?.status).toBe("pending_payment");
    expect(h.notifier.adminAlerts).toContainEqual(expect.objectContaining({ type: "fulfilment_failed", orderId }));

    // Its link runs out later: the order expires, but the payer is not told "your link expired" (they did pay).
    h.clock.advance(40 * 60_000);
    await h.shop.runDueOnce();
    expect((await h.shop.order(orderId))?.status).toBe("expired");
    expect(h.notifier.customerNotices.filter((n) => n.notice.type === "link_expired")).toEqual([]);
  });

  it("never fulfils a live-mode event with a test key (or the reverse): refused, nothing changes", async () => {
    const stripe = new Stripe("sk_test_x");
    const order = (await h.shop.order(orderId))!;
    const before = await snapshot();
    const payload = JSON.stringify({
      id: "evt_live",
      object: "event",
      livemode: true,
      type: "checkout.session.completed",
      data: { object: { id: sessionId, object: "checkout.session", payment_status: "paid", metadata: { order_id: String(orderId) }, amount_total: order.price_minor, currency: order.currency.toLowerCase(), payment_intent: "pi_live" } },
    });
    expect(await h.shop.handleStripeWebhook(payload, stripe.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET }))).toBe("refused");
    expect(await snapshot()).toEqual(before);
  });

  it("matches a payment by its session, not by metadata alone: another integration's session for the same order id is not applied", async () => {
    const stripe = new Stripe("sk_test_x");
    const order = (await h.shop.order(orderId))!;
    const payload = JSON.stringify({
      id: "evt_other_shop",
      object: "event",
      livemode: false,
      type: "checkout.session.completed",
      data: { object: { id: "cs_test_another_shop", object: "checkout.session", payment_status: "paid", metadata: { order_id: String(orderId) }, client_reference_id: String(orderId), amount_total: order.price_minor, currency: order.currency.toLowerCase(), payment_intent: "pi_another_shop" } },
    });
    expect(await h.shop.handleStripeWebhook(payload, stripe.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET }))).toBe("applied");
    const after = (await h.shop.order(orderId))!;
    expect(after).toMatchObject({ status: "pending_payment", stripe_session_id: sessionId, stripe_payment_intent_id: null });
    expect(h.notifier.adminAlerts).toContainEqual(expect.objectContaining({ type: "fulfilment_failed", orderId, cause: expect.stringContaining("cs_test_another_shop") }));
    await h.shop.runDueOnce();
    expect(h.esimSim.control.placedOrders()).toHaveLength(0);
  });

  it("acknowledges a payment for an unknown order and ignores other event types", async () => {
    const stripe = new Stripe("sk_test_x");
    const sign = (payload: string) => stripe.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET });
    const unknown = JSON.stringify({
      id: "evt_unknown",
      object: "event", livemode: false,
      type: "checkout.session.completed",
      data: { object: { id: "cs_other", object: "checkout.session", payment_status: "paid", metadata: { order_id: "987654" }, amount_total: 100, currency: "usd", payment_intent: "pi_y" } },
    });
    expect((await h.shop.handleStripeWebhook(unknown, sign(unknown)))).toBe("applied");
    const other = JSON.stringify({ id: "evt_other", object: "event", livemode: false, type: "customer.created", data: { object: { id: "cus_1", object: "customer" } } });
    expect((await h.shop.handleStripeWebhook(other, sign(other)))).toBe("ignored");
    expect((await h.shop.order(orderId))?.status).toBe("pending_payment");
  });

  it("acknowledges expiry, failed-payment and refund events for orders it does not know, and changes nothing", async () => {
    const stripe = new Stripe("sk_test_x");
    const sign = (payload: string) => stripe.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET });
    const before = await snapshot();
    const session = { id: "cs_elsewhere", object: "checkout.session", payment_status: "unpaid", metadata: { order_id: "987654" }, amount_total: 100, currency: "usd", payment_intent: "pi_elsewhere" };
    const refund = { id: "re_elsewhere", object: "refund", amount: 100, currency: "usd", status: "failed", payment_intent: "pi_elsewhere", metadata: { order_id: "987654" } };
    const charge = { id: "ch_elsewhere", object: "charge", payment_intent: "pi_elsewhere", amount: 100, amount_refunded: 100, refunded: true, currency: "usd", metadata: {} };
    const events = [
      { type: "checkout.session.expired", object: session },
      { type: "checkout.session.async_payment_failed", object: session },
      { type: "refund.failed", object: refund },
      { type: "refund.updated", object: refund },
      { type: "charge.refunded", object: charge },
    ];
    for (const [i, { type, object }] of events.entries()) {
      const payload = JSON.stringify({ id: `evt_elsewhere_${i}`, object: "event", livemode: false, type, data: { object } });
      expect((await h.shop.handleStripeWebhook(payload, sign(payload)))).toBe("applied");
    }
    const after = await snapshot();
    expect({ ...after, webhooks: before.webhooks }).toEqual(before);
    expect(after.webhooks).toBe(before.webhooks + events.length);
    expect(h.notifier.adminAlerts).toEqual([]);
  });

  it("answers Stripe within moments even when telling the customer hangs; the payment is recorded", async () => {
    let release: () => void = () => {};
    class HangingNotifier extends RecordingNotifier {
      override customer(): Promise<"delivered"> {
        return new Promise((resolve) => (release = () => resolve("delivered")));
      }
    }
    const slow = h.makeShop({}, new HangingNotifier());
    const event = await completedEventWithoutDelivery();
    const payload = JSON.stringify(event);
    const signature = new Stripe("sk_test_x").webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET });
    const startedAt = Date.now();
    const answer = await slow.handleStripeWebhook(payload, signature);
    expect(answer).toBe("applied");
    expect(Date.now() - startedAt).toBeLessThan(4_000);
    expect((await h.shop.order(orderId))?.status).toBe("paid");
    release();
  });

  it("expires the order when Stripe says the session expired, and the next checkout gets a fresh link", async () => {
    await h.stripeSim.control.expire(sessionId);
    await h.stripeSim.control.idle();
    expect((await h.shop.order(orderId))?.status).toBe("expired");
    expect(h.notifier.customerNotices.map((n) => n.notice)).toContainEqual({ type: "link_expired", orderId });
    const again = await h.shop.checkout({ customerId: h.customerId, bundleName: BUNDLE });
    expect(again).toMatchObject({ kind: "link", reused: false });
    if (again.kind !== "link") return;
    expect(again.orderId).not.toBe(orderId);
    expect((await h.shop.order(again.orderId))?.stripe_session_id).not.toBe(sessionId);
  });

  it("handles a delayed payment method: waits on completed-unpaid (never expired meanwhile), fulfils on async success", async () => {
    await h.stripeSim.control.pay(sessionId, { async: true });
    await h.stripeSim.control.idle();
    expect((await h.shop.order(orderId))?.status).toBe("payment_processing");
    // Past the link's expiry the order is still waiting for the bank, and the customer is not invited to pay again.
    h.clock.advance(3 * 60 * 60_000);
    await h.shop.runDueOnce();
    expect((await h.shop.order(orderId))?.status).toBe("payment_processing");
    expect(h.notifier.customerNotices.map((n) => n.notice.type)).not.toContain("link_expired");
    await h.stripeSim.control.asyncPaymentSucceeded(sessionId);
    await h.stripeSim.control.idle();
    expect((await h.shop.order(orderId))?.status).toBe("paid");
  });

  it("marks the order payment_failed when a delayed payment fails, even hours later, and tells the customer", async () => {
    await h.stripeSim.control.pay(sessionId, { async: true });
    await h.stripeSim.control.idle();
    h.clock.advance(3 * 60 * 60_000);
    await h.shop.runDueOnce();
    await h.stripeSim.control.asyncPaymentFailed(sessionId);
    await h.stripeSim.control.idle();
    expect((await h.shop.order(orderId))?.status).toBe("payment_failed");
    expect(h.notifier.customerNotices.map((n) => n.notice)).toContainEqual({ type: "payment_failed", orderId });
  });
});
