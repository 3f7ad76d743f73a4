import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDatabaseTargets, type TestDatabase } from "../helpers/db.ts";
import { buttonsOf, latestOrderOf, startBotHarness, textOf, type BotHarness, type HarnessUser } from "./harness.ts";
import { customerOfTelegram } from "../helpers/customers.ts";

async function checkout(h: BotHarness, user: HarnessUser, query: string) {
  const plans = await user.openPlans(query);
  const confirm = await user.press(await user.press(plans, /^b:/), /^🛒/);
  const before = user.lastMessageId();
  await user.press(confirm, /^✅/);
  return user.waitFor((m) => m.message_id > before && buttonsOf(m).some((b) => b.url !== undefined));
}

describe.each(testDatabaseTargets())("notices from the shop on $kind", (target) => {
  let database: TestDatabase;
  let h: BotHarness;

  beforeAll(async () => {
    database = await target.create();
    h = await startBotHarness({ db: database.db, adminIds: [8_000] });
    await h.user(8_000, "ru").send("/start");
  });
  afterAll(async () => {
    await h?.close();
    await database?.close();
  });

  it("usage at 80% warns once with a Top up button that leads to top-up plans", async () => {
    const user = h.user(8_100, "en");
    const link = await checkout(h, user, "Germany");
    await h.payLatestOrder(user);
    await h.fulfil();
    await user.waitFor((m) => m.message_id > link.message_id && m.photo !== undefined);
    const iccid = h.esimgo.control.placedOrders().at(-1)!.items[0]!.iccids[0]!;

    const before = user.lastMessageId();
    await h.esimgo.control.advanceUsage(iccid, 85);
    const warning = await user.waitFor((m) => m.message_id > before && textOf(m).includes("80%"));
    expect(textOf(warning)).toMatch(/You have used 80% of the data of .+ \(.+ left\)/);
    expect(user.botMessages().filter((m) => textOf(m).includes("80%"))).toHaveLength(1);

    const offers = await user.press(warning, "➕ Top up");
    expect(textOf(offers)).toMatch(/^➕ Top up .+ \(…\d{4}\)\. Choose a plan:/);
    expect(buttonsOf(offers).some((b) => b.callback_data?.startsWith(`tk:${iccid}:`))).toBe(true);
  });

  it("an expired payment link offers a fresh one", async () => {
    const user = h.user(8_200, "en");
    const link = await checkout(h, user, "France");
    const order = await latestOrderOf(database.db, user.profile.id);
    await h.stripe.control.expire(order.stripe_session_id!);
    await h.stripe.control.idle();
    const expired = await user.waitFor((m) => m.message_id > link.message_id && textOf(m).includes("has expired"));
    expect(textOf(expired)).toBe(`⌛ The payment link for order #${order.id} has expired. Need a new one?`);
    expect((await latestOrderOf(database.db, user.profile.id)).status).toBe("expired");

    const before = user.lastMessageId();
    await user.press(expired, "🔗 Get a new link");
    const fresh = await user.waitFor((m) => m.message_id > before && buttonsOf(m).some((b) => b.url !== undefined));
    const freshUrl = buttonsOf(fresh).find((b) => b.url)!.url;
    expect(freshUrl).not.toBe(buttonsOf(link).find((b) => b.url)!.url);
    const renewed = await latestOrderOf(database.db, user.profile.id);
    expect(h.stripe.control.session(renewed.stripe_session_id!)?.url).toBe(freshUrl);
    expect(h.stripe.control.session(renewed.stripe_session_id!)?.status).toBe("open");
  });

  it("renders refunds and failed payments in the customer's language, and alerts admins in theirs", async () => {
    const user = h.user(8_300, "tr");
    await user.send("/start");
    const customer = await customerOfTelegram(database.db, user.profile.id);
    const before = user.lastMessageId();
    expect(await h.notifier.customer(customer.id, { type: "refunded", orderId: 77, amountMinor: 499, currency: "USD", reason: "deadline" })).toBe("delivered");
    expect(await h.notifier.customer(customer.id, { type: "payment_failed", orderId: 78 })).toBe("delivered");
    const [refund, failed] = user.botMessages().filter((m) => m.message_id > before);
    expect(textOf(refund!)).toContain("#77 numaralı sipariş: $4,99 iade edildi.");
    expect(textOf(refund!)).toContain("eSIM'inizi zamanında teslim edemedik.");
    expect(textOf(failed!)).toContain("#78 numaralı siparişin ödemesi başarısız oldu");
    expect(buttonsOf(failed!).map((b) => b.callback_data)).toEqual(["a:78"]);

    const admin = h.user(8_000, "ru");
    const adminBefore = admin.lastMessageId();
    await h.notifier.admins({ type: "fulfilment_failed", orderId: 79, cause: "invalid_request: bundle withdrawn", willRetry: false });
    await h.notifier.admins({ type: "low_balance", balanceMinor: 1234, currency: "USD", thresholdMinor: 5000 });
    const alerts = admin.botMessages().filter((m) => m.message_id > adminBefore).map(textOf);
    expect(alerts[0]).toContain("Заказ №79: ошибка выполнения: invalid_request: bundle withdrawn");
    expect(alerts[0]).toContain("/order 79");
    expect(alerts[1]).toBe("🪫 Низкий баланс eSIM Go: 12,34\u00a0$ (порог 50,00\u00a0$).");
  });

  it("a blocked customer resolves as blocked; an unreachable admin does not throw", async () => {
    const user = h.user(8_400, "en");
    await user.send("/start");
    const customer = await customerOfTelegram(database.db, user.profile.id);
    h.telegram.blockBy(user.chatId);
    expect(await h.notifier.customer(customer.id, { type: "payment_received", orderId: 5 })).toBe("blocked");
    const row = await database.db.selectFrom("customers").select("blocked_at").where("id", "=", customer.id).executeTakeFirstOrThrow();
    expect(row.blocked_at).not.toBeNull();
    h.telegram.blockBy(8_000);
    await expect(h.notifier.admins({ type: "sync_failed", cause: "timeout" })).resolves.toBeUndefined();
    h.telegram.unblockBy(8_000);
  });
});

