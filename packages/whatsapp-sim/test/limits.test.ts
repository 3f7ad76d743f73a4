import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, startHarness, textTo, TOKEN, userWhoWrote } from "./helpers.ts";

let harness: Harness;
let ada: { userId: string; waId?: string };

beforeAll(async () => {
  harness = await startHarness();
  ada = await userWhoWrote(harness);
});

afterAll(() => harness.close());

const base = () => ({ messaging_product: "whatsapp", to: ada.waId });
/** One code point, two UTF-16 units, per repeat. */
const emoji = (count: number) => "😀".repeat(count);
const letters = (count: number) => "x".repeat(count);

function buttons(...titles: string[]) {
  return { ...base(), type: "interactive", interactive: { type: "button", body: { text: "Pick" }, action: { buttons: titles.map((title, i) => ({ type: "reply", reply: { id: `b${i}`, title } })) } } };
}

function list(rows: { id: string; title: string; description?: string }[][], extra: Record<string, unknown> = {}) {
  return {
    ...base(),
    type: "interactive",
    interactive: { type: "list", body: { text: "Plans" }, action: { button: "Choose", sections: rows.map((r, i) => ({ title: `S${i}`, rows: r })) }, ...extra },
  };
}

function cta(displayText: string, url: string, body = "Pay here") {
  return { ...base(), type: "interactive", interactive: { type: "cta_url", body: { text: body }, action: { name: "cta_url", parameters: { display_text: displayText, url } } } };
}

async function expectRefused(body: Record<string, unknown>, code: number, field: string): Promise<void> {
  const { status, json } = await harness.send(body);
  expect(status, JSON.stringify(json)).toBe(400);
  expect(json.error?.code).toBe(code);
  expect(json.error?.type).toBe("OAuthException");
  expect(json.error?.error_data.messaging_product).toBe("whatsapp");
  expect(json.error?.fbtrace_id).toMatch(/^\S+$/);
  expect(`${json.error?.message ?? ""} ${json.error?.error_data.details ?? ""}`).toContain(field);
}

async function expectSent(body: Record<string, unknown>): Promise<void> {
  const { status, json } = await harness.send(body);
  expect(status, JSON.stringify(json)).toBe(200);
  expect(json.messages?.[0]?.id).toMatch(/^wamid\./);
}

describe("text", () => {
  it("takes 4,096 characters counted as code points, and refuses one more (#100)", async () => {
    await expectSent(textTo(ada.waId ?? "", emoji(4096)));
    await expectRefused(textTo(ada.waId ?? "", emoji(4097)), 100, "text['body']");
  });

  it("refuses an empty body, unknown keys, a missing text object and a missing messaging_product", async () => {
    await expectRefused(textTo(ada.waId ?? "", ""), 100, "text['body']");
    await expectRefused({ ...base(), type: "text", text: { body: "hi", preview: true } }, 100, 'Unexpected key "preview"');
    await expectRefused({ ...base(), type: "text" }, 100, "text");
    await expectRefused({ to: ada.waId, type: "text", text: { body: "hi" } }, 100, "messaging_product");
    await expectRefused({ ...base(), messaging_product: "sms", type: "text", text: { body: "hi" } }, 100, "messaging_product");
  });

  it("answers with the contact and a wamid; type defaults to text", async () => {
    const { status, json } = await harness.send({ ...base(), text: { body: "hi", preview_url: false } });
    expect(status).toBe(200);
    expect(json).toMatchObject({ messaging_product: "whatsapp", contacts: [{ input: ada.waId, wa_id: ada.waId }] });
  });
});

describe("marking a message read", () => {
  it("takes the id of a message the user sent, and nothing else", async () => {
    const inbound = harness.sim.transcript(ada.userId).find((m) => m.direction === "in");
    const { status, json } = await harness.send({ messaging_product: "whatsapp", status: "read", message_id: inbound?.id, typing_indicator: { type: "text" } });
    expect(status).toBe(200);
    expect(json).toEqual({ success: true });
    expect(harness.sim.transcript(ada.userId).find((m) => m.id === inbound?.id)).toMatchObject({ markedRead: true });
    await expectRefused({ messaging_product: "whatsapp", status: "read", message_id: "wamid.unknown" }, 100, "message_id");
    await expectRefused({ messaging_product: "whatsapp", status: "delivered", message_id: inbound?.id ?? "" }, 100, "status");
  });
});

