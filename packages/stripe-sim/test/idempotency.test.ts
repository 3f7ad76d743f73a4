import Stripe from "stripe";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { orderSessionParams, SECRET_KEY, startHarness, type Harness } from "./setup.ts";

const DAY_MS = 24 * 60 * 60 * 1000;

/** Raw HTTP, to see the `idempotent-replayed` header Stripe puts on a replay. */
async function post(h: Harness, path: string, form: Record<string, string>, key: string, apiKey = SECRET_KEY) {
  const response = await fetch(`${h.sim.apiUrl}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/x-www-form-urlencoded", "idempotency-key": key },
    body: new URLSearchParams(form).toString(),
  });
  const body = (await response.json()) as { id?: string; status?: string; error?: { type: string; code?: string; param?: string } };
  return { status: response.status, replayed: response.headers.get("idempotent-replayed") === "true", body };
}

describe("stripe-sim idempotency: outcomes are saved as Stripe saves them", () => {
  let h: Harness;
  let offsetMs = 0;
  beforeEach(async () => {
    offsetMs = 0;
    h = await startHarness({ clock: () => Date.now() + offsetMs });
  });
  afterEach(async () => {
    await h.close();
  });

  /** A payment that is still processing: a refund of it fails inside the endpoint (charge_not_refundable). */
  async function processingPayment(orderId: number): Promise<{ sessionId: string; paymentIntent: string }> {
    const session = await h.stripe.checkout.sessions.create(orderSessionParams(orderId));
    await h.sim.control.pay(session.id, { async: true });
    return { sessionId: session.id, paymentIntent: String(h.sim.control.session(session.id)?.payment_intent) };
  }

  it("an error the endpoint produced is replayed under its key for 24 hours, even once the refund would succeed", async () => {
    const { sessionId, paymentIntent } = await processingPayment(71);
    const refund = { payment_intent: paymentIntent, "metadata[order_id]": "71" };

    const first = await post(h, "/v1/refunds", refund, "refund:71:1");
    expect(first).toMatchObject({ status: 400, replayed: false, body: { error: { code: "charge_not_refundable" } } });
    await h.sim.control.asyncPaymentSucceeded(sessionId);

    offsetMs = DAY_MS - 60_000;
    const retried = await post(h, "/v1/refunds", refund, "refund:71:1");
    expect(retried).toMatchObject({ status: 400, replayed: true, body: first.body });
    expect(h.sim.control.refunds()).toEqual([]);

    const newKey = await post(h, "/v1/refunds", refund, "refund:71:2");
    expect(newKey).toMatchObject({ status: 200, replayed: false, body: { status: "succeeded" } });

    offsetMs = DAY_MS;
    const pruned = await post(h, "/v1/refunds", refund, "refund:71:1");
    expect(pruned).toMatchObject({ status: 400, replayed: false, body: { error: { code: "charge_already_refunded" } } });
  });

  it("a 404 for an unknown payment intent is an endpoint outcome too: saved and replayed", async () => {
    const unknown = { payment_intent: "pi_unknown" };
    expect(await post(h, "/v1/refunds", unknown, "refund:72:1")).toMatchObject({ status: 404, replayed: false, body: { error: { code: "resource_missing" } } });
    expect(await post(h, "/v1/refunds", unknown, "refund:72:1")).toMatchObject({ status: 404, replayed: true });
  });

  it("refusals before the endpoint runs are never saved: bad key, unknown or invalid parameters, another request's key", async () => {
    const { sessionId, paymentIntent } = await processingPayment(73);
    await h.sim.control.asyncPaymentSucceeded(sessionId);

    expect(await post(h, "/v1/refunds", { payment_intent: paymentIntent }, "refund:73:1", "sk_test_wrong")).toMatchObject({ status: 401 });
    const unknown = await post(h, "/v1/refunds", { payment_intent: paymentIntent, colour: "red" }, "refund:73:1");
    expect(unknown).toMatchObject({ status: 400, body: { error: { type: "invalid_request_error", code: "parameter_unknown", param: "colour" } } });
    expect(await post(h, "/v1/refunds", { payment_intent: paymentIntent, amount: "-5" }, "refund:73:1")).toMatchObject({ status: 400 });

    const made = await post(h, "/v1/refunds", { payment_intent: paymentIntent, amount: "500" }, "refund:73:1");
    expect(made).toMatchObject({ status: 200, replayed: false, body: { status: "succeeded" } });

    const other = await post(h, "/v1/refunds", { payment_intent: paymentIntent, amount: "600" }, "refund:73:1");
    expect(other).toMatchObject({ status: 400, body: { error: { type: "idempotency_error" } } });
    expect(await post(h, "/v1/refunds", { payment_intent: paymentIntent, amount: "500" }, "refund:73:1")).toMatchObject({ status: 200, replayed: true, body: { id: made.body.id } });
    expect(h.sim.control.refunds().map((r) => r.amount)).toEqual([500]);
  });

  it("a key is one account's and one endpoint's: reused on another endpoint it is refused", async () => {
    await h.stripe.checkout.sessions.create(orderSessionParams(74), { idempotencyKey: "shared:74" });
    const reused = await h.stripe.refunds.create({ payment_intent: "pi_unknown" }, { idempotencyKey: "shared:74" }).catch((e: unknown) => e);
    expect(reused).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
  });
});
