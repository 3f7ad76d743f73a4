import Stripe from "stripe";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startHarness, orderSessionParams, SECRET_KEY, type Harness } from "./setup.ts";

function retryingSdk(apiUrl: string): Stripe {
  const url = new URL(apiUrl);
  return new Stripe(SECRET_KEY, { host: url.hostname, port: Number(url.port), protocol: "http", maxNetworkRetries: 2 });
}

describe("stripe-sim scripted API failures", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it("a lost response is replayed on the SDK's retry with the same idempotency key: one session", async () => {
    h.sim.faults.inject({ method: "POST", path: "/v1/checkout/sessions", drop: true });

    const session = await retryingSdk(h.sim.apiUrl).checkout.sessions.create(orderSessionParams(1), { idempotencyKey: "checkout:1" });

    expect(h.sim.control.sessions().map((s) => s.id)).toEqual([session.id]);
    expect(h.sim.control.apiCalls().map((c) => c.idempotencyKey)).toEqual(["checkout:1", "checkout:1"]);
  });

  it("a 429 comes from before the idempotency layer: the same key then runs, and makes exactly one refund", async () => {
    const session = await h.stripe.checkout.sessions.create(orderSessionParams(2));
    await h.sim.control.pay(session.id);
    h.sim.faults.inject({ path: "/v1/refunds", answer: "rate_limit" });
    const params = { payment_intent: String(h.sim.control.session(session.id)?.payment_intent) };

    await expect(h.stripe.refunds.create(params, { idempotencyKey: "refund:2:1" })).rejects.toMatchObject({ statusCode: 429, code: "rate_limit" });
    const refund = await h.stripe.refunds.create(params, { idempotencyKey: "refund:2:1" });

    expect(refund.status).toBe("succeeded");
    expect(h.sim.control.refunds().map((r) => r.id)).toEqual([refund.id]);
  });

  it("a 500 from the endpoint is saved under its key: Stripe-Should-Retry is false, a retry gets it back, nothing is refunded", async () => {
    const session = await h.stripe.checkout.sessions.create(orderSessionParams(5));
    await h.sim.control.pay(session.id);
    h.sim.faults.inject({ path: "/v1/refunds", answer: "api_error" });
    const params = { payment_intent: String(h.sim.control.session(session.id)?.payment_intent) };

    const error = await retryingSdk(h.sim.apiUrl).refunds.create(params, { idempotencyKey: "refund:5:1" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Stripe.errors.StripeAPIError);
    expect((error as Stripe.errors.StripeError).headers?.["stripe-should-retry"]).toBe("false");
    const again = await h.stripe.refunds.create(params, { idempotencyKey: "refund:5:1" }).catch((e: unknown) => e);
    expect((again as Stripe.errors.StripeError).headers?.["idempotent-replayed"]).toBe("true");

    expect(h.sim.control.apiCalls().filter((c) => c.path === "/v1/refunds")).toHaveLength(2);
    expect(h.sim.control.refunds()).toEqual([]);
    await expect(h.stripe.refunds.create(params, { idempotencyKey: "refund:5:2" })).resolves.toMatchObject({ status: "succeeded" });
  });

  it("without retries the client sees the failure, and clearing the faults disarms the rest", async () => {
    h.sim.faults.inject({ path: "/v1/checkout/sessions", answer: "api_error", times: 5 });
    await expect(h.stripe.checkout.sessions.create(orderSessionParams(3))).rejects.toBeInstanceOf(Stripe.errors.StripeAPIError);
    h.sim.faults.clear();
    await expect(h.stripe.checkout.sessions.create(orderSessionParams(3))).resolves.toMatchObject({ status: "open" });
    expect(h.sim.control.sessions()).toHaveLength(1);
  });

  it("expands the payment intent on a paid session", async () => {
    const session = await h.stripe.checkout.sessions.create(orderSessionParams(4));
    await h.sim.control.pay(session.id);
    const expanded = await h.stripe.checkout.sessions.retrieve(session.id, { expand: ["payment_intent"] });
    expect(expanded.payment_intent).toMatchObject({ object: "payment_intent", status: "succeeded", metadata: { order_id: "4" } });
  });
});