describe("reply buttons", () => {
  it("take 1 to 3 buttons with titles of up to 20 characters", async () => {
    await expectSent(buttons("Yes", "No", emoji(20)));
    await expectRefused(buttons("1", "2", "3", "4"), 131009, "interactive['action']['buttons']");
    await expectRefused(buttons(), 131009, "interactive['action']['buttons']");
    await expectRefused(buttons("Yes", letters(21)), 131009, "interactive['action']['buttons'][1]['reply']['title']");
    await expectRefused(buttons(""), 131009, "['reply']['title']");
  });

  it("refuse ids over 256 characters and repeated ids or titles", async () => {
    const long = buttons("Yes");
    (long.interactive.action.buttons[0] as { reply: { id: string } }).reply.id = letters(257);
    await expectRefused(long, 131009, "['reply']['id']");
    const sameId = buttons("Yes", "No");
    (sameId.interactive.action.buttons[1] as { reply: { id: string } }).reply.id = "b0";
    await expectRefused(sameId, 131009, "interactive['action']['buttons'][1]['reply']['id']");
    await expectRefused(buttons("Same", "Same"), 131009, "interactive['action']['buttons'][1]['reply']['title']");
  });

  it("limit the body to 1,024 characters and header and footer to 60", async () => {
    const framed = (header: string, bodyText: string, footer: string) => {
      const message = buttons("Yes");
      return { ...message, interactive: { ...message.interactive, header: { type: "text", text: header }, body: { text: bodyText }, footer: { text: footer } } };
    };
    await expectSent(framed(emoji(60), emoji(1024), emoji(60)));
    await expectRefused(framed(letters(61), "ok", "ok"), 131009, "interactive['header']['text']");
    await expectRefused(framed("ok", letters(1025), "ok"), 131009, "interactive['body']['text']");
    await expectRefused(framed("ok", "ok", letters(61)), 131009, "interactive['footer']['text']");
  });

  it("need a reply type on each button and a known interactive type", async () => {
    const wrongType = buttons("Yes");
    (wrongType.interactive.action.buttons[0] as { type: string }).type = "url";
    await expectRefused(wrongType, 100, "interactive['action']['buttons'][0]['type']");
    await expectRefused({ ...base(), type: "interactive", interactive: { type: "carousel", body: { text: "x" } } }, 100, "interactive['type']");
  });
});

describe("lists", () => {
  const rows = (count: number, prefix = "r") => Array.from({ length: count }, (_, i) => ({ id: `${prefix}${i}`, title: `Row ${i}` }));

  it("hold at most 10 rows in all sections together", async () => {
    await expectSent(list([rows(5, "a"), rows(5, "b")]));
    await expectRefused(list([rows(6, "a"), rows(5, "b")]), 131009, "interactive['action']['sections']");
    await expectRefused(list([[]]), 131009, "interactive['action']['sections']");
    await expectRefused(list(Array.from({ length: 11 }, (_, i) => rows(0, `s${i}`))), 131009, "interactive['action']['sections']");
  });

  it("limit row ids to 200, titles to 24 and descriptions to 72 characters, ids unique", async () => {
    await expectSent(list([[{ id: letters(200), title: emoji(24), description: emoji(72) }]]));
    await expectRefused(list([[{ id: letters(201), title: "t" }]]), 131009, "interactive['action']['sections'][0]['rows'][0]['id']");
    await expectRefused(list([[{ id: "a", title: letters(25) }]]), 131009, "['rows'][0]['title']");
    await expectRefused(list([[{ id: "a", title: "t", description: letters(73) }]]), 131009, "['rows'][0]['description']");
    await expectRefused(list([[{ id: "a", title: "t" }], [{ id: "a", title: "u" }]]), 131009, "interactive['action']['sections'][1]['rows'][0]['id']");
  });

  it("limit the list button to 20 characters and need section titles when there are several sections", async () => {
    const message = list([rows(2)]);
    await expectRefused({ ...message, interactive: { ...message.interactive, action: { ...message.interactive.action, button: letters(21) } } }, 131009, "interactive['action']['button']");
    const untitled = { ...base(), type: "interactive", interactive: { type: "list", body: { text: "x" }, action: { button: "Go", sections: [{ rows: rows(1, "a") }, { rows: rows(1, "b") }] } } };
    await expectRefused(untitled, 131009, "interactive['action']['sections'][0]['title']");
  });
});

describe("cta_url", () => {
  it("takes a display text of up to 20 characters and an http(s) URL", async () => {
    await expectSent(cta(emoji(20), "https://pay.example/cs_1"));
    await expectRefused(cta(letters(21), "https://pay.example/cs_1"), 131009, "interactive['action']['parameters']['display_text']");
    await expectRefused(cta("Pay", "ftp://pay.example/cs_1"), 131009, "interactive['action']['parameters']['url']");
    await expectRefused(cta("Pay", "not a url"), 131009, "interactive['action']['parameters']['url']");
    await expectRefused(cta("Pay", "https://pay.example", letters(1025)), 131009, "interactive['body']['text']");
  });
});

