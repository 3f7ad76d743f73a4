import type { Update } from "grammy/types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerCommands } from "../../src/telegram/index.ts";
import { testDatabaseTargets, type TestDatabase } from "../helpers/db.ts";
import { buttonsOf, latestOrderOf, receiveLink, startBotHarness, textOf, type BotHarness, type HarnessUser } from "./harness.ts";
import { customerOfTelegram, customersOfTelegram, orderIdsOfTelegram } from "../helpers/customers.ts";

const ADMIN = 9_000;

const UNKNOWN_COMMAND = "I don't know that command. Use /start for the menu or /help for help.";

describe.each(testDatabaseTargets())("operators, stale buttons and hostile input on $kind", (target) => {
  let database: TestDatabase;
  let h: BotHarness;
  let admin: HarnessUser;

  beforeAll(async () => {
    database = await target.create();
    h = await startBotHarness({ db: database.db, adminIds: [ADMIN] });
    admin = h.user(ADMIN, "en", "Operator");
    await admin.send("/start");
  });
  afterAll(async () => {
    await h?.close();
    await database?.close();
  });

  async function buyAndDeliver(user: HarnessUser, query: string): Promise<number> {
    await receiveLink(user, query);
    await h.payLatestOrder(user);
    await h.fulfil();
    return (await latestOrderOf(database.db, user.profile.id)).id;
  }

  it("operator commands answer like unknown commands for everyone else", async () => {
    const customer = h.user(9_100, "en");
    for (const command of ["/balance", "/orders", "/order 1", "/retry 1", "/refund 1", "/stats", "/sync"]) {
      expect(textOf(await customer.send(command))).toBe(UNKNOWN_COMMAND);
    }
    expect(textOf(await customer.send("/nonsense"))).toBe(UNKNOWN_COMMAND);
    const syncs = await database.db.selectFrom("catalogue_syncs").select("id").execute();
    expect(syncs).toHaveLength(1);
  });

  it("/balance shows the balance, how many bundles it covers, and warns under the threshold", async () => {
    const stats = h.catalogue.costStats()!;
    const balanceMinor = Math.round(h.esimgo.control.getBalance() * 100);
    const reply = await admin.send("/balance");
    expect(textOf(reply)).toContain(`eSIM Go balance: $${(balanceMinor / 100).toFixed(2)}`);
    expect(textOf(reply)).toContain(`Covers about ${Math.floor(balanceMinor / stats.cheapestMinor)} × the cheapest bundle`);
    expect(textOf(reply)).toContain(`${Math.floor(balanceMinor / stats.medianMinor)} × the median bundle`);
    expect(textOf(reply)).not.toContain("Below the alert threshold");

    const saved = h.esimgo.control.getBalance();
    h.esimgo.control.setBalance(20);
    try {
      const low = await admin.send("/balance");
      expect(textOf(low)).toContain("eSIM Go balance: $20.00");
      expect(textOf(low)).toContain("Below the alert threshold of $50.00");
    } finally {
      h.esimgo.control.setBalance(saved);
    }
  });

  it("validates order ids and tells the story, stats and sync of real orders", async () => {
    expect(textOf(await admin.send("/order abc"))).toBe("Usage: /order <order id>, for example /order 42");
    expect(textOf(await admin.send("/retry"))).toBe("Usage: /retry <order id>, for example /retry 42");
    expect(textOf(await admin.send("/refund 1; drop table orders"))).toBe("Usage: /refund <order id>, for example /refund 42");
    expect(textOf(await admin.send("/order 987654"))).toBe("Order #987654 not found.");

    const customer = h.user(9_200, "en");
    const adminBefore = admin.lastMessageId();
    const orderId = await buyAndDeliver(customer, "Germany");
    const order = await latestOrderOf(database.db, customer.profile.id);
    const sale = await admin.waitFor((m) => m.message_id > adminBefore && textOf(m).startsWith(`💰 Sale: order #${orderId}`));
    expect(textOf(sale)).toContain(order.bundle_name);

    const story = await admin.send(`/order ${orderId}`);
    expect(textOf(story)).toContain(`🧾 Order #${orderId} · delivered`);
    expect(textOf(story)).toContain(`Bundle: ${order.bundle_name}`);
    expect(textOf(story)).toContain(`eSIM Go order: ${order.esimgo_order_reference}`);
    const events = await database.db.selectFrom("order_events").select("type").where("order_id", "=", orderId).execute();
    for (const event of events) expect(textOf(story)).toContain(event.type);

    expect(textOf(await admin.send("/orders"))).toContain(`#${orderId} · delivered · ${order.bundle_name}`);
    expect(textOf(await admin.send(`/retry ${orderId}`))).toBe(`Order #${orderId} cannot be retried in its current state.`);
    expect(textOf(await admin.send(`/refund ${orderId}`))).toMatch(new RegExp(`Order #${orderId} (cannot be refunded|is already refunded)`));
    const stats = await admin.send("/stats");
    const price = `$${(order.price_minor / 100).toFixed(2)}`;
    expect(textOf(stats)).toContain(`Today: 1 sales · revenue ${price}`);
    expect(textOf(stats)).toContain(`margin $${((order.price_minor - order.provider_cost_minor) / 100).toFixed(2)}`);

    const before = admin.lastMessageId();
    await h.telegram.sendText(admin.profile, "/sync");
    const synced = await admin.waitFor((m) => m.message_id > before && textOf(m).startsWith("✅ Catalogue synced"));
    expect(textOf(synced)).toBe(`✅ Catalogue synced: ${h.esimgo.control.catalogue().length} bundles.`);
  });

  it("a button of a withdrawn bundle says it is no longer available and creates no order", async () => {
    const user = h.user(9_300, "en");
    const plans = await user.openPlans("Japan");
    const details = await user.press(plans, /^b:/);
    const confirm = await user.press(details, /^🛒/);
    const offer = h.catalogue.offersForCountry("JP")[0]!;
    h.esimgo.control.withdrawBundle(offer.name);
    expect((await h.catalogue.sync()).ok).toBe(true);

    const pay = buttonsOf(confirm).find((b) => b.text.startsWith("✅"))!;
    const answer = await user.pressData(confirm.message_id, pay.callback_data!);
    expect(answer?.text).toBe("This plan is no longer available. Please choose another one.");
    expect(textOf(user.current(confirm.message_id))).toBe("This plan is no longer available. Please choose another one.");
    const orders = await orderIdsOfTelegram(database.db, user.profile.id);
    expect(orders).toHaveLength(0);
  });

  it("forged and unknown callback data is answered and changes nothing", async () => {
    const user = h.user(9_400, "en");
    const menu = await user.send("/start");
    const forged = async (data: string) => {
      const before = h.telegram.calls("answerCallbackQuery").length;
      await h.bot.handleUpdate(callbackUpdate(user, menu.message_id, data));
      return h.telegram.calls("answerCallbackQuery").slice(before);
    };
    const [garbage] = await forged("zz:<script>");
    expect(garbage?.payload.text).toBe("This button has expired. Please start again from the menu.");
    const [priceInData] = await forged("p:DE:AAAAAAAAAA:1");
    expect(priceInData?.payload.text).toBe("This plan is no longer available. Please choose another one.");
    await forged("b:DE:AAAAAAAAAA");
    expect(textOf(user.current(menu.message_id))).toBe("This plan is no longer available. Please choose another one.");
    await forged("e:8944500000000000001");
    expect(textOf(user.current(menu.message_id))).toBe("I could not find that eSIM in your account.");
    const orders = await orderIdsOfTelegram(database.db, user.profile.id);
    expect(orders).toHaveLength(0);
  });

  it("a button that would show the same screen again is harmless (no 'message is not modified' failure)", async () => {
    const user = h.user(9_450, "en");
    const plans = await user.openPlans("Germany");
    const editsBefore = h.telegram.calls("editMessageText").length;
    await h.bot.handleUpdate(callbackUpdate(user, plans.message_id, "o:DE:0"));
    expect(h.telegram.calls("editMessageText").length).toBe(editsBefore + 1);
    expect(textOf(user.current(plans.message_id))).toBe(textOf(plans));
    expect(user.botMessages().some((m) => textOf(m).includes("something went wrong"))).toBe(false);
  });

  it("someone else's eSIM stays theirs: no card, no QR, no top-up", async () => {
    const owner = h.user(9_500, "en");
    await buyAndDeliver(owner, "France");
    const iccid = h.esimgo.control.placedOrders().at(-1)!.items[0]!.iccids[0]!;
    const thief = h.user(9_501, "en");
    const menu = await thief.send("/start");
    for (const data of [`e:${iccid}`, `eq:${iccid}`, `et:${iccid}`]) {
      await h.bot.handleUpdate(callbackUpdate(thief, menu.message_id, data));
      expect(textOf(thief.current(menu.message_id))).toBe("I could not find that eSIM in your account.");
    }
    expect(thief.botMessages().filter((m) => m.photo)).toHaveLength(0);
  });

  it("a customer who blocked the bot breaks nothing: the order is delivered, the customer marked blocked", async () => {
    const user = h.user(9_600, "en");
    const plans = await user.openPlans("Germany");
    const confirm = await user.press(await user.press(plans, /^b:/), /^🛒/);
    const before = user.lastMessageId();
    await user.press(confirm, /^✅/);
    await user.waitFor((m) => m.message_id > before && buttonsOf(m).some((b) => b.url !== undefined));
    h.telegram.blockBy(user.chatId);
    await h.payLatestOrder(user);
    await h.fulfil();

    const order = await latestOrderOf(database.db, user.profile.id);
    expect(order.status).toBe("delivered");
    expect(order.delivery_error).toBeTruthy();
    const customer = await customerOfTelegram(database.db, user.profile.id);
    expect(customer.blocked_at).not.toBeNull();
    expect(textOf(await h.user(9_601, "en").send("Germany"))).toContain("Germany: how long is your trip?");

    h.telegram.unblockBy(user.chatId);
    await user.send("/start");
    const back = await customerOfTelegram(database.db, user.profile.id);
    expect(back.blocked_at).toBeNull();
  });

  it("group chats get a pointer to the private chat", async () => {
    const user = h.user(9_700, "en");
    const group = { id: -100_777, type: "supergroup" as const, title: "Travel friends" };
    await h.telegram.sendText(user.profile, "/start", group);
    const pointer = await h.telegram.waitFor(group.id, (m) => m.from === "bot");
    expect(textOf(pointer)).toContain("private chat");
    expect(buttonsOf(pointer).map((b) => b.url)).toEqual([`https://t.me/${h.telegram.botInfo.username}?start=group`]);
    const customers = await customersOfTelegram(database.db, user.profile.id);
    expect(customers).toHaveLength(0);
  });

  it("unknown messages get help, never silence; Telegram 429s are waited out", async () => {
    const user = h.user(9_800, "en");
    const unknown = await user.send("/whatever");
    expect(textOf(unknown)).toBe(UNKNOWN_COMMAND);
    expect(buttonsOf(unknown).map((b) => b.text)).toContain("🛒 Buy an eSIM");
    h.telegram.faults.inject({ path: "/sendMessage", params: { chat_id: user.chatId }, answer: "flood" });
    expect(textOf(await user.send("/help"))).toContain("Unused eSIMs are refunded within 14 days of purchase.");
  });

  it("/language switches every later text and is stored on the customer", async () => {
    const user = h.user(9_900, "en");
    const choose = await user.send("/language");
    expect(buttonsOf(choose).map((b) => b.text)).toEqual(["🇬🇧 English", "🇷🇺 Русский", "🇹🇷 Türkçe", "« Main menu"]);
    const done = await user.press(choose, "🇹🇷 Türkçe");
    expect(textOf(done)).toBe("✅ Artık Türkçe konuşuyorum.");
    expect(textOf(await user.send("Almanya"))).toContain("🇩🇪 Almanya: seyahatiniz ne kadar sürecek?");
    const row = await customerOfTelegram(database.db, user.profile.id);
    expect(row.language).toBe("tr");
  });

  it("registers the command menu per language, with operator commands only in the admins' chats", async () => {
    await registerCommands(h.bot.api, [ADMIN]);
    const russian = await h.bot.api.getMyCommands({ language_code: "ru" });
    expect(russian.find((c) => c.command === "myesims")?.description).toBe("Мои eSIM и остаток трафика");
    expect(russian.map((c) => c.command)).not.toContain("balance");
    const operatorCommands = ["balance", "orders", "order", "retry", "refund", "stats", "sync"];
    for (const language_code of [undefined, "en", "ru", "tr"] as const) {
      const menu = await h.bot.api.getMyCommands(language_code ? { language_code } : {});
      expect(menu.map((c) => c.command)).toEqual(["start", "buy", "myesims", "help", "language"]);
      const adminMenu = await h.bot.api.getMyCommands({ scope: { type: "chat", chat_id: ADMIN }, ...(language_code ? { language_code } : {}) });
      expect(adminMenu.map((c) => c.command)).toEqual(["start", "buy", "myesims", "help", "language", ...operatorCommands]);
    }
    const turkishAdmin = await h.bot.api.getMyCommands({ scope: { type: "chat", chat_id: ADMIN }, language_code: "tr" });
    expect(turkishAdmin.find((c) => c.command === "balance")?.description).not.toBe("eSIM Go balance");
    const customerChat = await h.bot.api.getMyCommands({ scope: { type: "chat", chat_id: 9_100 } });
    expect(customerChat.map((c) => c.command)).not.toContain("balance");
  });
});

