import { Api, GrammyError, InlineKeyboard, InputFile } from "grammy";
import QRCode from "qrcode";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { botApiError, startTelegramSim, type TelegramSim } from "../src/index.ts";
import { alice, decodeQrPng } from "./bot-fixture.ts";

let sim: TelegramSim;
let api: Api;

beforeEach(async () => {
  sim = await startTelegramSim();
  api = new Api(sim.token, { apiRoot: sim.apiRoot });
  await sim.sendText(alice, "/start");
});

afterEach(async () => {
  await sim.close();
});

async function apiError(call: Promise<unknown>): Promise<GrammyError> {
  const error: unknown = await call.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!(error instanceof GrammyError)) throw new Error(`expected a GrammyError, got ${String(error)}`);
  return error;
}

describe("Telegram's refusals", () => {
  it("refuses an edit that changes nothing", async () => {
    const keyboard = new InlineKeyboard().text("A", "a");
    const sent = await api.sendMessage(alice.id, "<b>Hi</b>", { parse_mode: "HTML", reply_markup: keyboard });
    const error = await apiError(api.editMessageText(alice.id, sent.message_id, "<b>Hi</b>", { parse_mode: "HTML", reply_markup: keyboard }));
    expect(error.error_code).toBe(400);
    expect(error.description).toBe(
      "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message",
    );
    // Same visible text without the bold entity is a change.
    await expect(api.editMessageText(alice.id, sent.message_id, "Hi", { reply_markup: keyboard })).resolves.toMatchObject({ text: "Hi" });
    await expect(api.editMessageReplyMarkup(alice.id, sent.message_id, { reply_markup: keyboard })).rejects.toThrow("message is not modified");
  });

  it("drops the keyboard when an edit leaves reply_markup out", async () => {
    const sent = await api.sendMessage(alice.id, "Pick", { reply_markup: new InlineKeyboard().text("A", "a") });
    await api.editMessageText(alice.id, sent.message_id, "Picked");
    const [, edited] = sim.messages(alice.id);
    expect(edited).toMatchObject({ text: "Picked", edited: true });
    expect(edited?.reply_markup).toBeUndefined();
  });

  it("checks callback_data, text and caption lengths", async () => {
    const longData = await apiError(api.sendMessage(alice.id, "x", { reply_markup: new InlineKeyboard().text("A", "é".repeat(33)) }));
    expect(longData.description).toBe("Bad Request: BUTTON_DATA_INVALID");
    expect((await apiError(api.sendMessage(alice.id, "x".repeat(4097)))).description).toBe("Bad Request: message is too long");
    await expect(api.sendMessage(alice.id, "x".repeat(4096))).resolves.toMatchObject({ message_id: 2 });
    const png = await QRCode.toBuffer("x", { type: "png" });
    const caption = await apiError(api.sendPhoto(alice.id, new InputFile(png), { caption: "c".repeat(1025) }));
    expect(caption.description).toBe("Bad Request: message caption is too long");
    expect((await apiError(api.sendMessage(alice.id, "  "))).description).toBe("Bad Request: message text is empty");
  });

  it("answers a callback query once", async () => {
    const sent = await api.sendMessage(alice.id, "Pick", { reply_markup: new InlineKeyboard().text("A", "a") });
    const { callbackQueryId } = await sim.pressButton(alice, sent.message_id, "a");
    await api.answerCallbackQuery(callbackQueryId, { text: "done", show_alert: true });
    expect(await sim.answerOf(callbackQueryId)).toEqual({ text: "done", show_alert: true });
    const invalid = "Bad Request: query is too old and response timeout expired or query ID is invalid";
    expect((await apiError(api.answerCallbackQuery(callbackQueryId))).description).toBe(invalid);
    expect((await apiError(api.answerCallbackQuery("123"))).description).toBe(invalid);
    await expect(sim.pressButton(alice, sent.message_id, "not-on-the-keyboard")).rejects.toThrow("has no button");
  });

  it("parses HTML the way Telegram does and rejects what it can't", async () => {
    const sent = await api.sendMessage(alice.id, 'Pay <a href="https://x.test/?a=1&amp;b=2">here</a> &lt;now&gt; <code>LPA:1$a$b</code>', {
      parse_mode: "HTML",
    });
    expect(sent.text).toBe("Pay here <now> LPA:1$a$b");
    expect(sent.entities).toEqual([
      { type: "text_link", offset: 4, length: 4, url: "https://x.test/?a=1&b=2" },
      { type: "code", offset: 15, length: 9 },
    ]);
    const unknownTag = await apiError(api.sendMessage(alice.id, "a<br>b", { parse_mode: "HTML" }));
    expect(unknownTag.description).toBe('Bad Request: can\'t parse entities: Unsupported start tag "br" at byte offset 1');
    const unclosed = await apiError(api.sendMessage(alice.id, "<b>bold", { parse_mode: "HTML" }));
    expect(unclosed.description).toBe('Bad Request: can\'t parse entities: Can\'t find end tag corresponding to start tag "b"');
    const crossed = await apiError(api.sendMessage(alice.id, "<b><i>x</b></i>", { parse_mode: "HTML" }));
    expect(crossed.description).toContain('expected "</i>", found "</b>"');
  });

  it("rejects unescaped MarkdownV2 reserved characters", async () => {
    const error = await apiError(api.sendMessage(alice.id, "Price: 4.99", { parse_mode: "MarkdownV2" }));
    expect(error.description).toBe("Bad Request: can't parse entities: Character '.' is reserved and must be escaped with the preceding '\\'");
    const ok = await api.sendMessage(alice.id, "*Total* 4\\.99 `code` [site](https://x.test)", { parse_mode: "MarkdownV2" });
    expect(ok.text).toBe("Total 4.99 code site");
    expect(ok.entities?.map((e) => e.type)).toEqual(["bold", "code", "text_link"]);
    const open = await apiError(api.sendMessage(alice.id, "_oops", { parse_mode: "MarkdownV2" }));
    expect(open.description).toContain("Can't find end of Italic entity at byte offset 0");
  });

  it("fails every send to a user who blocked the bot and tells the bot", async () => {
    sim.blockBy(alice.id);
    const error = await apiError(api.sendMessage(alice.id, "still there?"));
    expect(error.error_code).toBe(403);
    expect(error.description).toBe("Forbidden: bot was blocked by the user");
    const updates = await api.getUpdates({ offset: 0 });
    expect(updates.at(-1)?.my_chat_member?.new_chat_member.status).toBe("kicked");
    await sim.sendText(alice, "/start");
    await expect(api.sendMessage(alice.id, "welcome back")).resolves.toMatchObject({ text: "welcome back" });
  });

  it("plays scripted errors, such as a flood wait, only as often as asked", async () => {
    sim.faults.inject({ path: "/sendMessage", params: { chat_id: alice.id }, times: 2, answer: botApiError({ error_code: 429, description: "Too Many Requests: retry after 3", parameters: { retry_after: 3 } }) });
    for (let attempt = 0; attempt < 2; attempt++) {
      const error = await apiError(api.sendMessage(alice.id, "hi"));
      expect(error).toMatchObject({ error_code: 429, parameters: { retry_after: 3 } });
    }
    await expect(api.sendMessage(alice.id, "hi")).resolves.toMatchObject({ text: "hi" });
  });

  it("knows only the chats that wrote to the bot", async () => {
    expect((await apiError(api.sendMessage(424242, "hi"))).description).toBe("Bad Request: chat not found");
    sim.registerChat({ id: 424242, type: "private", first_name: "Admin" });
    await expect(api.getChat(424242)).resolves.toMatchObject({ id: 424242, type: "private", first_name: "Admin" });
  });

  it("refuses a file that isn't an image as a photo and a bad file_id", async () => {
    expect((await apiError(api.sendPhoto(alice.id, new InputFile(Buffer.from("not an image"))))).description).toBe("Bad Request: IMAGE_PROCESS_FAILED");
    expect((await apiError(api.sendPhoto(alice.id, "no-such-file"))).description).toBe("Bad Request: wrong file identifier/HTTP URL specified");
  });

  it("keeps message state: deletes, edits on deleted messages, numbering", async () => {
    const first = await api.sendMessage(alice.id, "one");
    await api.deleteMessage(alice.id, first.message_id);
    expect((await apiError(api.deleteMessage(alice.id, first.message_id))).description).toBe("Bad Request: message to delete not found");
    expect((await apiError(api.editMessageText(alice.id, first.message_id, "x"))).description).toBe("Bad Request: message to edit not found");
    expect((await apiError(api.editMessageText(alice.id, 1, "x"))).description).toBe("Bad Request: message can't be edited");
    const second = await api.sendMessage(alice.id, "two", { reply_parameters: { message_id: 1 } });
    expect(second.message_id).toBe(first.message_id + 1);
    expect(second.reply_to_message?.text).toBe("/start");
    expect(sim.messages(alice.id).map((m) => m.deleted ?? false)).toEqual([false, true, false]);
  });

  it("sends documents with their file name", async () => {
    const png = await QRCode.toBuffer("LPA:1$a$b", { type: "png", scale: 8 });
    const sent = await api.sendDocument(alice.id, new InputFile(png, "esim qr.png"), { caption: "exact pixels" });
    expect(sent.document).toMatchObject({ file_name: "esim qr.png", mime_type: "image/png", file_size: png.length });
    const stored = sim.messages(alice.id).at(-1);
    expect(stored?.document?.fileName).toBe("esim qr.png");
    expect(decodeQrPng(stored?.document?.bytes ?? Buffer.alloc(0))).toBe("LPA:1$a$b");
  });
});

