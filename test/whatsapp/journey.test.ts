import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeQr } from "../helpers/qr.ts";
import { choicesOf, Customer, DATABASE_KINDS, startWhatsAppShop, textOf, waitForSent, type WhatsAppShop } from "./harness.ts";

const LANGUAGES = [
  { language: "en", waId: "447700900101", query: "Germny", question: "🇩🇪 Germany: how long is your trip?", pay: /Pay \$/, ready: "Your eSIM is ready" },
  { language: "ru", waId: "79161230102", query: "Германия", question: "🇩🇪 Германия: на сколько вы едете?", pay: /Оплатить/, ready: "Ваша eSIM готова" },
  { language: "tr", waId: undefined, query: "Almanya", question: "🇩🇪 Almanya: seyahatiniz ne kadar sürecek?", pay: /öde/, ready: "eSIM'iniz hazır" },
] as const;

describe.each(DATABASE_KINDS)("buying an eSIM on WhatsApp on %s", (kind) => {
  let shop: WhatsAppShop;
  beforeAll(async () => {
    shop = await startWhatsAppShop(kind);
  });
  afterAll(async () => shop?.close());

  /** Destination → the chooser (a week, a little data) → the cheapest plan → details → confirm → the payment link. */
  async function payLink(customer: Customer, query: string, question: string) {
    const trip = await customer.say(query, (m) => textOf(m).includes(question));
    expect(trip.content.type).toBe("list");
    const data = await customer.choose(trip, /^qt:DE:w$/);
    const best = await customer.choose(data, /^qb:DE:w:s$/);
    const details = await customer.choose(best, /^b:DE:/);
    const confirm = await customer.choose(details, /^k:DE:/);
    return customer.choose(confirm, /^p:DE:/, (m) => m.content.type === "cta_url");
  }

  it.each(LANGUAGES)("($language) types a destination, answers the chooser, pays the link and gets a QR that scans to the eSIM", async ({ language, waId, query, question, pay, ready }) => {
    // The Turkish traveller uses a WhatsApp username: Meta sends no phone number, only the business-scoped id.
    const user = waId ? shop.whatsapp.createUser({ name: `Traveller ${language}`, waId }) : shop.whatsapp.createUser({ name: "Gezgin", withUsername: true });
    const customer = new Customer(shop.whatsapp, user);
    if (!waId) {
      const menu = await customer.say("dil");
      await customer.choose(menu, /^l:tr$/);
    }
    const link = await payLink(customer, query, question);
    if (link.content.type !== "cta_url") throw new Error("no link");
    expect(link.content.displayText).toMatch(pay);
    const sessionId = new URL(link.content.url).pathname.split("/").pop()!;
    const before = customer.sentCount();
    await shop.stripe.control.pay(sessionId);
    const photo = await waitForSent(shop.whatsapp, customer.id, (m) => m.content.type === "image", before, 30_000);
    if (photo.content.type !== "image" || !photo.content.image) throw new Error("no image bytes");
    expect(photo.content.caption).toContain(ready);
    const iccid = shop.esimgo.control.placedOrders().at(-1)!.items[0]!.iccids[0]!;
    const esim = shop.esimgo.control.esims().find((e) => e.iccid === iccid)!;
    expect(decodeQr(photo.content.image.bytes)).toBe(`LPA:1$${esim.smdpAddress}$${esim.matchingId}`);
    // The codes to copy, and the one-tap install links, follow the QR.
    expect(photo.content.caption).toContain(esim.matchingId);
    const installLink = (host: string) => (m: { content: { type: string; url?: string } }) => m.content.type === "cta_url" && m.content.url?.startsWith(`https://esimsetup.${host}.com/`) === true;
    await waitForSent(shop.whatsapp, customer.id, installLink("apple"), before);
    await waitForSent(shop.whatsapp, customer.id, installLink("android"), before);
  });

  it("answers each message once, however often Meta delivers it and however many it batches in one POST", async () => {
    const a = shop.whatsapp.createUser({ name: "Ana", waId: "447700900201" });
    const b = shop.whatsapp.createUser({ name: "Ben", waId: "447700900202" });
    const { messageIds, status } = await shop.whatsapp.sendBatch(
      [
        { user: a.userId, text: "France" },
        { user: b.userId, text: "Spain" },
        { user: a.userId, text: "help" },
      ],
      "entries",
    );
    expect(status).toBe(200);
    await waitForSent(shop.whatsapp, a.userId, (m) => /refund/i.test(textOf(m)));
    await waitForSent(shop.whatsapp, b.userId, (m) => textOf(m).includes("Spain: how long is your trip?"));
    expect(await shop.whatsapp.redeliver(messageIds[0]!, { times: 3, concurrently: true })).toEqual([200, 200, 200]);
    await new Promise((resolve) => setTimeout(resolve, 500));
    // France's chooser and the help, in that order, each once.
    expect(shop.whatsapp.sent(a.userId).map((m) => textOf(m).split("\n")[0])).toEqual([expect.stringContaining("France: how long is your trip?"), expect.stringMatching(/.+/)]);
    expect(shop.whatsapp.sent(b.userId)).toHaveLength(1);
  });

  it("refuses forged and unsigned webhooks with 401 and does nothing", async () => {
    const eve = shop.whatsapp.createUser({ name: "Eve", waId: "447700900301" });
    expect(await shop.whatsapp.sendForged(eve.userId, "Germany")).toBe(401);
    expect(await shop.whatsapp.sendUnsigned(eve.userId, "Germany")).toBe(401);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(shop.whatsapp.sent(eve.userId)).toEqual([]);
  });

  it("answers Meta's set-up handshake only with the right verify token", async () => {
    expect(await shop.whatsapp.verifyWebhook()).toMatchObject({ ok: true, status: 200 });
    expect(await shop.whatsapp.verifyWebhook("not-the-token")).toMatchObject({ ok: false, status: 403 });
  });

  it("outside the 24-hour window delivers the eSIM as the approved template, and the QR follows the customer's reply", async () => {
    const customer = new Customer(shop.whatsapp, shop.whatsapp.createUser({ name: "Late", waId: "447700900401" }));
    const link = await payLink(customer, "Germany", "Germany: how long is your trip?");
    if (link.content.type !== "cta_url") throw new Error("no link");
    shop.whatsapp.ageWindow(customer.id, 25);
    const before = customer.sentCount();
    await shop.stripe.control.pay(new URL(link.content.url).pathname.split("/").pop()!);
    const template = await waitForSent(shop.whatsapp, customer.id, (m) => m.content.type === "template", before, 30_000);
    expect(template.content).toMatchObject({ type: "template", name: "esim_ready", language: "en", parameters: [expect.stringMatching(/^order #\d+$/)] });
    expect(shop.whatsapp.sent(customer.id).slice(before).some((m) => m.content.type === "image")).toBe(false);

    const afterTemplate = customer.sentCount();
    await shop.whatsapp.sendText(customer.id, "ok");
    const qr = await waitForSent(shop.whatsapp, customer.id, (m) => m.content.type === "image", afterTemplate, 20_000);
    if (qr.content.type !== "image" || !qr.content.image) throw new Error("no image bytes");
    const iccid = shop.esimgo.control.placedOrders().at(-1)!.items[0]!.iccids[0]!;
    const esim = shop.esimgo.control.esims().find((e) => e.iccid === iccid)!;
    expect(decodeQr(qr.content.image.bytes)).toBe(`LPA:1$${esim.smdpAddress}$${esim.matchingId}`);
  });

  /** Pays the link; resolves the id of the order an operator is alerted about as "delivery failed". */
  async function payAndAwaitDeliveryFailure(ops: Customer, link: Awaited<ReturnType<typeof payLink>>): Promise<{ orderId: number; cause: string }> {
    if (link.content.type !== "cta_url") throw new Error("no link");
    const before = ops.sentCount();
    await shop.stripe.control.pay(new URL(link.content.url).pathname.split("/").pop()!);
    const alert = await waitForSent(shop.whatsapp, ops.id, (m) => /Order #\d+: delivery failed/.test(textOf(m)), before, 30_000);
    const [, orderId, cause] = /Order #(\d+): delivery failed: (.*)/.exec(textOf(alert))!;
    return { orderId: Number(orderId), cause: cause! };
  }

  it("a number that cannot receive messages (131026 in the answer) breaks nothing: the order is delivered, the cause on it", async () => {
    const ops = new Customer(shop.whatsapp, shop.admin);
    await ops.say("/balance", (m) => /eSIM Go balance/.test(textOf(m)));
    const customer = new Customer(shop.whatsapp, shop.whatsapp.createUser({ name: "Gone", waId: "447700900601" }));
    const link = await payLink(customer, "Germany", "Germany: how long is your trip?");
    shop.whatsapp.setUndeliverable(customer.id, "response");
    const { orderId, cause } = await payAndAwaitDeliveryFailure(ops, link);
    expect(cause).toMatch(/cannot be reached/);
    const story = textOf(await ops.say(`/order ${orderId}`, (m) => textOf(m).includes(`🧾 Order #${orderId} ·`)));
    expect(story).toContain(`🧾 Order #${orderId} · delivered`);
    expect(shop.whatsapp.sent(customer.id).some((m) => m.content.type === "image")).toBe(false);

    // Back on WhatsApp, the customer is answered again and finds the eSIM under "my esims".
    shop.whatsapp.setUndeliverable(customer.id, false);
    expect(textOf(await customer.say("my esims"))).toMatch(/Germany/);
  });

  it("131026 reported later in a failed status is recorded on the order just delivered, once, and alerted with its id", async () => {
    const ops = new Customer(shop.whatsapp, shop.admin);
    await ops.say("/balance", (m) => /eSIM Go balance/.test(textOf(m)));
    const customer = new Customer(shop.whatsapp, shop.whatsapp.createUser({ name: "Later", waId: "447700900602" }));
    const link = await payLink(customer, "Germany", "Germany: how long is your trip?");
    shop.whatsapp.setUndeliverable(customer.id, "status");
    const { orderId, cause } = await payAndAwaitDeliveryFailure(ops, link);
    expect(cause).toMatch(/131026/);
    const story = textOf(await ops.say(`/order ${orderId}`, (m) => textOf(m).includes(`🧾 Order #${orderId} ·`)));
    expect(story.match(/undelivered/g)).toHaveLength(1);
    // Every message of the delivery failed, yet the operator heard of it once.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(shop.whatsapp.sent(ops.id).filter((m) => textOf(m).includes(`Order #${orderId}: delivery failed`))).toHaveLength(1);
  });

  it("admin commands work for WHATSAPP_ADMIN_IDS only; anyone else gets the unknown-command answer", async () => {
    const ops = new Customer(shop.whatsapp, shop.admin);
    // Operators also get the sales alerts of the other tests: each answer is looked for among what arrives.
    expect(textOf(await ops.say("/balance", (m) => /eSIM Go balance/.test(textOf(m))))).toMatch(/eSIM Go balance/);
    await ops.say("/order 987654", (m) => textOf(m).includes("Order #987654 not found."));
    const stranger = new Customer(shop.whatsapp, shop.whatsapp.createUser({ name: "Stranger", waId: "447700900501" }));
    const answer = await stranger.say("/balance");
    expect(textOf(answer)).toMatch(/command/i);
    expect(textOf(answer)).not.toMatch(/balance:/i);
    expect(choicesOf(answer).map((c) => c.id)).toContain("n:buy");
  });
});
