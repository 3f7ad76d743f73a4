import { serve } from "@hono/node-server";
import { type Bot, webhookCallback } from "grammy";
import { Hono } from "hono";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { startTelegramSim, type TelegramSim } from "../src/index.ts";
import { alice, buildShopBot, decodeQrPng, INSTALL_URL, LPA, PAY_URL, startPolling } from "./bot-fixture.ts";

let sim: TelegramSim;

beforeEach(async () => {
  sim = await startTelegramSim();
});

afterEach(async () => {
  await sim.close();
});

/** The whole purchase path a customer clicks through, the same in both delivery modes. */
async function runPurchaseFlow(): Promise<void> {
  await sim.sendText(alice, "/start summer24");
  const welcome = await sim.waitFor(alice.id, (m) => m.text?.includes("Pick a country") === true);
  expect(welcome.plainText).toBe("Welcome, Alice! (ref summer24) Pick a country:");
  expect(welcome.entities).toEqual([{ type: "bold", offset: 9, length: 5 }]);
  expect(welcome.reply_markup).toMatchObject({
    inline_keyboard: [[{ text: "🇩🇪 Germany", callback_data: "country:DE" }, { text: "🇫🇷 France" }], [{ text: "Pay $4.99", url: PAY_URL }]],
  });

  const { callbackQueryId } = await sim.pressButton(alice, welcome.message_id, "country:DE");
  expect(await sim.answerOf(callbackQueryId)).toMatchObject({ text: "Picked DE" });
  const picked = await sim.waitFor(alice.id, (m) => m.message_id === welcome.message_id && m.edited === true);
  expect(picked.plainText).toBe("You picked DE");

  await sim.pressButton(alice, picked.message_id, "buy:DE");
  const photo = await sim.waitFor(alice.id, (m) => m.photo !== undefined);
  expect(decodeQrPng(photo.photo?.png ?? Buffer.alloc(0))).toBe(LPA);
  expect(photo.plainText).toBe(`Scan it or enter ${LPA}`);
  expect(photo.entities?.[0]).toMatchObject({ type: "code" });
  // grammY sends reply_markup as a JSON string inside the multipart body.
  expect(photo.reply_markup).toEqual({ inline_keyboard: [[{ text: "Install on iPhone", url: INSTALL_URL }]] });

  expect(sim.messages(alice.id).map((m) => [m.from, m.message_id])).toEqual([
    ["user", 1],
    ["bot", 2],
    ["bot", 3],
  ]);
}

describe("a grammY bot over long polling", () => {
  let bot: Bot;
  let stop: () => Promise<void>;

  beforeEach(() => {
    bot = buildShopBot(sim);
    stop = startPolling(bot);
  });

  afterEach(async () => {
    await stop();
  });

  it("goes through /start, a button that edits, and a QR photo", async () => {
    await runPurchaseFlow();
    expect(sim.calls("deleteWebhook")).toHaveLength(1);
    expect(sim.calls("getUpdates")[0]?.payload).toMatchObject({ timeout: 30 });
  });

  it("serves the uploaded photo back through getFile and the file URL", async () => {
    await runPurchaseFlow();
    const sent = sim.calls("sendPhoto")[0];
    expect(sent?.payload).toMatchObject({ caption: expect.stringContaining("LPA") });
    const photo = sim.messages(alice.id).find((m) => m.photo);
    const file = await bot.api.getFile(photo?.photo?.fileId ?? "");
    const download = await fetch(`${sim.apiRoot}/file/bot${sim.token}/${file.file_path}`);
    expect(Buffer.from(await download.arrayBuffer()).equals(photo?.photo?.png ?? Buffer.alloc(0))).toBe(true);
    const resent = await bot.api.sendPhoto(alice.id, photo?.photo?.fileId ?? "");
    expect(resent.photo.at(-1)?.file_id).toBe(photo?.photo?.fileId);
  });

  it("gives /commands bot_command entities and replies to plain text", async () => {
    await sim.sendText(alice, "hello there");
    const reply = await sim.waitFor(alice.id, (m) => m.text === "You said: hello there");
    expect(reply.from).toBe("bot");
    await sim.sendText(alice, "/echo_error");
    const error = await sim.waitFor(alice.id, (m) => m.text?.startsWith("error:") === true);
    expect(error.text).toBe("error: Bad Request: BUTTON_DATA_INVALID");
  });
});

describe("a grammY bot behind a webhook", () => {
  let webhookServer: Server;
  let webhookUrl: string;
  let bot: Bot;

  beforeEach(async () => {
    bot = buildShopBot(sim);
    const app = new Hono();
    app.post("/telegram", webhookCallback(bot, "hono", { secretToken: "s3cret" }));
    const port = await new Promise<number>((resolve) => {
      webhookServer = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, (info: AddressInfo) => resolve(info.port)) as Server;
    });
    webhookUrl = `http://127.0.0.1:${port}/telegram`;
  });

  afterEach(async () => {
    // grammY answers a wrong secret without reading the body, which keeps that connection busy.
    webhookServer.closeAllConnections();
    await new Promise((resolve) => webhookServer.close(resolve));
  });

  it("POSTs updates with the secret token and runs the same flow", async () => {
    await bot.api.setWebhook(webhookUrl, { secret_token: "s3cret" });
    await runPurchaseFlow();
    const info = await bot.api.getWebhookInfo();
    expect(info).toMatchObject({ url: webhookUrl, pending_update_count: 0 });
    expect(info.last_error_message).toBeUndefined();
  });

  it("refuses getUpdates while the webhook is active", async () => {
    await bot.api.setWebhook(webhookUrl, { secret_token: "s3cret" });
    await expect(bot.api.getUpdates()).rejects.toMatchObject({ error_code: 409 });
    await bot.api.deleteWebhook();
    await expect(bot.api.getUpdates()).resolves.toEqual([]);
  });

  it("keeps retrying an update the webhook rejects and reports the error", async () => {
    await bot.api.setWebhook(webhookUrl, { secret_token: "wrong-secret" });
    await sim.sendText(alice, "/start");
    await vi.waitFor(async () => {
      const info = await bot.api.getWebhookInfo();
      expect(info.last_error_message).toBe("Wrong response from the webhook: 401 Unauthorized");
      expect(info.pending_update_count).toBe(1);
    });
    await bot.api.setWebhook(webhookUrl, { secret_token: "s3cret" });
    await sim.waitFor(alice.id, (m) => m.text?.includes("Pick a country") === true);
  });

  it("runs a method call given in the webhook's answer", async () => {
    const app = new Hono();
    app.post("/reply", (c) => c.json({ method: "sendMessage", chat_id: alice.id, text: "answered in the response" }));
    const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" });
    await new Promise((resolve) => server.once("listening", resolve));
    const { port } = server.address() as AddressInfo;
    await bot.api.setWebhook(`http://127.0.0.1:${port}/reply`);
    await sim.sendText(alice, "hi");
    await sim.waitFor(alice.id, (m) => m.text === "answered in the response");
    await new Promise((resolve) => server.close(resolve));
  });
});