describe("the wire", () => {
  const url = (method: string, token = sim.token): string => `${sim.apiRoot}/bot${token}/${method}`;

  it("answers 401 for a wrong token and 404 for an unknown method", async () => {
    const unauthorized = await fetch(url("getMe", "1:WRONG"));
    expect(unauthorized.status).toBe(401);
    expect(await unauthorized.json()).toEqual({ ok: false, error_code: 401, description: "Unauthorized" });
    const unknown = await fetch(url("sendTelepathy"), { method: "POST" });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ ok: false, error_code: 404, description: "Not Found" });
  });

  it("accepts query strings, url-encoded forms with JSON-string fields, and any method case", async () => {
    const viaQuery = await (await fetch(`${url("getme")}?`)).json();
    expect(viaQuery).toMatchObject({ ok: true, result: { username: "esim_sandbox_bot", is_bot: true } });
    const form = new URLSearchParams({
      chat_id: String(alice.id),
      text: "form",
      reply_markup: JSON.stringify({ inline_keyboard: [[{ text: "A", callback_data: "a" }]] }),
    });
    const response = await fetch(url("sendMessage"), { method: "POST", body: form });
    expect(await response.json()).toMatchObject({ ok: true, result: { text: "form", reply_markup: { inline_keyboard: [[{ callback_data: "a" }]] } } });
  });

  it("parses a hand-written multipart body with quoted names", async () => {
    const png = await QRCode.toBuffer("multipart", { type: "png" });
    const boundary = "XyZ";
    const body = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="chat_id"\r\n\r\n${alice.id}\r\n`),
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="photo"; filename="qr.png"\r\nContent-Type: image/png\r\n\r\n`),
      png,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const response = await fetch(url("sendPhoto"), { method: "POST", body, headers: { "content-type": `multipart/form-data; boundary="${boundary}"` } });
    const json = (await response.json()) as { ok: boolean; result: { photo: { width: number }[] } };
    expect(json.ok).toBe(true);
    expect(json.result.photo.at(-1)?.width).toBeGreaterThan(0);
    expect(decodeQrPng(sim.messages(alice.id).at(-1)?.photo?.png ?? Buffer.alloc(0))).toBe("multipart");
  });

  it("stores commands per scope and language", async () => {
    await api.setMyCommands([{ command: "start", description: "Start" }]);
    await api.setMyCommands([{ command: "start", description: "Starten" }], { language_code: "de" });
    expect(await api.getMyCommands()).toEqual([{ command: "start", description: "Start" }]);
    expect(await api.getMyCommands({ language_code: "de" })).toEqual([{ command: "start", description: "Starten" }]);
    expect((await apiError(api.setMyCommands([{ command: "Bad-Name", description: "x" }]))).description).toBe("Bad Request: BOT_COMMAND_INVALID");
    await api.deleteMyCommands();
    expect(await api.getMyCommands()).toEqual([]);
  });
});

