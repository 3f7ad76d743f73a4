import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningApp, startApp } from "../src/start.ts";
import { parseConfig } from "../src/config.ts";
import { startEsimGoSim } from "@esim-shop/esimgo-sim";
import { startTelegramSim, type SimMessage } from "@esim-shop/telegram-sim";
import { freePort } from "./helpers/process.ts";

const TOKEN = "7000001:AAH-webhook-mode-test-token_0123";
const SECRET = "webhook-secret-0123456789";
const traveller = { id: 5_550_001, first_name: "Ada", language_code: "en" };

describe("telegram webhook mode", () => {
  let telegram: Awaited<ReturnType<typeof startTelegramSim>>;
  let esimgo: Awaited<ReturnType<typeof startEsimGoSim>>;
  let app: RunningApp;
  let publicUrl: string;
  const scratch = mkdtempSync(path.join(tmpdir(), "esim-webhook-"));

  beforeAll(async () => {
    telegram = await startTelegramSim({ port: 0, token: TOKEN, botUsername: "webhook_test_bot" });
    esimgo = await startEsimGoSim({ port: 0, catalogueSize: "small", rateLimitPerSecond: 0 });
    const port = await freePort();
    publicUrl = `http://127.0.0.1:${port}`;
    const config = parseConfig({
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_API_ROOT: telegram.apiRoot,
      BOT_MODE: "webhook",
      PUBLIC_URL: publicUrl,
      TELEGRAM_WEBHOOK_SECRET: SECRET,
      ESIMGO_API_URL: esimgo.baseUrl,
      ESIMGO_API_KEY: esimgo.apiKey,
      DATA_DIR: path.join(scratch, "data"),
      PORT: String(port),
      HOST: "127.0.0.1",
    });
    app = await startApp(config, pino({ level: "silent" }));
  }, 120_000);

  afterAll(async () => {
    await app?.stop();
    await telegram?.close();
    await esimgo?.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  it("registers PUBLIC_URL/webhooks/telegram with the secret and answers updates Telegram posts there", async () => {
    const registration = telegram.calls("setWebhook").at(-1)?.payload;
    expect(registration).toMatchObject({ url: `${publicUrl}/webhooks/telegram`, secret_token: SECRET });

    await telegram.sendText(traveller, "/start");
    const welcome = await telegram.waitFor(traveller.id, (m) => m.from === "bot", 30_000);
    expect(welcome.plainText ?? welcome.text).toMatch(/SANDBOX/);
  });

  it("refuses a request without the right secret header and handles nothing", async () => {
    const before = telegram.messages(traveller.id).length;
    const update = { update_id: 9_999_001, message: { message_id: 77, date: 0, chat: { id: traveller.id, type: "private" }, from: { ...traveller, is_bot: false }, text: "/start" } };
    const wrongHeaders: Record<string, string>[] = [{}, { "x-telegram-bot-api-secret-token": "wrong-secret-value-000" }];
    for (const headers of wrongHeaders) {
      const response = await fetch(`${publicUrl}/webhooks/telegram`, { method: "POST", body: JSON.stringify(update), headers: { "content-type": "application/json", ...headers } });
      expect(response.status).toBe(401);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(telegram.messages(traveller.id)).toHaveLength(before);
  });

  it("runs one Pay once even when the checkout outlasts Telegram's patience: answered in time, never delivered again", async () => {
    const buyer = { id: 5_550_002, first_name: "Bea", language_code: "en" };
    const next = (after: number) => telegram.waitFor(buyer.id, (m) => m.from === "bot" && m.message_id > after, 30_000);
    const press = async (message: SimMessage, data: RegExp) => {
      const button = ((message.reply_markup?.inline_keyboard ?? []) as { text: string; callback_data?: string }[][]).flat().find((b) => b.callback_data && data.test(b.callback_data));
      if (!button?.callback_data) throw new Error(`no button ${String(data)}`);
      await telegram.pressButton(buyer, message.message_id, button.callback_data);
    };
    const latest = () => telegram.messages(buyer.id).filter((m) => m.from === "bot").at(-1)!;
    await telegram.sendText(buyer, "Germany");
    const chooser = await next(0);
    await press(chooser, /^o:DE:0$/);
    await telegram.waitFor(buyer.id, (m) => /eSIM plans/.test(m.plainText ?? m.text ?? ""), 30_000);
    await press(latest(), /^b:DE:/);
    await telegram.waitFor(buyer.id, (m) => /Price:/.test(m.plainText ?? m.text ?? ""), 30_000);
    await press(latest(), /^k:DE:/);
    await telegram.waitFor(buyer.id, (m) => /check your order/.test(m.plainText ?? m.text ?? ""), 30_000);

    // eSIM Go takes 11 s to validate: longer than a webhook call may take.
    const validatesBefore = esimgo.control.requestCount("POST /orders");
    esimgo.faults.inject({ method: "POST", path: "/orders", times: 1, delayMs: 11_000 });
    const before = latest().message_id;
    await press(latest(), /^p:DE:/);
    await telegram.waitFor(buyer.id, (m) => m.message_id > before && /payment link is ready/.test(m.plainText ?? m.text ?? ""), 40_000);
    // Time for a second delivery of the same Pay to show, had Telegram been made to send it again.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(esimgo.control.requestCount("POST /orders") - validatesBefore).toBe(1);
    expect(telegram.messages(buyer.id).filter((m) => /payment link is ready/.test(m.plainText ?? m.text ?? ""))).toHaveLength(1);
  }, 90_000);
});