describe.each(testDatabaseTargets())("sandbox marker and flood limit on $kind", (target) => {
  let database: TestDatabase;
  let h: BotHarness;

  beforeAll(async () => {
    database = await target.create();
    h = await startBotHarness({ db: database.db, sandbox: true, adminIds: [7_000], rateLimit: { limit: 5, timeFrameMs: 60_000 } });
    await h.user(7_000, "en").send("/start");
  });
  afterAll(async () => {
    await h?.close();
    await database?.close();
  });

  it("every message says it is a sandbox: menus, the payment link, the eSIM photo, notices and admin alerts", async () => {
    const user = h.user(7_100, "ru");
    const link = await checkout(h, user, "Германия");
    await h.payLatestOrder(user);
    await h.fulfil();
    const photo = await user.waitFor((m) => m.message_id > link.message_id && m.photo !== undefined);
    await user.waitFor((m) => m.message_id > photo.message_id && textOf(m).includes("Как установить"));

    const messages = user.botMessages();
    expect(messages.length).toBeGreaterThanOrEqual(5);
    for (const message of messages) expect(message.text ?? message.caption).toMatch(/^🧪 ПЕСОЧНИЦА — тестовый режим, без реальных денег\n\n/);
    expect(textOf(link)).toContain("Ссылка на оплату готова");
    expect(photo.caption).toContain("<code>");
    const alerts = h.user(7_000, "en").botMessages().filter((m) => textOf(m).includes("Sale: order"));
    expect(alerts).toHaveLength(1);
    expect(textOf(alerts[0]!)).toMatch(/^🧪 SANDBOX — test mode, no real money\n\n💰 Sale/);
  });

  it("a flooding user is told to slow down; others are served", async () => {
    const flooder = h.user(7_200, "en");
    for (let i = 0; i < 5; i++) expect(textOf(await flooder.send("Germany"))).toContain("Germany: how long is your trip?");
    expect(textOf(await flooder.send("Germany"))).toContain("You are sending messages too quickly. Please wait a few seconds.");
    for (let i = 0; i < 3; i++) await h.telegram.sendText(flooder.profile, "Germany");
    // Updates are handled in order: once the next user is served, the flooder's extra messages have been dropped.
    expect(textOf(await h.user(7_201, "en").send("Germany"))).toContain("Germany: how long is your trip?");
    await flooder.settled();
    // Told once, not once per dropped message (which would itself flood the chat).
    expect(flooder.botMessages().filter((m) => textOf(m).includes("too quickly"))).toHaveLength(1);
    expect(flooder.botMessages()).toHaveLength(6);
  });
});