describe("images", () => {
  it("by link take a caption of up to 1,024 characters and need exactly one of id and link", async () => {
    await expectSent({ ...base(), type: "image", image: { link: "https://cdn.example/qr.png", caption: emoji(1024) } });
    await expectRefused({ ...base(), type: "image", image: { link: "https://cdn.example/qr.png", caption: letters(1025) } }, 100, "image['caption']");
    await expectRefused({ ...base(), type: "image", image: { caption: "no source" } }, 100, "image");
    await expectRefused({ ...base(), type: "image", image: { id: "123", link: "https://cdn.example/qr.png" } }, 100, "image");
  });
});

describe("the recipient", () => {
  it("is a wa_id in `to` (digits) or a BSUID in `recipient`; `to` wins when both are given", async () => {
    const { json } = await harness.send({ messaging_product: "whatsapp", recipient: ada.userId, type: "text", text: { body: "by BSUID" } });
    expect(json.contacts).toEqual([{ input: ada.userId, user_id: ada.userId }]);
    const both = await harness.send({ messaging_product: "whatsapp", to: ada.waId, recipient: "US.999", type: "text", text: { body: "both" } });
    expect(both.json.contacts).toEqual([{ input: ada.waId, wa_id: ada.waId }]);
    expect(harness.sim.sent(ada.userId).at(-1)?.content).toMatchObject({ type: "text", body: "both" });
  });

  it("refuses a malformed recipient, a missing one and an unknown type", async () => {
    await expectRefused({ ...base(), to: "+44 7700 900001", type: "text", text: { body: "x" } }, 100, "to");
    await expectRefused({ ...base(), to: ada.userId, type: "text", text: { body: "x" } }, 100, "to");
    await expectRefused({ messaging_product: "whatsapp", recipient: "not-a-bsuid", type: "text", text: { body: "x" } }, 100, "recipient");
    await expectRefused({ messaging_product: "whatsapp", type: "text", text: { body: "x" } }, 100, "to");
    await expectRefused({ ...base(), type: "audio", audio: { id: "1" } }, 100, "type");
    await expectRefused({ ...base(), type: "hologram", hologram: {} }, 100, "hologram");
  });

  it("who is not a WhatsApp user known here fails with 131026", async () => {
    const { status, json } = await harness.send(textTo("15550000000", "hi"));
    expect(status).toBe(400);
    expect(json.error?.code).toBe(131026);
  });
});

describe("the URL, token and phone number", () => {
  it("accept only the version it was started with", async () => {
    const response = await fetch(`${harness.sim.url}/v25.0/${harness.sim.phoneNumberId}/messages`, {
      method: "POST",
      headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify(textTo(ada.waId ?? "", "hi")),
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { message: string } }).error.message).toContain("v25.0");
  });

  it("refuse a wrong or missing token with 401, code 190", async () => {
    const wrong = await harness.send(textTo(ada.waId ?? "", "hi"), { token: "EAAG-other" });
    expect(wrong.status).toBe(401);
    expect(wrong.json.error).toMatchObject({ code: 190, type: "OAuthException" });
    const missing = await fetch(`${harness.sim.apiUrl}/${harness.sim.phoneNumberId}/messages`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(textTo(ada.waId ?? "", "hi")) });
    expect(missing.status).toBe(401);
    expect(((await missing.json()) as { error: { code: number } }).error.code).toBe(190);
  });

  it("refuse an unknown phone number id or path with 400, code 100", async () => {
    const unknown = await harness.send(textTo(ada.waId ?? "", "hi"), { path: "999999999/messages" });
    expect(unknown.status).toBe(400);
    expect(unknown.json.error?.code).toBe(100);
    expect(unknown.json.error?.message).toContain("Object with ID '999999999' does not exist");
    const path = await harness.send(textTo(ada.waId ?? "", "hi"), { path: `${harness.sim.phoneNumberId}/letters` });
    expect(path.json.error?.code).toBe(100);
  });

  it("read no parameters from a body that is not JSON", async () => {
    const response = await fetch(`${harness.sim.apiUrl}/${harness.sim.phoneNumberId}/messages`, { method: "POST", headers: { authorization: `Bearer ${TOKEN}`, "content-type": "text/plain" }, body: JSON.stringify(textTo(ada.waId ?? "", "hi")) });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { message: string } }).error.message).toContain("messaging_product");
  });

  it("answer the phone number node with the display number, and refuse unknown fields", async () => {
    const response = await fetch(`${harness.sim.apiUrl}/${harness.sim.phoneNumberId}?fields=display_phone_number`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(await response.json()).toEqual({ display_phone_number: "+44 7700 900123", id: harness.sim.phoneNumberId });
    const unknown = await fetch(`${harness.sim.apiUrl}/${harness.sim.phoneNumberId}?fields=secret_sauce`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(unknown.status).toBe(400);
    const noToken = await fetch(`${harness.sim.apiUrl}/${harness.sim.phoneNumberId}?fields=display_phone_number`);
    expect(noToken.status).toBe(401);
  });
});
