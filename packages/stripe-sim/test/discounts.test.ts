import type Stripe from "stripe";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { orderSessionParams, startHarness, type Harness } from "./setup.ts";

/** Promotion codes and Adaptive Pricing, as Stripe applies them to a Checkout Session and its payment. */
describe("stripe-sim promotion codes and adaptive pricing", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it("a code typed by the customer lowers the total, the payment and the charge; the subtotal stays", async () => {
    const promo = h.sim.control.createPromotionCode({ code: "SPRING", percentOff: 25 });
    const session = await h.stripe.checkout.sessions.create(orderSessionParams(1, { allow_promotion_codes: true }));
    expect(session).toMatchObject({ allow_promotion_codes: true, amount_subtotal: 1999, amount_total: 1999, discounts: [] });

    await expect(h.sim.control.pay(session.id, { promotionCode: "NOPE" })).rejects.toThrow("This code is invalid.");
    await h.sim.control.pay(session.id, { promotionCode: "spring" });
    const paid = await h.stripe.checkout.sessions.retrieve(session.id, { expand: ["payment_intent"] });
    expect(paid).toMatchObject({ amount_subtotal: 1999, amount_total: 1499, total_details: { amount_discount: 500 }, discounts: [{ promotion_code: promo.id, coupon: promo.couponId }] });
    const intent = paid.payment_intent as Stripe.PaymentIntent;
    expect(intent.amount).toBe(1499);
    const refund = await h.stripe.refunds.create({ payment_intent: intent.id });
    expect(refund.amount).toBe(1499);
  });

  it("refuses an inactive code, a code where none is allowed, and discounts beside allow_promotion_codes", async () => {
    const promo = h.sim.control.createPromotionCode({ code: "FIVE", amountOff: 500, currency: "eur" });
    h.sim.control.setPromotionCodeActive("FIVE", false);
    const allowing = await h.stripe.checkout.sessions.create(orderSessionParams(2, { allow_promotion_codes: true }));
    await expect(h.sim.control.pay(allowing.id, { promotionCode: "FIVE" })).rejects.toThrow("This code is invalid.");
    expect(h.sim.control.session(allowing.id)).toMatchObject({ status: "open", amount_total: 1999 });

    const plain = await h.stripe.checkout.sessions.create(orderSessionParams(3));
    await expect(h.sim.control.pay(plain.id, { promotionCode: "FIVE" })).rejects.toThrow("does not accept promotion codes");

    await expect(h.stripe.checkout.sessions.create(orderSessionParams(4, { allow_promotion_codes: true, discounts: [{ promotion_code: promo.id }] }))).rejects.toThrow(
      "You may only specify one of these parameters: allow_promotion_codes, discounts.",
    );
    await expect(h.stripe.checkout.sessions.create(orderSessionParams(5, { discounts: [{ promotion_code: promo.id }] }))).rejects.toThrow("inactive");
    h.sim.control.setPromotionCodeActive(promo.id, true);
    const discounted = await h.stripe.checkout.sessions.create(orderSessionParams(6, { discounts: [{ promotion_code: promo.id }] }));
    expect(discounted).toMatchObject({ allow_promotion_codes: null, amount_subtotal: 1999, amount_total: 1499, total_details: { amount_discount: 500 } });
    await expect(h.stripe.checkout.sessions.create(orderSessionParams(7, { discounts: [{ promotion_code: "promo_nope" }] }))).rejects.toThrow("No such promotion_code");
  });

  it("adaptive pricing: the session and the payment stay in the session's currency, presentment_details carry what the buyer paid", async () => {
    const session = await h.stripe.checkout.sessions.create(orderSessionParams(8, { adaptive_pricing: { enabled: true } }));
    expect(session.adaptive_pricing).toEqual({ enabled: true });
    const plain = await h.stripe.checkout.sessions.create(orderSessionParams(9));
    await expect(h.sim.control.pay(plain.id, { presentmentCurrency: "usd", fxRate: 1.1 })).rejects.toThrow("Adaptive Pricing is not enabled");

    await h.sim.control.pay(session.id, { presentmentCurrency: "usd", fxRate: 1.1 });
    const paid = await h.stripe.checkout.sessions.retrieve(session.id, { expand: ["payment_intent"] });
    expect(paid).toMatchObject({ amount_total: 1999, currency: "eur", presentment_details: { presentment_amount: 2199, presentment_currency: "usd" } });
    const intent = paid.payment_intent as Stripe.PaymentIntent;
    expect(intent).toMatchObject({ amount: 1999, currency: "eur", presentment_details: { presentment_amount: 2199, presentment_currency: "usd" } });
    const refund = await h.stripe.refunds.create({ payment_intent: intent.id, amount: 1999 });
    expect(refund).toMatchObject({ amount: 1999, currency: "eur", presentment_details: { presentment_amount: 2199, presentment_currency: "usd" } });
  });

  it("the hosted page takes a code in its form and says when it is refused", async () => {
    h.sim.control.createPromotionCode({ code: "HALF", percentOff: 50 });
    const session = await h.stripe.checkout.sessions.create(orderSessionParams(10, { allow_promotion_codes: true }));
    const page = await (await fetch(String(session.url))).text();
    expect(page).toContain('name="promotion_code"');
    const refused = await fetch(`${String(session.url)}/confirm`, { method: "POST", body: new URLSearchParams({ promotion_code: "WRONG" }), redirect: "manual" });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain("This code is invalid.");
    const paid = await fetch(`${String(session.url)}/confirm`, { method: "POST", body: new URLSearchParams({ promotion_code: "HALF" }), redirect: "manual" });
    expect(paid.status).toBe(303);
    expect(h.sim.control.session(session.id)).toMatchObject({ status: "complete", amount_total: 999, total_details: { amount_discount: 1000 } });
  });
});
