import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Language } from "../../src/customers/index.ts";
import { testDatabaseTargets, type TestDatabase } from "../helpers/db.ts";
import { dateTime } from "../../src/copy/index.ts";
import { buttonsOf, decodeQr, latestOrderOf, startBotHarness, textOf, type BotHarness, type HarnessUser } from "./harness.ts";
import { orderIdsOfTelegram } from "../helpers/customers.ts";
import type { SimMessage } from "@esim-shop/telegram-sim";

const LANGUAGES: { language: Language; query: string; linkText: RegExp; ready: string; steps: string }[] = [
  { language: "en", query: "Germany", linkText: /Your payment link is ready/, ready: "Your eSIM is ready!", steps: "How to install" },
  { language: "ru", query: "Германия", linkText: /Ссылка на оплату готова/, ready: "Ваша eSIM готова!", steps: "Как установить" },
  { language: "tr", query: "Almanya", linkText: /Ödeme bağlantınız hazır/, ready: "eSIM'iniz hazır!", steps: "Nasıl kurulur" },
];

const lpaOf = (esim: { smdpAddress: string; matchingId: string }) => `LPA:1$${esim.smdpAddress}$${esim.matchingId}`;

describe.each(testDatabaseTargets())("buying an eSIM in the chat on $kind", (target) => {
  let database: TestDatabase;
  let h: BotHarness;

  beforeAll(async () => {
    database = await target.create();
    h = await startBotHarness({ db: database.db });
  });
  afterAll(async () => {
    await h?.close();
    await database?.close();
  });

  /** Destination → first plan → details → confirmation → Pay; returns the payment link message. */
  async function checkoutFirstPlan(user: HarnessUser, query: string): Promise<SimMessage> {
    const plans = await user.openPlans(query);
    const details = await user.press(plans, /^b:/);
    const confirm = await user.press(details, /^🛒/);
    const before = user.lastMessageId();
    await user.press(confirm, /^✅/);
    return user.waitFor((m) => m.message_id > before && buttonsOf(m).some((b) => b.url !== undefined));
  }

  async function receiveEsim(user: HarnessUser, after: number): Promise<SimMessage> {
    await h.fulfil();
    return user.waitFor((m) => m.message_id > after && m.photo !== undefined);
  }

  it.each(LANGUAGES)("a full purchase in $language: link, payment, QR that scans to the eSIM's LPA", async ({ language, query, linkText, ready, steps }) => {
    const user = h.user(language === "en" ? 2_001 : language === "ru" ? 2_002 : 2_003, language);
    const offer = h.catalogue.offersForCountry("DE")[0]!;
    const link = await checkoutFirstPlan(user, query);

    expect(textOf(link)).toMatch(linkText);
    const order = await latestOrderOf(database.db, user.profile.id);
    expect(order).toMatchObject({ status: "pending_payment", bundle_name: offer.name, price_minor: offer.priceMinor, currency: offer.currency });
    const session = h.stripe.control.session(order.stripe_session_id!)!;
    expect(session.amount_total).toBe(offer.priceMinor);
    const payButton = buttonsOf(link).find((b) => b.url)!;
    expect(payButton.url).toBe(session.url);
    expect(payButton.text).toContain((offer.priceMinor / 100).toFixed(2).replace(".", language === "en" ? "." : ","));
    expect(order.stripe_session_expires_at!.getTime()).toBe(session.expires_at * 1000);
    expect(textOf(link)).toContain(dateTime(new Date(session.expires_at * 1000), language));

    const ordersBefore = h.esimgo.control.placedOrders().length;
    const paidAt = user.lastMessageId();
    expect((await h.payLatestOrder(user)).status).toBe("paid");
    const photo = await receiveEsim(user, paidAt);

    const delivered = await latestOrderOf(database.db, user.profile.id);
    expect(delivered.status).toBe("delivered");
    const placed = h.esimgo.control.placedOrders();
    expect(placed).toHaveLength(ordersBefore + 1);
    expect(placed.at(-1)!.items[0]!.bundle).toBe(offer.name);

    const iccid = placed.at(-1)!.items[0]!.iccids[0]!;
    const esim = h.esimgo.control.esims().find((e) => e.iccid === iccid)!;
    expect(decodeQr(photo.photo!.png)).toBe(lpaOf(esim));
    expect(photo.caption).toContain(ready);
    expect(photo.caption).toContain(`<code>${iccid}</code>`);
    expect(photo.caption).toContain(`<code>${esim.smdpAddress}</code>`);
    expect(photo.caption).toContain(`<code>${esim.matchingId}</code>`);
    expect(photo.caption!.length).toBeLessThanOrEqual(1024);
    const installUrls = buttonsOf(photo).map((b) => b.url);
    expect(installUrls).toEqual([
      `https://esimsetup.apple.com/esim_qrcode_provisioning?carddata=${encodeURIComponent(lpaOf(esim))}`,
      `https://esimsetup.android.com/esim_qrcode_provisioning?carddata=${encodeURIComponent(lpaOf(esim))}`,
    ]);
    const howTo = await user.waitFor((m) => m.message_id > photo.message_id && textOf(m).includes(steps));
    expect(textOf(howTo)).toMatch(/Wi-Fi/);
    const row = await database.db.selectFrom("esims").selectAll().where("iccid", "=", iccid).executeTakeFirstOrThrow();
    expect(row.order_id).toBe(order.id);
  });

  it("/myesims lists the eSIM, sends the QR again, shows usage and tops it up without a new QR", async () => {
    const user = h.user(2_100, "en");
    const link = await checkoutFirstPlan(user, "France");
    expect(textOf(link)).toContain("Your payment link is ready");
    await h.payLatestOrder(user);
    await receiveEsim(user, link.message_id);
    const order = await latestOrderOf(database.db, user.profile.id);
    const iccid = h.esimgo.control.placedOrders().at(-1)!.items[0]!.iccids[0]!;
    const esim = h.esimgo.control.esims().find((e) => e.iccid === iccid)!;

    const list = await user.send("/myesims");
    expect(textOf(list)).toContain("Your eSIMs (1)");
    expect(textOf(list)).toContain(`${order.bundle_description} · …${iccid.slice(-4)}`);
    expect(textOf(list)).toMatch(/left of/);

    const card = await user.press(list, new RegExp(`…${iccid.slice(-4)}$`));
    expect(textOf(card)).toContain(`ICCID: ${iccid}`);
    expect(textOf(card)).toContain(`Order #${order.id}`);

    const again = await user.press(card, "📷 QR code & install details");
    const resent = await user.waitFor((m) => m.message_id >= again.message_id && m.photo !== undefined);
    expect(decodeQr(resent.photo!.png)).toBe(lpaOf(esim));
    await user.waitFor((m) => m.message_id > resent.message_id && textOf(m).includes("How to install"));

    const refreshed = await user.press(user.current(card.message_id), "🔄 Refresh usage");
    expect(textOf(refreshed)).toMatch(/Updated /);
    const figures = textOf(refreshed).split("\n").find((line) => line.includes("left of"))!;
    h.esimgo.faults.inject({ method: "GET", path: "/esims/{iccid}/bundles", times: 50, answer: "http500" });
    try {
      const stale = await user.press(refreshed, "🔄 Refresh usage");
      expect(textOf(stale)).toContain("Live data is unavailable right now; these are the last known figures");
      expect(textOf(stale)).toContain(figures);
    } finally {
      h.esimgo.faults.clear();
    }

    const offers = await user.press(user.current(card.message_id), "➕ Top up");
    expect(textOf(offers)).toContain(`Top up ${order.bundle_description}`);
    const confirm = await user.press(offers, /^tk:/);
    expect(textOf(confirm)).toContain(`eSIM: …${iccid.slice(-4)}`);
    expect(textOf(confirm)).toContain("no new QR code needed");
    const before = user.lastMessageId();
    await user.press(confirm, /^✅/);
    const topUpLink = await user.waitFor((m) => m.message_id > before && buttonsOf(m).some((b) => b.url !== undefined));
    expect(textOf(topUpLink)).toContain("Your payment link is ready");
    const topUp = await latestOrderOf(database.db, user.profile.id);
    expect(topUp).toMatchObject({ kind: "topup", target_iccid: iccid, status: "pending_payment" });

    const photosBefore = user.botMessages().filter((m) => m.photo).length;
    const paidAt = user.lastMessageId();
    await h.payLatestOrder(user);
    await h.fulfil();
    const added = await user.waitFor((m) => m.message_id > paidAt && textOf(m).includes("has been added to your eSIM"));
    expect(textOf(added)).toContain(`…${iccid.slice(-4)}`);
    expect(user.botMessages().filter((m) => m.photo)).toHaveLength(photosBefore);
    const placed = h.esimgo.control.placedOrders().at(-1)!;
    expect(placed.items[0]).toMatchObject({ bundle: topUp.bundle_name, iccids: [iccid] });
    expect((await latestOrderOf(database.db, user.profile.id)).status).toBe("delivered");
  });

  it("pressing Pay again for the same plan sends the same link, and no second order", async () => {
    const user = h.user(2_150, "en");
    const plans = await user.openPlans("Spain");
    const confirm = await user.press(await user.press(plans, /^b:/), /^🛒/);
    const sessionsBefore = h.stripe.control.sessions().length;
    const first = await user.press(confirm, /^✅/);
    const firstLink = await user.waitFor((m) => m.message_id >= first.message_id && buttonsOf(m).some((b) => b.url !== undefined));
    const before = user.lastMessageId();
    await user.press(user.current(confirm.message_id), /^✅/);
    const again = await user.waitFor((m) => m.message_id > before && buttonsOf(m).some((b) => b.url !== undefined));
    expect(textOf(again)).toContain("You already have an unpaid order for this plan");
    expect(buttonsOf(again).find((b) => b.url)!.url).toBe(buttonsOf(firstLink).find((b) => b.url)!.url);
    const orders = await orderIdsOfTelegram(database.db, user.profile.id);
    expect(orders).toHaveLength(1);
    expect(h.stripe.control.sessions()).toHaveLength(sessionsBefore + 1);
  });

  it("a price that rose after the confirmation screen is never charged unasked, even when the catalogue already knows it", async () => {
    const user = h.user(2_160, "en");
    const plans = await user.openPlans("Portugal");
    const confirm = await user.press(await user.press(plans, /^b:/), /^🛒/);
    const offer = h.catalogue.offersForCountry("PT").find((o) => textOf(confirm).includes(`$${(o.priceMinor / 100).toFixed(2)}`))!;
    // The provider's cost rises a little and the catalogue picks it up before the customer presses Pay.
    h.esimgo.control.setBundlePrice(offer.name, (offer.costMinor + 150) / 100);
    expect((await h.catalogue.sync()).ok).toBe(true);
    const before = user.lastMessageId();
    await user.press(confirm, /^✅/);
    const question = await user.waitFor((m) => m.message_id > before && textOf(m).includes("has just changed"));
    const newPriceMinor = h.catalogue.offersForCountry("PT").find((o) => o.name === offer.name)!.priceMinor;
    expect(newPriceMinor).toBeGreaterThan(offer.priceMinor);
    expect(textOf(question)).toContain(`$${(newPriceMinor / 100).toFixed(2)}`);
    await user.press(question, "cc:y");
    const link = await user.waitFor((m) => m.message_id > question.message_id && buttonsOf(m).some((b) => b.url !== undefined));
    expect(buttonsOf(link).find((b) => b.url)!.text).toBe(`💳 Pay $${(newPriceMinor / 100).toFixed(2)}`);
    expect((await latestOrderOf(database.db, user.profile.id)).price_minor).toBe(newPriceMinor);
  });

  /** Japan's first plan at three times its cost: Pay gets the question whether the new price is accepted. */
  async function priceQuestion(user: HarnessUser, query: string, iso2: string): Promise<{ question: SimMessage; newPriceMinor: number }> {
    const plans = await user.openPlans(query);
    const details = await user.press(plans, /^b:/);
    const confirm = await user.press(details, /^🛒/);
    const offer = h.catalogue.offersForCountry(iso2)[0]!;
    h.esimgo.control.setBundlePrice(offer.name, (offer.costMinor * 3) / 100);
    const before = user.lastMessageId();
    await user.press(confirm, /^✅/);
    const question = await user.waitFor((m) => m.message_id > before && textOf(m).includes("has just changed"));
    expect(buttonsOf(question).map((b) => b.callback_data)).toEqual(["cc:y", "cc:n"]);
    const newPrice = /changed to \$(\d+\.\d\d)/.exec(textOf(question))![1]!;
    const newPriceMinor = Math.round(Number(newPrice) * 100);
    expect(newPriceMinor).toBeGreaterThan(offer.priceMinor);
    return { question, newPriceMinor };
  }

  const conversationRow = (user: HarnessUser) =>
    database.db.selectFrom("conversation_state").select("value").where("key", "=", `chat:${user.chatId}`).executeTakeFirst();

  it("a price that rose since the confirmation is shown again, and the customer pays the new price", async () => {
    const user = h.user(2_200, "en");
    const validationsBefore = h.esimgo.control.requestCount("POST /orders");
    const sessionsBefore = h.stripe.control.sessions().length;
    const { question, newPriceMinor } = await priceQuestion(user, "Japan", "JP");
    expect(h.esimgo.control.requestCount("POST /orders")).toBe(validationsBefore + 1);
    // The waiting checkout lives in the database, not in memory.
    await user.settled();
    expect(JSON.stringify((await conversationRow(user))?.value)).toContain("checkout");

    await user.press(question, "cc:y");
    const link = await user.waitFor((m) => m.message_id > question.message_id && buttonsOf(m).some((b) => b.url !== undefined));
    expect(buttonsOf(link).find((b) => b.url)!.text).toBe(`💳 Pay $${(newPriceMinor / 100).toFixed(2)}`);
    const order = await latestOrderOf(database.db, user.profile.id);
    expect(order.price_minor).toBe(newPriceMinor);
    expect(h.stripe.control.session(order.stripe_session_id!)!.amount_total).toBe(order.price_minor);
    // Replaying the conversation for the answer did not run the first checkout again: one more validation, one session.
    expect(h.esimgo.control.requestCount("POST /orders")).toBe(validationsBefore + 2);
    expect(h.stripe.control.sessions()).toHaveLength(sessionsBefore + 1);
    await user.settled();
    expect(JSON.stringify((await conversationRow(user))?.value ?? {})).not.toContain("checkout");
    // The question's buttons are done with: pressed again, they say so and change nothing.
    expect((await user.pressData(question.message_id, "cc:y")).text).toBe("This button has expired. Please start again from the menu.");
    expect(h.stripe.control.sessions()).toHaveLength(sessionsBefore + 1);
  });

  it("typing a country while the price question waits searches it; the question can still be answered after", async () => {
    const user = h.user(2_210, "en");
    const { question, newPriceMinor } = await priceQuestion(user, "Thailand", "TH");
    const plans = await user.openPlans("Italy");
    expect(textOf(plans)).toContain("🇮🇹 Italy: eSIM plans");
    expect(await orderIdsOfTelegram(database.db, user.profile.id)).toHaveLength(0);

    await user.press(question, "cc:y");
    const link = await user.waitFor((m) => m.message_id > question.message_id && buttonsOf(m).some((b) => b.url !== undefined));
    expect(buttonsOf(link).find((b) => b.url)!.text).toBe(`💳 Pay $${(newPriceMinor / 100).toFixed(2)}`);
    expect((await latestOrderOf(database.db, user.profile.id)).price_minor).toBe(newPriceMinor);
  });

  it("a checkout waiting for the price answer survives a restart of the bot", async () => {
    const user = h.user(2_220, "en");
    const { question, newPriceMinor } = await priceQuestion(user, "Greece", "GR");
    await user.settled();
    await h.restartBot();
    await user.press(question, "cc:y");
    const link = await user.waitFor((m) => m.message_id > question.message_id && buttonsOf(m).some((b) => b.url !== undefined));
    expect(textOf(link)).toContain("Your payment link is ready");
    expect((await latestOrderOf(database.db, user.profile.id)).price_minor).toBe(newPriceMinor);
  });

  it("returning from Stripe: cancelled offers to pay again with the same link; paid says the eSIM is on its way", async () => {
    const user = h.user(2_300, "en");
    const link = await checkoutFirstPlan(user, "Austria");
    const order = await latestOrderOf(database.db, user.profile.id);

    const cancelled = await user.send(`/start cancel_${order.id}`);
    expect(textOf(cancelled)).toContain(`The payment for order #${order.id} was cancelled`);
    const before = user.lastMessageId();
    await user.press(cancelled, "💳 Pay again");
    const again = await user.waitFor((m) => m.message_id > before && buttonsOf(m).some((b) => b.url !== undefined));
    expect(textOf(again)).toContain("You already have an unpaid order for this plan");
    expect(buttonsOf(again).find((b) => b.url)!.url).toBe(buttonsOf(link).find((b) => b.url)!.url);
    expect(await database.db.selectFrom("orders").select("id").where("customer_id", "=", order.customer_id).execute()).toHaveLength(1);

    await h.payLatestOrder(user);
    const paid = await user.send(`/start paid_${order.id}`);
    expect(textOf(paid)).toContain(`The payment for order #${order.id} was received`);
    const stranger = await h.user(2_301, "en").send(`/start paid_${order.id}`);
    expect(textOf(stranger)).toContain("I could not find that order");
  });
});