describe("the helpers", () => {
  it("explains a waitFor that found nothing with the recent transcript", async () => {
    await api.sendMessage(alice.id, "something else");
    await expect(sim.waitFor(alice.id, (m) => m.text === "never", 50)).rejects.toThrow(/#2 bot: something else/);
  });

  it("still answers correctly with added latency", async () => {
    const slow = await startTelegramSim({ latencyMs: 5, token: "42:OTHER", botUsername: "other_bot" });
    const slowApi = new Api(slow.token, { apiRoot: slow.apiRoot });
    await expect(slowApi.getMe()).resolves.toMatchObject({ id: 42, username: "other_bot" });
    await slow.close();
  });
});

describe("getUpdates", () => {
  it("confirms by offset, honours limit and allowed_updates", async () => {
    await sim.sendText(alice, "two");
    await sim.sendText(alice, "three");
    const firstTwo = await api.getUpdates({ limit: 2 });
    expect(firstTwo.map((u) => u.message?.text)).toEqual(["/start", "two"]);
    const rest = await api.getUpdates({ offset: (firstTwo.at(-1)?.update_id ?? 0) + 1 });
    expect(rest.map((u) => u.message?.text)).toEqual(["three"]);
    const onlyCallbacks = await api.getUpdates({ offset: (rest.at(-1)?.update_id ?? 0) + 1, allowed_updates: ["callback_query"] });
    expect(onlyCallbacks).toEqual([]);
    await sim.sendText(alice, "ignored: not an allowed update type");
    expect(await api.getUpdates({ timeout: 0 })).toEqual([]);
  });

  it("waits for the next update and answers as soon as it comes", async () => {
    const waiting = api.getUpdates({ offset: -1, timeout: 20 });
    const seen = await waiting;
    expect(seen.map((u) => u.message?.text)).toEqual(["/start"]);
    const next = api.getUpdates({ offset: (seen[0]?.update_id ?? 0) + 1, timeout: 20 });
    await sim.sendText(alice, "later");
    expect((await next).map((u) => u.message?.text)).toEqual(["later"]);
  });
});
