import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SimMessage } from "@esim-shop/telegram-sim";
import type { Order } from "../../src/db/schema.ts";
import { starsPrice } from "../../src/pricing/index.ts";
import { testDatabaseTargets, type TestDatabase } from "../helpers/db.ts";
import { buttonsOf, latestOrderOf, startBotHarness, textOf, type BotHarness, type HarnessUser } from "./harness.ts";

const USD_PER_STAR = 0.013;
const ADMIN = 7_000;

describe.each(testDatabaseTargets())("paying in Telegram Stars on $kind", (target) => {
  let database: TestDatabase;
  let h: BotHarness;

  beforeAll(async () => {
    database = await target.create();
    h = await startBotHarness({ db: database.db, stars: { usdPerStar: USD_PER_STAR }, adminIds: [ADMIN] });
    await h.user(ADMIN).send("/start");
  });
  afterAll(async () => {
    await h?.close();
    await database?.close();
  });

  /** Destination → first plan → details → confirmation; returns the confirmation. */
  async function confirmation(user: HarnessUser): Promise<SimMessage> {
    const plans = await user.openPlans("Germany");
    const details = await user.press(plans, /^b:/);
    return user.press(details, /^🛒/);
  }

  /** Confirmation → "Pay N ⭐" → the invoice message, and the order behind it. */
  async function invoiceFor(user: HarnessUser): Promise<{ invoice: SimMessage; order: Order }> {
    const confirm = await confirmation(user);
    const before = user.lastMessageId();
    await user.press(confirm, /^ps:/);
    const invoice = await user.waitFor((m) => m.message_id > before && m.invoice !== undefined);
    return { invoice, order: await latestOrderOf(database.db, user.profile.id) };
  }

  async function pay(user: HarnessUser, invoice: SimMessage, payer = user) {
    return h.telegram.payInvoice(payer.profile, { chatId: user.chatId, messageId: invoice.message_id });
  }

  async function orderNow(id: number): Promise<Order> {
    return database.db.selectFrom("orders").selectAll().where("id", "=", id).executeTakeFirstOrThrow();
  }

  async function eventsOf(orderId: number, type: string): Promise<number> {
    const rows = await database.db.selectFrom("order_events").select("id").where("order_id", "=", orderId).where("type", "=", type as never).execute();
    return rows.length;
  }

  it("offers both prices and sends an invoice in Stars at the server's price with only an opaque reference", async () => {
    const user = h.user(8_001);
    const offer = h.catalogue.offersForCountry("DE")[0]!;
    const stars = starsPrice(offer.priceMinor, offer.currency, USD_PER_STAR)!;
    expect(stars).toBe(Math.ceil(offer.priceMinor / 1.3));
    const confirm = await confirmation(user);
    const amount = `$${(offer.priceMinor / 100).toFixed(2)}`;
    expect(textOf(confirm)).toContain(`Or in Telegram Stars: ${stars} ⭐`);
    expect(buttonsOf(confirm).map((b) => b.text)).toEqual([`✅ Pay ${amount} by card`, `Pay ${stars} ⭐`, "✏️ Change"]);

    const before = user.lastMessageId();
    await user.press(confirm, /^ps:/);
    const invoice = await user.waitFor((m) => m.message_id > before && m.invoice !== undefined);

    const order = await latestOrderOf(database.db, user.profile.id);
    expect(order).toMatchObject({ status: "pending_payment", payment_method: "stars", stars_amount: stars, price_minor: offer.priceMinor, stripe_session_id: null });
    expect(invoice.invoice).toMatchObject({ currency: "XTR", amount: stars, payload: order.stars_payload });
    expect(order.stars_payload).toMatch(/^s1_[A-Za-z0-9_-]{24}$/);
    const call = h.telegram.calls("sendInvoice").at(-1)!.payload;
    expect(call.provider_token ?? "").toBe("");
    expect(typeof call.prices === "string" ? JSON.parse(call.prices) : call.prices).toEqual([{ label: "eSIM", amount: stars }]);
    expect(call.payload).toBe(order.stars_payload);
  });

  it("takes the payment once under a repeated successful_payment, and delivers the eSIM as for a card", async () => {
    const user = h.user(8_002);
    const { invoice, order } = await invoiceFor(user);
    const paid = await pay(user, invoice);
    expect(paid.paid).toBe(true);
    if (!paid.paid) return;
    expect(await h.telegram.handled(paid.updateId)).toBe(true);
    const repeated = await h.telegram.repeatPayment(paid.chargeId);
    expect(await h.telegram.handled(repeated)).toBe(true);

    const after = await orderNow(order.id);
    expect(after).toMatchObject({ status: "paid", telegram_charge_id: paid.chargeId, telegram_payer_id: String(user.profile.id) });
    expect(await eventsOf(order.id, "paid")).toBe(1);
    const stored = await database.db.selectFrom("webhook_events").selectAll().where("provider", "=", "telegram_stars").where("event_id", "=", paid.chargeId).execute();
    expect(stored).toHaveLength(1);
    await user.waitFor((m) => textOf(m).includes(`The payment for order #${order.id} was received`));

    await h.fulfil();
    const photo = await user.waitFor((m) => m.photo !== undefined);
    expect(photo.caption).toContain("Your eSIM is ready!");
    expect((await orderNow(order.id)).status).toBe("delivered");
    expect(user.botMessages().filter((m) => m.photo !== undefined)).toHaveLength(1);
    expect(h.telegram.calls("refundStarPayment")).toHaveLength(0);

    // Paying the same invoice again is refused before any money moves.
    const again = await pay(user, invoice);
    expect(again).toMatchObject({ paid: false, reason: "refused", errorMessage: "This order is already paid. Nothing more was charged." });
  });

  it("refuses at pre-checkout an invoice whose price is not the order's, an expired one and someone else's, in the payer's language", async () => {
    const user = h.user(8_003, "ru");
    const { order } = await invoiceFor(user);
    // An invoice at another amount with the order's reference (an old invoice, a forged one): refused.
    const other = await h.bot.api.sendInvoice(user.chatId, "eSIM", "old", order.stars_payload!, "XTR", [{ label: "eSIM", amount: order.stars_amount! - 1 }]);
    const changed = await h.telegram.payInvoice(user.profile, { chatId: user.chatId, messageId: other.message_id });
    expect(changed).toMatchObject({ paid: false, reason: "refused", errorMessage: expect.stringContaining("Цена этого тарифа изменилась") });

    const stranger = h.user(8_004, "tr");
    await stranger.send("/start");
    const invoice = user.botMessages().filter((m) => m.invoice?.payload === order.stars_payload).at(0)!;
    const notYours = await pay(user, invoice, stranger);
    expect(notYours).toMatchObject({ paid: false, errorMessage: expect.stringContaining("Bu fatura size ait değil") });

    await database.db.updateTable("orders").set({ stars_expires_at: new Date(Date.now() - 5 * 60_000) }).where("id", "=", order.id).execute();
    await h.shop.runDueOnce();
    expect((await orderNow(order.id)).status).toBe("expired");
    const expired = await pay(user, invoice);
    expect(expired).toMatchObject({ paid: false, errorMessage: expect.stringContaining("Срок этого счёта истёк") });
    expect(h.telegram.starCharges().filter((c) => c.payload === order.stars_payload)).toHaveLength(0);
    expect((await orderNow(order.id)).status).toBe("expired");
  });

  it("never applies a payment of another amount, currency or payer, and gives it back", async () => {
    const user = h.user(8_005);
    const { order } = await invoiceFor(user);
    const refundsBefore = h.telegram.calls("refundStarPayment").length;
    const forged = await h.telegram.deliverPayment(user.profile, { currency: "XTR", total_amount: 1, invoice_payload: order.stars_payload!, telegram_payment_charge_id: "stxforged1" });
    const foreign = await h.telegram.deliverPayment(user.profile, { currency: "USD", total_amount: order.stars_amount!, invoice_payload: order.stars_payload!, telegram_payment_charge_id: "stxforged2" });
    const unknown = await h.telegram.deliverPayment(user.profile, { currency: "XTR", total_amount: 5, invoice_payload: "s1_nothing", telegram_payment_charge_id: "stxforged3" });
    for (const id of [forged, foreign, unknown]) expect(await h.telegram.handled(id)).toBe(true);
    expect(await orderNow(order.id)).toMatchObject({ status: "pending_payment", telegram_charge_id: null });
    expect(await eventsOf(order.id, "payment_mismatch")).toBe(2);
    const refunds = h.telegram.calls("refundStarPayment").slice(refundsBefore).map((c) => c.payload.telegram_payment_charge_id);
    expect(refunds.sort()).toEqual(["stxforged1", "stxforged2", "stxforged3"]);
  });

  it("a refund whose earlier call went through unrecorded (Telegram: already refunded) is settled and the customer told", async () => {
    const admin = h.user(ADMIN);
    const customer = h.user(8_009);
    const { invoice, order } = await invoiceFor(customer);
    const paid = await pay(customer, invoice);
    if (!paid.paid) throw new Error("not paid");
    expect(await h.telegram.handled(paid.updateId)).toBe(true);
    // An earlier refund call of the shop reached Telegram, but its outcome never reached the database.
    await h.bot.api.refundStarPayment(customer.profile.id, paid.chargeId);

    const before = admin.lastMessageId();
    await h.telegram.sendText(admin.profile, `/refund ${order.id}`);
    await admin.waitFor((m) => m.message_id > before && textOf(m) === `💸 Refund of order #${order.id} started.`);
    expect(await orderNow(order.id)).toMatchObject({ status: "failed", refund_status: "succeeded", refund_id: `stars:${paid.chargeId}` });
    await customer.waitFor((m) => textOf(m).includes(`Order #${order.id}: we refunded ${order.stars_amount} ⭐.`));
  });

  it("an expired invoice's 'new one' button gives a new invoice in Stars, not a card link", async () => {
    const user = h.user(8_010);
    const { order } = await invoiceFor(user);
    await database.db.updateTable("orders").set({ stars_expires_at: new Date(Date.now() - 5 * 60_000) }).where("id", "=", order.id).execute();
    await h.shop.runDueOnce();
    const notice = await user.waitFor((m) => buttonsOf(m).some((b) => b.callback_data === `a:${order.id}`));
    const before = user.lastMessageId();
    await user.press(notice, `a:${order.id}`);
    const invoice = await user.waitFor((m) => m.message_id > before && m.invoice !== undefined);
    const renewed = await latestOrderOf(database.db, user.profile.id);
    expect(renewed).toMatchObject({ payment_method: "stars", status: "pending_payment", stripe_session_id: null });
    expect(renewed.id).not.toBe(order.id);
    expect(invoice.invoice).toMatchObject({ currency: "XTR", payload: renewed.stars_payload });
  });

  it("gives the Stars back at once when the payment cannot be stored (the database refuses it), and says so", async () => {
    const user = h.user(8_008);
    const { invoice, order } = await invoiceFor(user);
    // The database fails every write of a payment event: what an outage looks like from here.
    await sql`create function refuse_payment_events() returns trigger language plpgsql as $$ begin raise exception 'database unavailable'; end $$`.execute(database.db);
    await sql`create trigger refuse_payment_events before insert on webhook_events for each row execute function refuse_payment_events()`.execute(database.db);
    try {
      const paid = await pay(user, invoice);
      if (!paid.paid) throw new Error("not paid");
      // After about 5 s of trying to store it.
      await h.telegram.waitFor(user.chatId, (m) => textOf(m) === "We could not take your payment just now, so your Stars were given back. Please try again in a minute.", 15_000);
      expect(h.telegram.starCharges().find((c) => c.chargeId === paid.chargeId)?.refunded).toBe(true);
      expect(await orderNow(order.id)).toMatchObject({ status: "pending_payment", telegram_charge_id: null });
    } finally {
      await sql`drop trigger refuse_payment_events on webhook_events`.execute(database.db);
      await sql`drop function refuse_payment_events()`.execute(database.db);
    }
  });

  it("refunds in Stars on the operator's /refund and when fulfilment fails, once each", async () => {
    const admin = h.user(ADMIN);
    // The operator stops a paid order before it is fulfilled.
    const customer = h.user(8_006);
    const first = await invoiceFor(customer);
    const paidFirst = await pay(customer, first.invoice);
    if (!paidFirst.paid) throw new Error("not paid");
    expect(await h.telegram.handled(paidFirst.updateId)).toBe(true);
    const adminBefore = admin.lastMessageId();
    await h.telegram.sendText(admin.profile, `/refund ${first.order.id}`);
    await admin.waitFor((m) => m.message_id > adminBefore && textOf(m) === `💸 Refund of order #${first.order.id} started.`);
    expect(await orderNow(first.order.id)).toMatchObject({ status: "failed", refund_status: "succeeded", refund_id: `stars:${paidFirst.chargeId}` });
    expect(h.telegram.starCharges().find((c) => c.chargeId === paidFirst.chargeId)?.refunded).toBe(true);
    const notice = await customer.waitFor((m) => textOf(m).includes("we refunded"));
    expect(textOf(notice)).toContain(`Order #${first.order.id}: we refunded ${first.order.stars_amount} ⭐.`);
    expect(textOf(await admin.send(`/refund ${first.order.id}`))).toBe(`Order #${first.order.id} is already refunded or being refunded.`);
    expect(h.telegram.calls("refundStarPayment").filter((c) => c.payload.telegram_payment_charge_id === paidFirst.chargeId)).toHaveLength(1);

    // Automatic: the bundle is withdrawn at eSIM Go after the payment, so the order cannot be served.
    const failing = h.user(8_007);
    const { invoice, order } = await invoiceFor(failing);
    const paid = await pay(failing, invoice);
    if (!paid.paid) throw new Error("not paid");
    expect(await h.telegram.handled(paid.updateId)).toBe(true);
    h.esimgo.control.withdrawBundle(order.bundle_name);
    await h.fulfil();
    expect(await orderNow(order.id)).toMatchObject({ status: "failed", refund_status: "succeeded", refund_id: `stars:${paid.chargeId}` });
    expect(h.telegram.starCharges().find((c) => c.chargeId === paid.chargeId)?.refunded).toBe(true);
    expect(h.telegram.calls("refundStarPayment").filter((c) => c.payload.telegram_payment_charge_id === paid.chargeId)).toHaveLength(1);
    await failing.waitFor((m) => textOf(m).includes(`we refunded ${order.stars_amount} ⭐`));
  });
});
