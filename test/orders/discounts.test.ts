import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Order } from "../../src/db/schema.ts";
import { createCatalogue } from "../../src/catalogue/index.ts";
import { translatorFor } from "../../src/copy/index.ts";
import { renderAlert } from "../../src/copy/notices.ts";
import { createScreenCache, runAdminCommand } from "../../src/screens/index.ts";
import { testDatabaseTargets, type TestDatabase } from "../helpers/db.ts";
import { BUNDLE, shopSettings, silentLogger, startHarness, type Harness } from "../helpers/shop.ts";

/** Promotion codes and Adaptive Pricing through Stripe's stand-in: what was paid is recorded, checked and refunded. */
describe.each(testDatabaseTargets())("discounts and the buyer's currency on $kind", (target) => {
  let database: TestDatabase;
  let h: Harness;

  beforeEach(async () => {
    database = await target.create();
    h = await startHarness(database, { payments: { allowPromotionCodes: true, adaptivePricing: true } });
    await h.seedBundle(BUNDLE);
  });

  afterEach(async () => {
    await h?.close();
    await database?.close();
  });

  /** What an admin reads after /stats (in English). */
  async function statsScreen(): Promise<string> {
    const catalogue = createCatalogue({ db: h.db, esimgo: h.esimgo, notifier: h.notifier, logger: silentLogger, pricing: shopSettings().pricing, maxAgeMs: 3_600_000 });
    const deps = { catalogue, shop: h.shop, screens: createScreenCache(() => catalogue.revision()), settings: { pageSize: 8, refundPolicy: "", lowBalanceThresholdMinor: 0 } };
    const told: string[] = [];
    await runAdminCommand({ t: translatorFor("en"), language: "en" }, deps, silentLogger, "stats", "", async (text) => told.push(text));
    return told.join("\n");
  }

  async function pay(created: Order, options: { promotionCode?: string; presentmentCurrency?: string; fxRate?: number }): Promise<Order> {
    await h.stripeSim.control.pay(created.stripe_session_id as string, options);
    await h.stripeSim.control.idle();
    return h.order(created.id);
  }

  it("a discounted payment is fulfilled; what was paid and the discount are recorded and shown in /stats", async () => {
    const created = await h.openOrder();
    expect(h.stripeSim.control.session(created.stripe_session_id as string)).toMatchObject({ allow_promotion_codes: true, adaptive_pricing: { enabled: true } });
    // Small enough to keep the minimum margin: no alert.
    const discount = created.price_minor - created.provider_cost_minor - 100;
    expect(discount).toBeGreaterThan(0);
    h.stripeSim.control.createPromotionCode({ code: "RESELLER", amountOff: discount, currency: created.currency.toLowerCase() });

    const paid = await pay(created, { promotionCode: "RESELLER" });
    expect(paid).toMatchObject({ status: "paid", paid_minor: created.price_minor - discount, discount_minor: discount, presentment_minor: null });
    expect(h.notifier.adminAlerts).toContainEqual(expect.objectContaining({ type: "sale", orderId: created.id, priceMinor: created.price_minor - discount }));
    expect(h.notifier.adminAlerts.filter((a) => a.type === "discount_below_margin")).toEqual([]);

    await h.driveUntil(async () => (await h.order(created.id)).status === "delivered");
    const today = (await h.shop.stats()).find((row) => row.period === "today");
    expect(today).toMatchObject({
      sales: 1,
      revenueMinor: created.price_minor - discount,
      discountMinor: discount,
      discountedSales: 1,
      costMinor: created.provider_cost_minor,
      marginMinor: created.price_minor - discount - created.provider_cost_minor,
    });
    const dollars = (minor: number) => `$${(minor / 100).toFixed(2)}`;
    const screen = await statsScreen();
    expect(screen).toContain(`Today: 1 sales · revenue ${dollars(created.price_minor - discount)}`);
    expect(screen).toContain(`margin ${dollars(created.price_minor - discount - created.provider_cost_minor)}`);
    expect(screen).toContain(`Today: promotion codes took ${dollars(discount)} off 1 sales`);
  });

  it("a discount that takes the sale below cost is fulfilled and alerts the admins once", async () => {
    const created = await h.openOrder();
    h.stripeSim.control.createPromotionCode({ code: "HALF", percentOff: 60 });
    const paid = await pay(created, { promotionCode: "HALF" });
    const discount = Math.round(created.price_minor * 0.6);
    expect(paid).toMatchObject({ status: "paid", paid_minor: created.price_minor - discount, discount_minor: discount });
    expect(created.price_minor - discount).toBeLessThan(created.provider_cost_minor);

    // The same event delivered again changes nothing and alerts no one again.
    const completed = h.stripeSim.control.events().find((e) => e.type === "checkout.session.completed");
    await h.stripeSim.control.deliver(completed!.id, { times: 2 });
    const alerts = h.notifier.adminAlerts.filter((a) => a.type === "discount_below_margin");
    expect(alerts).toEqual([
      { type: "discount_below_margin", orderId: created.id, paidMinor: created.price_minor - discount, discountMinor: discount, costMinor: created.provider_cost_minor, minMarginMinor: 100, currency: created.currency },
    ]);
    for (const language of ["en", "ru", "tr"] as const) expect(renderAlert(alerts[0]!, language)).toContain(String(created.id));
    expect(renderAlert(alerts[0]!, "en")).toContain("below cost");
    await h.driveUntil(async () => (await h.order(created.id)).status === "delivered");
  });

  it("a session paid in EUR with Adaptive Pricing is fulfilled and counted in the order's currency", async () => {
    const created = await h.openOrder();
    const paid = await pay(created, { presentmentCurrency: "eur", fxRate: 0.9 });
    expect(paid).toMatchObject({ status: "paid", paid_minor: created.price_minor, presentment_minor: Math.round(created.price_minor * 0.9), presentment_currency: "EUR" });
    await h.driveUntil(async () => (await h.order(created.id)).status === "delivered");
    expect((await h.shop.stats()).find((row) => row.period === "today")).toMatchObject({ sales: 1, revenueMinor: created.price_minor, discountMinor: 0, currency: created.currency });
  });

  it("a session paid in EUR with Adaptive Pricing is refunded in the order's currency for its price", async () => {
    const created = await h.openOrder();
    h.esimSim.control.setBalance(0);
    const paid = await pay(created, { presentmentCurrency: "eur", fxRate: 0.9 });
    const eur = Math.round(created.price_minor * 0.9);
    expect(paid).toMatchObject({ status: "paid", paid_minor: created.price_minor, discount_minor: 0, presentment_minor: eur, presentment_currency: "EUR" });

    await h.shop.runDueOnce();
    expect(await h.shop.refund(created.id)).toBe("refunding");
    await h.stripeSim.control.idle();
    expect(h.stripeSim.control.refunds()).toEqual([
      expect.objectContaining({
        amount: created.price_minor,
        currency: created.currency.toLowerCase(),
        status: "succeeded",
        presentment_details: { presentment_amount: eur, presentment_currency: "eur" },
      }),
    ]);
    expect(await h.order(created.id)).toMatchObject({ status: "failed", refund_status: "succeeded", refund_amount_minor: created.price_minor });
  });

  it("a code that takes the whole price completes with no payment: the order is delivered, alerted, and stops with nothing to refund", async () => {
    const created = await h.openOrder();
    h.stripeSim.control.createPromotionCode({ code: "FREE", percentOff: 100 });
    const paid = await pay(created, { promotionCode: "FREE" });
    expect(h.stripeSim.control.session(created.stripe_session_id as string)).toMatchObject({ payment_status: "no_payment_required", payment_intent: null, amount_total: 0 });
    expect(paid).toMatchObject({ status: "paid", paid_minor: 0, discount_minor: created.price_minor, stripe_payment_intent_id: null });
    expect(h.notifier.adminAlerts.filter((a) => a.type === "discount_below_margin")).toEqual([expect.objectContaining({ orderId: created.id, paidMinor: 0 })]);
    await h.driveUntil(async () => (await h.order(created.id)).status === "delivered");

    // Another one, stopped by the operator before eSIM Go could fill it: nothing goes back, nothing is asked of Stripe.
    const second = await h.openOrder();
    h.esimSim.control.setBalance(0);
    await pay(second, { promotionCode: "FREE" });
    await h.shop.runDueOnce();
    expect(await h.shop.refund(second.id)).toBe("refunding");
    expect(await h.order(second.id)).toMatchObject({ status: "failed", refund_status: "succeeded" });
    expect(h.stripeSim.control.refunds()).toEqual([]);
  });

  it("a discounted payment is refunded for what was paid", async () => {
    const created = await h.openOrder();
    h.esimSim.control.setBalance(0);
    h.stripeSim.control.createPromotionCode({ code: "TEN", percentOff: 10 });
    const paid = await pay(created, { promotionCode: "TEN" });
    await h.shop.runDueOnce();
    expect(await h.shop.refund(created.id)).toBe("refunding");
    await h.stripeSim.control.idle();
    expect(h.stripeSim.control.refunds()).toEqual([expect.objectContaining({ amount: paid.paid_minor, status: "succeeded" })]);
    expect(await h.order(created.id)).toMatchObject({ refund_status: "succeeded", refund_amount_minor: paid.paid_minor });
  });
});
