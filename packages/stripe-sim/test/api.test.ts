import Stripe from "stripe";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startHarness, nowSeconds, orderSessionParams, sdkFor, SECRET_KEY, type Harness } from "./setup.ts";
import { startStripeSim } from "../src/index.ts";

describe("stripe-sim API through the official SDK", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it("creates one Stripe-shaped checkout session per idempotency key", async () => {
    const params = orderSessionParams(41);
    const first = await h.stripe.checkout.sessions.create(params, { idempotencyKey: "checkout:41" });
    const second = await h.stripe.checkout.sessions.create(params, { idempotencyKey: "checkout:41" });

    expect(second.id).toBe(first.id);
    expect(h.sim.control.sessions().map((s) => s.id)).toEqual([first.id]);
    expect(first).toMatchObject({
      object: "checkout.session",
      mode: "payment",
      status: "open",
      payment_status: "unpaid",
      amount_total: 1999,
      currency: "eur",
      client_reference_id: "41",
      metadata: { order_id: "41" },
      payment_intent: null,
      livemode: false,
      expires_at: params.expires_at,
    });
    expect(first.id).toMatch(/^cs_test_/);
    expect(first.url).toBe(`${h.sim.apiUrl}/pay/${first.id}`);
    expect(h.sim.control.apiCalls().filter((call) => call.idempotencyKey === "checkout:41")).toHaveLength(2);
  });

  it("refuses the same idempotency key with different parameters", async () => {
    await h.stripe.checkout.sessions.create(orderSessionParams(7), { idempotencyKey: "checkout:7" });
    const changed = orderSessionParams(7, { metadata: { order_id: "8" } });

    const error = await h.stripe.checkout.sessions.create(changed, { idempotencyKey: "checkout:7" }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);
    expect((error as Stripe.errors.StripeError).statusCode).toBe(400);
    expect(h.sim.control.sessions()).toHaveLength(1);
  });

  it("sums line items and keeps line-item currency consistent", async () => {
    const session = await h.stripe.checkout.sessions.create(
      orderSessionParams(9, {
        line_items: [
          { quantity: 2, price_data: { currency: "usd", unit_amount: 500, product_data: { name: "A" } } },
          { quantity: 1, price_data: { currency: "usd", unit_amount: 250, product_data: { name: "B" } } },
        ],
      }),
    );
    expect(session.amount_total).toBe(1250);
    const mixed = h.stripe.checkout.sessions.create(
      orderSessionParams(10, {
        line_items: [
          { quantity: 1, price_data: { currency: "usd", unit_amount: 500, product_data: { name: "A" } } },
          { quantity: 1, price_data: { currency: "eur", unit_amount: 500, product_data: { name: "B" } } },
        ],
      }),
    );
    await expect(mixed).rejects.toMatchObject({ statusCode: 400, param: "line_items" });
  });

  it("retrieves and expires a session, posting a verifiable checkout.session.expired", async () => {
    const created = await h.stripe.checkout.sessions.create(orderSessionParams(12));
    const retrieved = await h.stripe.checkout.sessions.retrieve(created.id);
    expect(retrieved).toEqual(created);

    const expired = await h.stripe.checkout.sessions.expire(created.id);
    expect(expired).toMatchObject({ id: created.id, status: "expired", url: null, payment_status: "unpaid" });
    await h.sim.control.idle();

    const [event] = h.receiver.verified("checkout.session.expired");
    expect(event?.data.object).toMatchObject({ id: created.id, status: "expired", metadata: { order_id: "12" } });
    expect(event?.request?.id).toMatch(/^req_/);

    const again = await h.stripe.checkout.sessions.expire(created.id).catch((e: unknown) => e);
    expect(again).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect((again as Stripe.errors.StripeError).statusCode).toBe(400);
  });

  it("pays a session: paid session, succeeded payment intent, signed checkout.session.completed", async () => {
    const created = await h.stripe.checkout.sessions.create(orderSessionParams(21));
    await h.sim.control.pay(created.id);

    const [event] = h.receiver.verified("checkout.session.completed");
    expect(event?.type).toBe("checkout.session.completed");
    const session = event?.data.object as Stripe.Checkout.Session;
    expect(session).toMatchObject({ id: created.id, status: "complete", payment_status: "paid", client_reference_id: "21" });
    expect(event).toMatchObject({ object: "event", livemode: false, api_version: Stripe.API_VERSION, pending_webhooks: 1 });

    const intent = await h.stripe.paymentIntents.retrieve(String(session.payment_intent));
    expect(intent).toMatchObject({ object: "payment_intent", status: "succeeded", amount: 1999, amount_received: 1999, currency: "eur", metadata: { order_id: "21" } });
    expect(intent.latest_charge).toMatch(/^ch_/);
    expect((await h.stripe.checkout.sessions.retrieve(created.id)).payment_status).toBe("paid");
    await expect(h.sim.control.pay(created.id)).rejects.toThrow(/complete/);
  });

  it("settles async payments later, both ways", async () => {
    const good = await h.stripe.checkout.sessions.create(orderSessionParams(31));
    const bad = await h.stripe.checkout.sessions.create(orderSessionParams(32));
    await h.sim.control.pay(good.id, { async: true });
    await h.sim.control.pay(bad.id, { async: true });
    expect(h.sim.control.session(good.id)).toMatchObject({ status: "complete", payment_status: "unpaid" });

    await h.sim.control.asyncPaymentSucceeded(good.id);
    await h.sim.control.asyncPaymentFailed(bad.id);

    const succeeded = h.receiver.verified("checkout.session.async_payment_succeeded");
    const failed = h.receiver.verified("checkout.session.async_payment_failed");
    expect(succeeded.map((e) => (e.data.object as Stripe.Checkout.Session).id)).toEqual([good.id]);
    expect(failed.map((e) => (e.data.object as Stripe.Checkout.Session).id)).toEqual([bad.id]);
    expect(h.sim.control.session(good.id)?.payment_status).toBe("paid");
    const badIntent = await h.stripe.paymentIntents.retrieve(String(h.sim.control.session(bad.id)?.payment_intent));
    expect(badIntent.status).toBe("requires_payment_method");
  });

  it("lists a payment's refunds newest first, with Stripe's paging and parameter checks", async () => {
    const created = await h.stripe.checkout.sessions.create(orderSessionParams(52));
    await h.sim.control.pay(created.id);
    const paymentIntent = String(h.sim.control.session(created.id)?.payment_intent);
    const first = await h.stripe.refunds.create({ payment_intent: paymentIntent, amount: 100, metadata: { order_id: "52", attempt: "1" } });
    const second = await h.stripe.refunds.create({ payment_intent: paymentIntent, amount: 200, metadata: { order_id: "52", attempt: "2" } });

    const listed = await h.stripe.refunds.list({ payment_intent: paymentIntent, limit: 100 });
    expect(listed.object).toBe("list");
    expect(listed.data.map((r) => r.id).sort()).toEqual([first.id, second.id].sort());
    expect(listed.has_more).toBe(false);
    const one = await h.stripe.refunds.list({ payment_intent: paymentIntent, limit: 1 });
    expect([one.data.length, one.has_more]).toEqual([1, true]);
    expect((await h.stripe.refunds.list({ payment_intent: "pi_unknown" })).data).toEqual([]);
    await expect(h.stripe.refunds.list({ payment_intent: paymentIntent, limit: 101 })).rejects.toMatchObject({ statusCode: 400, param: "limit" });
  });

  it("refunds idempotently, limits the amount and posts charge.refunded", async () => {
    const created = await h.stripe.checkout.sessions.create(orderSessionParams(51));
    await h.sim.control.pay(created.id);
    const paymentIntent = String(h.sim.control.session(created.id)?.payment_intent);

    const params = { payment_intent: paymentIntent, amount: 500, metadata: { order_id: "51" } };
    const first = await h.stripe.refunds.create(params, { idempotencyKey: "refund:51" });
    const replay = await h.stripe.refunds.create(params, { idempotencyKey: "refund:51" });
    expect(replay.id).toBe(first.id);
    expect(first).toMatchObject({ object: "refund", amount: 500, status: "succeeded", payment_intent: paymentIntent, metadata: { order_id: "51" } });
    expect(h.sim.control.refunds()).toHaveLength(1);

    const tooMuch = await h.stripe.refunds.create({ payment_intent: paymentIntent, amount: 1500 }).catch((e: unknown) => e);
    expect(tooMuch).toMatchObject({ statusCode: 400, code: "amount_too_large", param: "amount" });
    const rest = await h.stripe.refunds.create({ payment_intent: paymentIntent });
    expect(rest.amount).toBe(1499);
    const none = await h.stripe.refunds.create({ payment_intent: paymentIntent }).catch((e: unknown) => e);
    expect(none).toMatchObject({ statusCode: 400, code: "charge_already_refunded" });

    await h.sim.control.idle();
    const charges = h.receiver.verified("charge.refunded").map((e) => e.data.object as Stripe.Charge);
    expect(charges.map((c) => [c.amount_refunded, c.refunded])).toEqual([
      [500, false],
      [1999, true],
    ]);
    expect(charges[0]).toMatchObject({ payment_intent: paymentIntent, metadata: { order_id: "51" } });
    expect(h.receiver.verified("refund.updated").map((e) => (e.data.object as Stripe.Refund).status)).toEqual(["succeeded", "succeeded"]);
    expect((await h.stripe.refunds.retrieve(first.id)).amount).toBe(500);
  });

  it("fails refunds on demand: answered pending, then refund.failed", async () => {
    const created = await h.stripe.checkout.sessions.create(orderSessionParams(61));
    await h.sim.control.pay(created.id);
    const paymentIntent = String(h.sim.control.session(created.id)?.payment_intent);
    h.sim.control.failRefunds(true);

    const refund = await h.stripe.refunds.create({ payment_intent: paymentIntent, metadata: { order_id: "61" } }, { idempotencyKey: "refund:61" });
    await h.sim.control.idle();

    expect(refund.status).toBe("pending");
    expect(h.sim.control.refunds()).toMatchObject([{ id: refund.id, status: "failed", amount: 1999, payment_intent: paymentIntent, metadata: { order_id: "61" } }]);
    expect((await h.stripe.refunds.retrieve(refund.id)).status).toBe("failed");
    const failed = h.receiver.verified("refund.failed").map((e) => e.data.object as Stripe.Refund);
    expect(failed).toMatchObject([{ id: refund.id, status: "failed", metadata: { order_id: "61" } }]);
    expect(h.receiver.verified("charge.refunded")).toHaveLength(0);

    h.sim.control.failRefunds(false);
    const retried = await h.stripe.refunds.create({ payment_intent: paymentIntent }, { idempotencyKey: "refund:61:2" });
    expect(retried).toMatchObject({ status: "succeeded", amount: 1999 });
  });

  it("rejects a wrong key with 401 and shows it masked", async () => {
    const wrong = "sk_test_51WrongKeyAbcdefghij9876";
    const error = await sdkFor(h.sim.apiUrl, wrong).checkout.sessions.create(orderSessionParams(1)).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(Stripe.errors.StripeAuthenticationError);
    const message = (error as Stripe.errors.StripeError).message;
    expect(message).toMatch(/^Invalid API Key provided: sk_test_\*+9876$/);
    expect(message).not.toContain("WrongKey");
    expect(h.sim.control.sessions()).toHaveLength(0);
  });

  it("accepts exactly the account's secret and restricted keys; any other key, a publishable or a missing one is a 401", async () => {
    const account = await startStripeSim({ webhookSecret: "whsec_x", secretKey: "sk_test_account4242", restrictedKey: "rk_test_account4343" });
    try {
      for (const key of ["sk_test_account4242", "rk_test_account4343"]) {
        await expect(sdkFor(account.apiUrl, key).checkout.sessions.create(orderSessionParams(2))).resolves.toMatchObject({ status: "open" });
      }
      for (const key of ["sk_test_anything", "rk_test_account4344", "sk_live_account4242", "pk_test_account4242"]) {
        const error = await sdkFor(account.apiUrl, key).checkout.sessions.create(orderSessionParams(2)).catch((e: unknown) => e);
        expect(error, key).toBeInstanceOf(Stripe.errors.StripeAuthenticationError);
      }
      const publishable = await sdkFor(account.apiUrl, "pk_test_account4242").checkout.sessions.create(orderSessionParams(2)).catch((e: unknown) => e);
      expect((publishable as Stripe.errors.StripeError).message).toMatch(/cannot be made with a publishable API key/);
      const missing = await fetch(`${account.apiUrl}/v1/checkout/sessions/cs_test_x`);
      expect(missing.status).toBe(401);
      expect(((await missing.json()) as { error: { message: string } }).error.message).toMatch(/did not provide an API key/);
      expect(account.control.sessions()).toHaveLength(2);
    } finally {
      await account.close();
    }
  });

  it("without a configured key accepts only the one it prints, and refuses to run with a live key", async () => {
    const plain = await startStripeSim({ webhookSecret: "whsec_x" });
    try {
      expect(plain.settings.STRIPE_SECRET_KEY).toBe("sk_test_stripeSimLocal");
      await expect(sdkFor(plain.apiUrl, plain.settings.STRIPE_SECRET_KEY!).checkout.sessions.create(orderSessionParams(2))).resolves.toMatchObject({ status: "open" });
      await expect(sdkFor(plain.apiUrl, "sk_test_anything").checkout.sessions.create(orderSessionParams(2))).rejects.toMatchObject({ statusCode: 401 });
    } finally {
      await plain.close();
    }
    await expect(startStripeSim({ webhookSecret: "whsec_x", secretKey: "sk_live_real" })).rejects.toThrow(/test-mode key/);
    await expect(startStripeSim({ webhookSecret: "whsec_x", restrictedKey: "sk_test_notRestricted" })).rejects.toThrow(/restricted key/);
  });

  it("refuses a total under the currency's minimum charge, over eight digits, or in a currency Stripe does not support", async () => {
    const priced = (currency: string, unit_amount: number, quantity = 1) =>
      h.stripe.checkout.sessions.create(orderSessionParams(8, { line_items: [{ quantity, price_data: { currency, unit_amount, product_data: { name: "eSIM" } } }] }));
    for (const [currency, amount] of [["usd", 0], ["usd", 1], ["usd", 49], ["eur", 49], ["gbp", 29], ["jpy", 49], ["huf", 17_499], ["mxn", 999]] as const) {
      const error = await priced(currency, amount).catch((e: unknown) => e);
      expect(error, `${amount} ${currency}`).toMatchObject({ statusCode: 400, code: "amount_too_small", param: "line_items" });
    }
    expect(((await priced("usd", 1).catch((e: unknown) => e)) as Stripe.errors.StripeError).message).toBe("The Checkout Session's total amount due must add up to at least $0.50 usd");
    for (const [currency, amount] of [["usd", 50], ["gbp", 30], ["jpy", 50], ["huf", 17_500], ["chf", 50]] as const) {
      await expect(priced(currency, amount), `${amount} ${currency}`).resolves.toMatchObject({ amount_total: amount, currency });
    }
    await expect(priced("usd", 99_999_999, 2)).rejects.toMatchObject({ statusCode: 400, code: "amount_too_large" });
    const unsupported = await priced("xyz", 5_000).catch((e: unknown) => e);
    expect(unsupported).toMatchObject({ statusCode: 400, param: "line_items[0][price_data][currency]" });
    expect((unsupported as Stripe.errors.StripeError).message).toMatch(/^Invalid currency: xyz\. Stripe currently supports these currencies: usd, aed, /);
    expect(h.sim.control.sessions()).toHaveLength(5);
  });

  it("refunds by charge, or by payment intent and charge when they belong together", async () => {
    const created = await h.stripe.checkout.sessions.create(orderSessionParams(53));
    await h.sim.control.pay(created.id);
    const intent = await h.stripe.paymentIntents.retrieve(String(h.sim.control.session(created.id)?.payment_intent));
    const charge = String(intent.latest_charge);

    await expect(h.stripe.refunds.create({ charge, amount: 100 })).resolves.toMatchObject({ charge, payment_intent: intent.id, amount: 100, status: "succeeded" });
    await expect(h.stripe.refunds.create({ charge, payment_intent: intent.id, amount: 100 })).resolves.toMatchObject({ amount: 100 });
    await expect(h.stripe.refunds.create({ charge: "ch_unknown" })).rejects.toMatchObject({ statusCode: 404, code: "resource_missing", param: "charge" });
    await expect(h.stripe.refunds.create({})).rejects.toMatchObject({ statusCode: 400, code: "parameter_missing" });
    expect((await h.stripe.refunds.list({ charge })).data.map((r) => r.amount)).toEqual([100, 100]);
  });

  it("validates expires_at like Stripe (30 minutes to 24 hours)", async () => {
    for (const expiresAt of [nowSeconds() + 10 * 60, nowSeconds() + 25 * 3600]) {
      const error = await h.stripe.checkout.sessions.create(orderSessionParams(3, { expires_at: expiresAt })).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
      expect(error).toMatchObject({ statusCode: 400, param: "expires_at" });
    }
    expect(h.sim.control.sessions()).toHaveLength(0);
    const withoutExpiry = await h.stripe.checkout.sessions.create(orderSessionParams(3, { expires_at: undefined }));
    expect(withoutExpiry.expires_at - withoutExpiry.created).toBe(24 * 3600);
  });

  it("answers unknown resources and parameters with Stripe-shaped errors", async () => {
    const missing = await h.stripe.checkout.sessions.retrieve("cs_test_nope").catch((e: unknown) => e);
    expect(missing).toMatchObject({ statusCode: 404, code: "resource_missing", message: "No such checkout.session: 'cs_test_nope'" });

    const route = await fetch(`${h.sim.apiUrl}/v1/customers`, { headers: { authorization: `Bearer ${SECRET_KEY}` } });
    expect(route.status).toBe(404);
    expect(await route.json()).toMatchObject({ error: { type: "invalid_request_error", message: expect.stringContaining("Unrecognized request URL (GET: /v1/customers)") } });

    const unknownParam = await fetch(`${h.sim.apiUrl}/v1/refunds`, {
      method: "POST",
      headers: { authorization: `Bearer ${SECRET_KEY}`, "content-type": "application/x-www-form-urlencoded" },
      body: "payment_intent=pi_x&colour=red",
    });
    expect(unknownParam.status).toBe(400);
    expect(await unknownParam.json()).toMatchObject({
      error: { type: "invalid_request_error", code: "parameter_unknown", param: "colour", message: "Received unknown parameter: colour", doc_url: "https://stripe.com/docs/error-codes/parameter-unknown" },
    });
    const noIntent = await h.stripe.refunds.create({ payment_intent: "pi_missing" }).catch((e: unknown) => e);
    expect(noIntent).toMatchObject({ statusCode: 404, param: "payment_intent" });
  });
});