describe.each(testDatabaseTargets())("operators' problem orders, alerts and a slow sync on $kind", (target) => {
  let database: TestDatabase;
  let h: BotHarness;
  let admin: HarnessUser;

  beforeAll(async () => {
    database = await target.create();
    h = await startBotHarness({ db: database.db, adminIds: [ADMIN] });
    admin = h.user(ADMIN, "en", "Operator");
    await admin.send("/start");
  });
  afterAll(async () => {
    await h?.close();
    await database?.close();
  });

  /** Paid orders that eSIM Go cannot fulfil for lack of balance: they wait, and the operators hear of it. */
  async function paidWhileBalanceIsEmpty(users: HarnessUser[], query: string): Promise<number[]> {
    for (const user of users) await receiveLink(user, query);
    h.esimgo.control.setBalance(0);
    for (const user of users) await h.payLatestOrder(user);
    await h.fulfil();
    const orders = await Promise.all(users.map((user) => latestOrderOf(database.db, user.profile.id)));
    for (const order of orders) expect(order.status).toBe("awaiting_balance");
    return orders.map((order) => order.id);
  }

  it("/orders lists what needs attention, /refund refunds it and /retry fulfils it once the balance is back", async () => {
    const saved = h.esimgo.control.getBalance();
    const adminBefore = admin.lastMessageId();
    let refundable: number, retryable: number;
    try {
      [refundable, retryable] = (await paidWhileBalanceIsEmpty([h.user(9_910, "en"), h.user(9_911, "en")], "Germany")) as [number, number];
    } catch (error) {
      h.esimgo.control.setBalance(saved);
      throw error;
    }
    await admin.waitFor((m) => m.message_id > adminBefore && textOf(m).startsWith(`🪫 Order #${retryable} waits for eSIM Go balance`));

    const orders = textOf(await admin.send("/orders"));
    const [attention, recent] = orders.split("🧾 Recent orders:") as [string, string];
    expect(attention).toContain("🚨 Need attention:");
    expect(attention).toContain(`#${refundable} · awaiting_balance`);
    expect(attention).toContain(`#${retryable} · awaiting_balance`);
    expect(recent).toContain(`#${retryable} · awaiting_balance`);

    const customer = h.user(9_910, "en");
    const customerBefore = customer.lastMessageId();
    const refundBefore = admin.lastMessageId();
    await h.telegram.sendText(admin.profile, `/refund ${refundable}`);
    await admin.waitFor((m) => m.message_id > refundBefore && textOf(m) === `💸 Refund of order #${refundable} started.`);
    const refunded = await latestOrderOf(database.db, customer.profile.id);
    expect(refunded).toMatchObject({ status: "failed", refund_status: "succeeded" });
    const amount = `$${(refunded.price_minor / 100).toFixed(2)}`;
    const notice = await customer.waitFor((m) => m.message_id > customerBefore && textOf(m).includes("we refunded"));
    expect(textOf(notice)).toContain(`Order #${refundable}: we refunded ${amount}.`);
    expect(textOf(notice)).toContain("Our team issued the refund.");
    const alert = await admin.waitFor((m) => m.message_id > refundBefore && textOf(m).startsWith(`💸 Order #${refundable}: refund`));
    expect(textOf(alert)).toMatch(new RegExp(`^💸 Order #${refundable}: refund of \\${amount} done\\. Cause: `));
    expect(textOf(await admin.send(`/refund ${refundable}`))).toBe(`Order #${refundable} is already refunded or being refunded.`);
    expect(textOf(await admin.send(`/retry ${refundable}`))).toBe(`Order #${refundable} cannot be retried in its current state.`);

    h.esimgo.control.setBalance(saved);
    expect(textOf(await admin.send(`/retry ${retryable}`))).toBe(`🔁 Order #${retryable} is queued for another attempt.`);
    const buyer = h.user(9_911, "en");
    const buyerBefore = buyer.lastMessageId();
    await h.fulfil();
    await buyer.waitFor((m) => m.message_id > buyerBefore && m.photo !== undefined);
    expect((await latestOrderOf(database.db, buyer.profile.id)).status).toBe("delivered");
    expect(textOf(await admin.send("/orders")).split("🧾 Recent orders:")[0]).not.toContain(`#${retryable} ·`);
  });

  it("/sync runs in the background: the bot keeps answering, and a failure is reported and alerted", async () => {
    h.esimgo.faults.inject({ method: "GET", path: "/catalogue", times: 1, delayMs: 1_500 });
    const started = await admin.send("/sync");
    expect(textOf(started)).toBe("🔄 Syncing the catalogue…");
    // Answered while the sync is still waiting for eSIM Go.
    expect(textOf(await h.user(9_920, "en").send("Germany"))).toContain("🇩🇪 Germany: how long is your trip?");
    expect(admin.botMessages().some((m) => m.message_id > started.message_id && textOf(m).startsWith("✅ Catalogue synced"))).toBe(false);
    await admin.waitFor((m) => m.message_id > started.message_id && textOf(m).startsWith("✅ Catalogue synced"));

    h.esimgo.faults.inject({ method: "GET", path: "/catalogue", times: 50, answer: "http500" });
    try {
      const before = admin.lastMessageId();
      await admin.send("/sync");
      const failed = await admin.waitFor((m) => m.message_id > before && textOf(m).startsWith("❌ Catalogue sync failed"));
      expect(textOf(failed)).toContain("The previous catalogue stays in use.");
      await admin.waitFor((m) => m.message_id > before && textOf(m).startsWith("🔄 Catalogue sync failed:"));
    } finally {
      h.esimgo.faults.clear();
    }
    expect(textOf(await h.user(9_921, "en").send("Germany"))).toContain("🇩🇪 Germany: how long is your trip?");
  });

  it("a flood wait while the eSIM is sent is waited out: one photo, no delivery error", async () => {
    const user = h.user(9_930, "en");
    await receiveLink(user, "Japan");
    h.telegram.faults.inject({ path: "/sendPhoto", params: { chat_id: user.chatId }, answer: "flood" });
    await h.payLatestOrder(user);
    await h.fulfil();
    const order = await latestOrderOf(database.db, user.profile.id);
    expect(order).toMatchObject({ status: "delivered", delivery_error: null });
    expect(user.botMessages().filter((m) => m.photo)).toHaveLength(1);
    expect(h.telegram.calls("sendPhoto").filter((call) => String(call.payload.chat_id) === String(user.chatId))).toHaveLength(2);
  });
});

function callbackUpdate(user: HarnessUser, messageId: number, data: string): Update {
  const from = { id: user.profile.id, is_bot: false, first_name: user.profile.first_name, language_code: user.profile.language_code };
  return {
    update_id: 900_000_000 + Math.floor(Math.random() * 1_000_000),
    callback_query: {
      id: `forged-${Math.random().toString(36).slice(2)}`,
      from,
      chat_instance: "forged",
      data,
      message: { message_id: messageId, date: Math.floor(Date.now() / 1000), chat: { id: user.chatId, type: "private", first_name: user.profile.first_name }, text: "x" },
    },
  } as Update;
}
