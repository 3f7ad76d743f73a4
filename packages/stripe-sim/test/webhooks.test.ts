import Stripe from "stripe";
import { afterEach, describe, expect, it } from "vitest";
import { signatureHeader } from "../src/index.ts";
import { startHarness, orderSessionParams, WEBHOOK_SECRET, type Harness } from "./setup.ts";

describe("stripe-sim webhooks", () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  async function paidSession(harness: Harness, orderId: number): Promise<Stripe.Event> {
    const session = await harness.stripe.checkout.sessions.create(orderSessionParams(orderId));
    await harness.sim.control.pay(session.id);
    const event = harness.sim.control.events().find((e) => e.type === "checkout.session.completed" && "id" in e.data.object && e.data.object.id === session.id);
    if (!event) throw new Error("no checkout.session.completed event");
    return event as unknown as Stripe.Event;
  }

  it("signs like Stripe: the SDK verifies our header and rejects a tampered payload", () => {
    const stripe = new Stripe("sk_test_x");
    const payload = JSON.stringify({ id: "evt_1", object: "event", type: "checkout.session.completed" });
    const header = signatureHeader(payload, WEBHOOK_SECRET, Math.floor(Date.now() / 1000));
    expect(stripe.webhooks.constructEvent(payload, header, WEBHOOK_SECRET).id).toBe("evt_1");
    expect(() => stripe.webhooks.constructEvent(payload.replace("evt_1", "evt_2"), header, WEBHOOK_SECRET)).toThrow(Stripe.errors.StripeSignatureVerificationError);
  });

  it("retries a delivery the receiver did not acknowledge until it gets a 2xx", async () => {
    h = await startHarness();
    h.receiver.answerNext(500, 503);
    const event = await paidSession(h, 5);
    await h.sim.control.idle();

    const attempts = h.sim.control.deliveries().filter((d) => d.eventId === event.id);
    expect(attempts.map((d) => d.status)).toEqual([500, 503, 200]);
    expect(h.receiver.verified("checkout.session.completed").map((e) => e.id)).toEqual([event.id, event.id, event.id]);
  });

  it("gives up after the configured retries", async () => {
    h = await startHarness({ webhookRetryDelaysMs: [5, 5] });
    h.receiver.answerNext(500, 500, 500, 500);
    const event = await paidSession(h, 6);
    await h.sim.control.idle();
    expect(h.sim.control.deliveries().filter((d) => d.eventId === event.id).map((d) => d.status)).toEqual([500, 500, 500]);
  });

  it("re-delivers one event five times concurrently, all verifiable", async () => {
    h = await startHarness();
    const event = await paidSession(h, 7);

    const statuses = await h.sim.control.deliver(event.id, { times: 5, concurrently: true });

    expect(statuses).toEqual([200, 200, 200, 200, 200]);
    const received = h.receiver.verified("checkout.session.completed").filter((e) => e.id === event.id);
    expect(received).toHaveLength(6);
    expect(new Set(received.map((e) => JSON.stringify(e))).size).toBe(1);
    expect(h.sim.control.deliveries().filter((d) => d.eventId === event.id)).toHaveLength(6);
  });

  it("sends wrong, stale and missing signatures on request", async () => {
    h = await startHarness();
    const event = await paidSession(h, 8);

    for (const signature of ["wrong", "stale", "missing"] as const) {
      expect(await h.sim.control.deliver(event.id, { signature })).toEqual([400]);
    }
    expect(await h.sim.control.deliver(event.id, { signature: "valid", times: 2 })).toEqual([200, 200]);
    const headers = h.receiver.received.map((r) => r.signature);
    expect(headers[1]).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(headers[3]).toBeUndefined();
  });

  it("delivers only the event types the endpoint enabled, but records every event", async () => {
    h = await startHarness();
    await paidSession(h, 9);
    const types = h.sim.control.events().map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(["charge.succeeded", "payment_intent.succeeded", "checkout.session.completed"]));
    expect(h.sim.control.deliveries().map((d) => d.type)).toEqual(["checkout.session.completed"]);
  });

  it("records events without posting them while no webhook URL is set", async () => {
    h = await startHarness();
    h.sim.control.setWebhookUrl(undefined);
    const event = await paidSession(h, 10);
    expect(event.pending_webhooks).toBe(0);
    expect(h.sim.control.deliveries()).toHaveLength(0);
    await expect(h.sim.control.deliver(event.id)).rejects.toThrow(/no webhook URL/);
  });

  it("counts an unreachable receiver as status 0 and keeps API calls fast", async () => {
    h = await startHarness({ webhookUrl: "http://127.0.0.1:9/unreachable", webhookRetryDelaysMs: [5] });
    const session = await h.stripe.checkout.sessions.create(orderSessionParams(11));
    await h.stripe.checkout.sessions.expire(session.id);
    await h.sim.control.idle();
    expect(h.sim.control.deliveries().map((d) => d.status)).toEqual([0, 0]);
  });

  it("expires a session by itself once its expires_at has passed", async () => {
    let now = Date.now();
    h = await startHarness({ clock: () => now });
    const session = await h.stripe.checkout.sessions.create(orderSessionParams(12));
    now = (session.expires_at + 1) * 1000;

    const seen = await h.stripe.checkout.sessions.retrieve(session.id);
    await h.sim.control.idle();

    expect(seen).toMatchObject({ status: "expired", url: null });
    expect(h.receiver.verified("checkout.session.expired").map((e) => (e.data.object as Stripe.Checkout.Session).id)).toEqual([session.id]);
    await expect(h.sim.control.pay(session.id)).rejects.toThrow(/expired/);
  });
});
