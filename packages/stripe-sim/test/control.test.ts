import type Stripe from "stripe";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { orderSessionParams, startHarness, type Harness } from "./setup.ts";

/** The control API over HTTP: what a customer or the dashboard would do, for demos and other processes. */
describe("stripe-sim control API", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  async function control(method: string, path: string, body?: unknown, token = h.sim.controlToken) {
    const response = await fetch(`${h.sim.controlUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, json: (await response.json()) as Record<string, unknown> & unknown[] };
  }

  it("needs the bearer token; the Stripe secret key is not it", async () => {
    expect((await control("GET", "/sessions", undefined, "sk_test_stripe_sim_4242")).status).toBe(401);
    expect((await control("GET", "/nope")).status).toBe(404);
  });

  it("pays a session as the customer would: the signed webhook is delivered before the answer", async () => {
    const session = await h.stripe.checkout.sessions.create(orderSessionParams(11));
    expect((await control("GET", "/sessions")).json.map((s) => (s as { id: string }).id)).toEqual([session.id]);

    const paid = await control("POST", `/sessions/${session.id}/pay`, {});
    expect(paid.json).toMatchObject({ id: session.id, status: "complete", payment_status: "paid" });
    expect(h.receiver.verified("checkout.session.completed").map((e) => (e.data.object as Stripe.Checkout.Session).id)).toEqual([session.id]);
    expect((await control("POST", `/sessions/${session.id}/pay`, {})).status).toBe(400);
    expect((await control("GET", "/sessions/cs_test_nope")).json).toEqual({ error: "no Checkout Session cs_test_nope" });
  });

  it("settles async payments, expires sessions, fails refunds and redelivers events on request", async () => {
    const asyncSession = await h.stripe.checkout.sessions.create(orderSessionParams(12));
    await control("POST", `/sessions/${asyncSession.id}/pay`, { async: true });
    expect((await control("POST", `/sessions/${asyncSession.id}/async-payment`, { succeeded: true })).json).toMatchObject({ payment_status: "paid" });

    const expiring = await h.stripe.checkout.sessions.create(orderSessionParams(13));
    expect((await control("POST", `/sessions/${expiring.id}/expire`)).json).toMatchObject({ status: "expired", url: null });

    await control("PUT", "/refund-failures", { on: true });
    const refund = await h.stripe.refunds.create({ payment_intent: String(h.sim.control.session(asyncSession.id)?.payment_intent) });
    expect(refund.status).toBe("pending");
    expect((await control("GET", "/refunds")).json).toMatchObject([{ id: refund.id, status: "failed" }]);
    expect((await control("GET", "/state")).json).toMatchObject({ sessions: 2, refunds: 1, refundsFail: true });

    await h.sim.control.idle();
    const event = ((await control("GET", "/events")).json as { id: string; type: string }[]).find((e) => e.type === "checkout.session.expired");
    const redelivered = await control("POST", `/events/${event?.id}/deliver`, { times: 2, signature: "wrong" });
    expect(redelivered.json).toEqual({ statuses: [400, 400] });
    expect(((await control("GET", "/deliveries")).json as { eventId: string }[]).filter((d) => d.eventId === event?.id)).toHaveLength(3);
  });

  it("arms faults over HTTP and logs API requests with their idempotency keys", async () => {
    expect((await control("POST", "/faults", { method: "POST", path: "/v1/checkout/sessions", answer: "api_error" })).status).toBe(200);
    await expect(h.stripe.checkout.sessions.create(orderSessionParams(14), { idempotencyKey: "checkout:14" })).rejects.toMatchObject({ statusCode: 500 });
    const session = await h.stripe.checkout.sessions.create(orderSessionParams(14), { idempotencyKey: "checkout:14:2" });
    const log = await control("GET", `/requests?path=${encodeURIComponent("/v1/checkout/sessions")}`);
    expect(log.json).toMatchObject({ count: 2, requests: [{ status: 500, detail: { idempotencyKey: "checkout:14" } }, { status: 200, detail: { idempotencyKey: "checkout:14:2" } }] });
    expect(h.sim.control.sessions().map((s) => s.id)).toEqual([session.id]);
    expect((await control("GET", "/webhook-url")).json).toEqual({ url: expect.stringMatching(/\/webhooks\/stripe$/) });
  });
});
