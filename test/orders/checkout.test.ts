import { afterEach, beforeEach, describe, expect, it } from "vitest";
import Stripe from "stripe";
import { checkoutIdempotencyKey } from "../../src/payments/index.ts";
import { retailPriceMinor } from "../../src/pricing/index.ts";
import { testDatabaseTargets, type TestDatabase } from "../helpers/db.ts";
import { BUNDLE, shopSettings, startHarness, STRIPE_SECRET_KEY, type Harness } from "../helpers/shop.ts";

const pricing = shopSettings().pricing;

describe.each(testDatabaseTargets())("checkout on $kind", (target) => {
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

  const cost = async () => (await h.db.selectFrom("catalogue_bundles").select("cost_minor").where("name", "=", BUNDLE).executeTakeFirstOrThrow()).cost_minor;
  const sessions = () => h.stripeSim.control.sessions();
  const orderCount = async () => (await h.db.selectFrom("orders").select("id").execute()).length;

  it("asks again when the provider cost rose past the margin, then charges the confirmed new price", async () => {
    const oldCost = await cost();
    const seenPrice = retailPriceMinor(oldCost, pricing, "USD");
    const newCost = seenPrice - pricing.minMarginMinor + 1;
    h.esimSim.control.setBundlePrice(BUNDLE, newCost / 100);

    const outcome = await h.shop.checkout({ customerId: h.customerId, bundleName: BUNDLE });
    const newPrice = retailPriceMinor(newCost, pricing, "USD");
    expect(outcome).toEqual({ kind: "price_changed", bundleName: BUNDLE, priceMinor: newPrice, currency: "USD" });
    expect(sessions()).toHaveLength(0);
    expect(await orderCount()).toBe(0);
    expect(await cost()).toBe(newCost);

    const confirmed = await h.shop.checkout({ customerId: h.customerId, bundleName: BUNDLE, confirmedPriceMinor: newPrice });
    expect(confirmed).toMatchObject({ kind: "link", priceMinor: newPrice });
    expect(sessions().map((s) => s.amount_total)).toEqual([newPrice]);
  });

  it("quotes a bundle cheaper than Stripe's minimum charge at that minimum, which the Stripe stand-in accepts", async () => {
    h.esimSim.control.setBundlePrice(BUNDLE, 0.05);
    await h.db.updateTable("catalogue_bundles").set({ cost_minor: 5 }).where("name", "=", BUNDLE).execute();
    const cheap = h.makeShop({ pricing: { markupPercent: 0, fixedFeeMinor: 0, minMarginMinor: 1, rounding: "none" } });

    const outcome = await cheap.checkout({ customerId: h.customerId, bundleName: BUNDLE });

    expect(outcome).toMatchObject({ kind: "link", priceMinor: 50, currency: "USD" });
    expect(sessions().map((s) => [s.amount_total, s.currency])).toEqual([[50, "usd"]]);
  });

  it("keeps the price the customer saw when a small cost rise leaves the margin intact", async () => {
    const oldCost = await cost();
    h.esimSim.control.setBundlePrice(BUNDLE, (oldCost + 1) / 100);
    const outcome = await h.shop.checkout({ customerId: h.customerId, bundleName: BUNDLE });
    expect(outcome).toMatchObject({ kind: "link", priceMinor: retailPriceMinor(oldCost, pricing, "USD") });
    const order = await h.shop.order((outcome as { orderId: number }).orderId);
    expect(order?.provider_cost_minor).toBe(oldCost + 1);
  });

  it("never charges a price from the chat: a price we do not quote is answered with today's price, and nothing is opened", async () => {
    const catalogue = retailPriceMinor(await cost(), pricing, "USD");
    for (const forged of [1, catalogue - 1, catalogue + 100]) {
      const outcome = await h.shop.checkout({ customerId: h.customerId, bundleName: BUNDLE, confirmedPriceMinor: forged });
      expect(outcome).toEqual({ kind: "price_changed", bundleName: BUNDLE, priceMinor: catalogue, currency: "USD" });
    }
    expect(sessions()).toHaveLength(0);
    expect(await orderCount()).toBe(0);
    const honest = await h.shop.checkout({ customerId: h.customerId, bundleName: BUNDLE, confirmedPriceMinor: catalogue });
    expect(honest).toMatchObject({ kind: "link", priceMinor: catalogue });
    expect(sessions().map((s) => s.amount_total)).toEqual([catalogue]);
  });

  it("asks again when the catalogue price rose after the customer saw the Pay button", async () => {
    const oldCost = await cost();
    const seenPrice = retailPriceMinor(oldCost, pricing, "USD");
    // Someone else's checkout (or a sync) already recorded the higher cost: the catalogue price is the new one.
    h.esimSim.control.setBundlePrice(BUNDLE, (oldCost + 200) / 100);
    await h.shop.checkout({ customerId: h.customerId, bundleName: BUNDLE });
    await h.db.deleteFrom("order_events").execute();
    await h.db.deleteFrom("orders").execute();
    const sessionsBefore = sessions().length;

    const newPrice = retailPriceMinor(oldCost + 200, pricing, "USD");
    const outcome = await h.shop.checkout({ customerId: h.customerId, bundleName: BUNDLE, confirmedPriceMinor: seenPrice });
    expect(outcome).toEqual({ kind: "price_changed", bundleName: BUNDLE, priceMinor: newPrice, currency: "USD" });
    expect(sessions()).toHaveLength(sessionsBefore);
  });

  it("refuses to take money the provider balance cannot cover, and alerts the admins", async () => {
    h.esimSim.control.setBalance(0.01);
    const outcome = await h.shop.checkout({ customerId: h.customerId, bundleName: BUNDLE });
    expect(outcome).toEqual({ kind: "unavailable", reason: "balance" });
    expect(sessions()).toHaveLength(0);
    expect(await orderCount()).toBe(0);
    expect(h.notifier.adminAlerts).toContainEqual(expect.objectContaining({ type: "bundle_unavailable", bundleName: BUNDLE }));
  });

  it("answers withdrawn for a bundle the provider no longer sells, and stops offering it", async () => {
    h.esimSim.control.withdrawBundle(BUNDLE);
    expect(await h.shop.checkout({ customerId: h.customerId, bundleName: BUNDLE })).toEqual({ kind: "unavailable", reason: "withdrawn" });
    const row = await h.db.selectFrom("catalogue_bundles").select("active").where("name", "=", BUNDLE).executeTakeFirstOrThrow();
    expect(row.active).toBe(false);
    expect(await h.shop.checkout({ customerId: h.customerId, bundleName: "esim_nothing_like_this" })).toEqual({ kind: "unavailable", reason: "withdrawn" });
    expect(sessions()).toHaveLength(0);
  });

  it("sends the same link again for the same open order", async () => {
    const first = await h.shop.checkout({ customerId: h.customerId, bundleName: BUNDLE });
    const second = await h.shop.checkout({ customerId: h.customerId, bundleName: BUNDLE });
    expect(first).toMatchObject({ kind: "link", reused: false });
    expect(second).toMatchObject({ kind: "link", reused: true, url: (first as { url: string }).url, orderId: (first as { orderId: number }).orderId });
    expect(sessions()).toHaveLength(1);
    expect(await orderCount()).toBe(1);
  });

  it("never sends an open link whose price is not the one on the button pressed: the old order closes, a new quote decides", async () => {
    const oldCost = await cost();
    const first = await h.shop.checkout({ customerId: h.customerId, bundleName: BUNDLE, confirmedPriceMinor: retailPriceMinor(oldCost, pricing, "USD") });
    if (first.kind !== "link") throw new Error(first.kind);
    // The price fell since (a catalogue sync): the Pay button now shows the lower price.
    const newCost = oldCost - 100;
    h.esimSim.control.setBundlePrice(BUNDLE, newCost / 100);
    await h.db.updateTable("catalogue_bundles").set({ cost_minor: newCost }).where("name", "=", BUNDLE).execute();
    const newPrice = retailPriceMinor(newCost, pricing, "USD");
    expect(newPrice).toBeLessThan(first.priceMinor);

    const second = await h.shop.checkout({ customerId: h.customerId, bundleName: BUNDLE, confirmedPriceMinor: newPrice });
    expect(second).toMatchObject({ kind: "link", reused: false, priceMinor: newPrice });
    expect((await h.shop.order(first.orderId))?.status).toBe("expired");
    expect(sessions().map((s) => s.amount_total)).toEqual([first.priceMinor, newPrice]);
  });

  it("gives a fresh link once the old one expired; the worker expires the stale order when Stripe stays silent", async () => {
    const first = await h.shop.checkout({ customerId: h.customerId, bundleName: BUNDLE });
    if (first.kind !== "link") throw new Error(first.kind);
    h.clock.advance(40 * 60_000);
    expect(await h.shop.runDueOnce()).toBe(1);
    expect((await h.shop.order(first.orderId))?.status).toBe("expired");
    expect(h.notifier.customerNotices.map((n) => n.notice)).toContainEqual({ type: "link_expired", orderId: first.orderId });

    const second = await h.shop.checkout({ customerId: h.customerId, bundleName: BUNDLE });
    expect(second).toMatchObject({ kind: "link", reused: false });
    expect((second as { url: string }).url).not.toBe(first.url);
    expect(sessions()).toHaveLength(2);
  });

  it("makes one Checkout Session per order: the order's amount, a recognisable name, the order id everywhere, links back to the bot", async () => {
    const outcome = await h.shop.checkout({ customerId: h.customerId, bundleName: BUNDLE });
    if (outcome.kind !== "link") throw new Error(outcome.kind);
    const order = (await h.shop.order(outcome.orderId))!;
    const api = new URL(h.stripeSim.apiUrl);
    const stripe = new Stripe(STRIPE_SECRET_KEY, { host: api.hostname, port: Number(api.port), protocol: "http" });
    const session = await stripe.checkout.sessions.retrieve(order.stripe_session_id!);
    expect(session).toMatchObject({
      mode: "payment",
      url: outcome.url,
      amount_total: order.price_minor,
      currency: order.currency.toLowerCase(),
      client_reference_id: String(order.id),
      metadata: { order_id: String(order.id) },
      success_url: `https://t.me/esim_test_bot?start=paid_${order.id}`,
      cancel_url: `https://t.me/esim_test_bot?start=cancel_${order.id}`,
    });
    // The name on the checkout page (and, through the product, on the receipt).
    expect(order.bundle_description).toBe("Germany 1 GB 7 days");
    const page = await (await fetch(outcome.url)).text();
    expect(page).toContain('<h1 id="product">Travel eSIM — Germany 1 GB 7 days</h1>');
    const lifetimeMinutes = (session.expires_at * 1000 - Date.now()) / 60_000;
    expect(lifetimeMinutes).toBeGreaterThanOrEqual(30);
    expect(lifetimeMinutes).toBeLessThanOrEqual(32);

    await h.stripeSim.control.pay(session.id);
    await h.stripeSim.control.idle();
    const paymentIntent = await stripe.paymentIntents.retrieve((await h.shop.order(order.id))!.stripe_payment_intent_id!);
    expect(paymentIntent.metadata).toEqual({ order_id: String(order.id) });

    const creations = h.stripeSim.control.apiCalls().filter((c) => c.method === "POST" && c.path === "/v1/checkout/sessions");
    expect(creations.map((c) => c.idempotencyKey)).toEqual([checkoutIdempotencyKey({ id: order.id, createdAt: order.created_at })]);
    expect(checkoutIdempotencyKey({ id: order.id, createdAt: order.created_at })).toMatch(new RegExp(`^checkout:${order.id}:`));
  });

  it("two checkouts of the same bundle at once (a double tap served by two instances): every link sent is payable and paid for", async () => {
    const other = h.makeShop();
    h.stripeSim.faults.inject({ method: "POST", path: "/v1/checkout/sessions", times: 1, delayMs: 1_000 });
    const first = h.shop.checkout({ customerId: h.customerId, bundleName: BUNDLE });
    while ((await orderCount()) === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    const second = await other.checkout({ customerId: h.customerId, bundleName: BUNDLE });
    const links = [await first, second];
    expect(links.map((l) => l.kind)).toEqual(["link", "link"]);

    for (const link of links) {
      if (link.kind !== "link") continue;
      const sent = sessions().find((session) => session.url === link.url)!;
      await h.stripeSim.control.pay(sent.id);
      await h.stripeSim.control.idle();
      expect((await h.shop.order(link.orderId))?.status).toBe("paid");
    }
    const unmatched = await h.db.selectFrom("order_events").select("id").where("type", "=", "payment_unmatched").execute();
    expect(unmatched).toEqual([]);
  });

  it("gets the same session back when Stripe's answer was lost, and never makes a second one for the order", async () => {
    h.stripeSim.faults.inject({ method: "POST", path: "/v1/checkout/sessions", times: 1, drop: true });
    const outcome = await h.shop.checkout({ customerId: h.customerId, bundleName: BUNDLE });
    expect(outcome).toMatchObject({ kind: "link", reused: false });
    if (outcome.kind !== "link") return;
    const order = (await h.shop.order(outcome.orderId))!;
    expect(sessions()).toHaveLength(1);
    expect(sessions()[0]).toMatchObject({ id: order.stripe_session_id, url: outcome.url });
    const keys = h.stripeSim.control.apiCalls().filter((c) => c.path === "/v1/checkout/sessions").map((c) => c.idempotencyKey);
    expect(keys).toEqual([checkoutIdempotencyKey({ id: order.id, createdAt: order.created_at }), checkoutIdempotencyKey({ id: order.id, createdAt: order.created_at })]);
  });

  it("sells top-ups only for the customer's own eSIM", async () => {
    expect(await h.shop.checkout({ customerId: h.customerId, bundleName: BUNDLE, targetIccid: "8944000000000000001" })).toEqual({ kind: "not_yours" });
    expect(sessions()).toHaveLength(0);
  });
});
