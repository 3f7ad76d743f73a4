import { Api, InputFile } from "grammy";
import QRCode from "qrcode";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startTelegramSim, type TelegramSim } from "../src/index.ts";
import { alice } from "./bot-fixture.ts";

/** The control API over HTTP: the user's side of the chat, for demos and other processes. */
describe("telegram-sim control API", () => {
  let sim: TelegramSim;
  let api: Api;
  beforeEach(async () => {
    sim = await startTelegramSim();
    api = new Api(sim.token, { apiRoot: sim.apiRoot });
  });
  afterEach(async () => {
    await sim.close();
  });

  async function control(method: string, path: string, body?: unknown, token = sim.controlToken) {
    const response = await fetch(`${sim.controlUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, json: (await response.json()) as Record<string, unknown> & unknown[] };
  }

  it("needs the bearer token (the bot token is not it) and is not a Bot API route", async () => {
    expect((await control("GET", "/state", undefined, sim.token)).status).toBe(401);
    expect((await control("GET", "/state")).json).toMatchObject({ botUsername: "esim_sandbox_bot", calls: 0 });
    expect(sim.calls()).toEqual([]);
  });

  it("writes as a user, presses a button, and reads the transcript", async () => {
    const updateId = Number((await control("POST", "/messages", { user: alice, text: "/start" })).json.updateId);
    const [update] = await api.getUpdates({ offset: 0 });
    expect(update).toMatchObject({ update_id: updateId, message: { text: "/start", entities: [{ type: "bot_command" }] } });

    const png = await QRCode.toBuffer("LPA:1$x$y", { type: "png" });
    await api.sendPhoto(alice.id, new InputFile(png, "qr.png"), { caption: "Your eSIM", reply_markup: { inline_keyboard: [[{ text: "Details", callback_data: "d:1" }]] } });
    const pressed = await control("POST", "/presses", { user: alice, messageId: 2, callbackData: "d:1" });
    expect(pressed.json).toMatchObject({ callbackQueryId: expect.any(String), updateId: updateId + 1 });
    expect((await control("POST", "/presses", { user: alice, messageId: 2, callbackData: "forged" })).status).toBe(400);

    const transcript = (await control("GET", `/chats/${alice.id}/messages`)).json as Record<string, unknown>[];
    expect(transcript).toMatchObject([
      { from: "user", text: "/start" },
      { from: "bot", caption: "Your eSIM", photo: { fileId: expect.any(String), size: png.length } },
    ]);
  });

  it("blocks the bot, registers a chat, and arms faults by method and chat", async () => {
    await control("POST", "/messages", { user: alice, text: "hi" });
    await control("PUT", `/chats/${alice.id}/blocked`, { blocked: true });
    await expect(api.sendMessage(alice.id, "there?")).rejects.toMatchObject({ error_code: 403 });
    await control("PUT", `/chats/${alice.id}/blocked`, { blocked: false });

    await control("POST", "/chats", { id: 4242, type: "private", first_name: "Admin" });
    await control("POST", "/faults", { path: "/sendMessage", params: { chat_id: 4242 }, answer: "flood" });
    await expect(api.sendMessage(alice.id, "to alice")).resolves.toMatchObject({ text: "to alice" });
    await expect(api.sendMessage(4242, "to the admin")).rejects.toMatchObject({ error_code: 429, parameters: { retry_after: 1 } });
    await expect(api.sendMessage(4242, "to the admin")).resolves.toMatchObject({ text: "to the admin" });
    const log = await control("GET", `/requests?path=/sendMessage&status=429`);
    expect(log.json).toMatchObject({ count: 1, requests: [{ detail: { chat_id: 4242, text: "to the admin" } }] });
  });
});
