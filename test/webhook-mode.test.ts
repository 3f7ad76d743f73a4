import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningApp, startApp } from "../src/start.ts";
import { parseConfig } from "../src/config.ts";
import { startTelegramSim } from "@esim-shop/telegram-sim";
import { freePort } from "./helpers/process.ts";

const TOKEN = "7000001:AAH-webhook-mode-test-token_0123";
const SECRET = "webhook-secret-0123456789";
const traveller = { id: 5_550_001, first_name: "Ada", language_code: "en" };

describe("telegram webhook mode", () => {
  let telegram: Awaited<ReturnType<typeof startTelegramSim>>;
  let app: RunningApp;
  let publicUrl: string;
  const scratch = mkdtempSync(path.join(tmpdir(), "esim-webhook-"));

  beforeAll(async () => {
    telegram = await startTelegramSim({ port: 0, token: TOKEN, botUsername: "webhook_test_bot" });
    const port = await freePort();
    publicUrl = `http://127.0.0.1:${port}`;
    const config = parseConfig({
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_API_ROOT: telegram.apiRoot,
      BOT_MODE: "webhook",
      PUBLIC_URL: publicUrl,
      TELEGRAM_WEBHOOK_SECRET: SECRET,
      DATA_DIR: path.join(scratch, "data"),
      PORT: String(port),
      HOST: "127.0.0.1",
    });
    app = await startApp(config, pino({ level: "silent" }));
  }, 120_000);

  afterAll(async () => {
    await app?.stop();
    await telegram?.close();
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
});
