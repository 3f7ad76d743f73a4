import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { PNG } from "pngjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTelegramSim, type SimMessage, type SimUser, type TelegramSim } from "@esim-shop/telegram-sim";
import { openDatabase } from "../../src/db/index.ts";
import { type TestDatabase, testDatabaseTargets } from "../helpers/db.ts";
import { freePort, httpStatus, type RunningProcess, startProduct, waitUntil } from "../helpers/process.ts";
import { SCENARIO_TIMEOUT_MS, START_TIMEOUT_MS } from "./screen.ts";

const jsQR = createRequire(import.meta.url)("jsqr") as typeof import("jsqr").default;

const SANDBOX_MARKER = "🧪 SANDBOX";
const ANSWER_TIMEOUT_MS = 45_000;
const traveller: SimUser = { id: 55_501, first_name: "Pia", username: "pia_travels", language_code: "en" };

function buttonOf(message: SimMessage, text: RegExp): { text: string; callback_data?: string; url?: string } {
  const rows = (message.reply_markup?.inline_keyboard ?? []) as { text: string; callback_data?: string; url?: string }[][];
  const button = rows.flat().find((b) => text.test(b.text));
  if (!button) throw new Error(`no button ${text} on message ${message.message_id}: ${JSON.stringify(rows)}`);
  return button;
}

// TELEGRAM_BOT_TOKEN and PUBLIC_URL set, no provider keys: the bot runs on (this stand-in for) real Telegram with simulated
// eSIM Go and Stripe, and payment links point at PUBLIC_URL (the product serves the checkout pages there) so a phone can open them.
describe("npm start with only a bot token and PUBLIC_URL: the sandbox on real Telegram", () => {
  let telegram: TelegramSim;
  let product: RunningProcess;
  let port: number;
  let dataDir: string;
  // With TEST_DATABASE_URL the product runs on a fresh PostgreSQL database; otherwise on its embedded one.
  let postgres: TestDatabase | undefined;

  beforeAll(async () => {
    telegram = await startTelegramSim({ port: 0, token: `7000001234:${"AAHsandboxTokenForTheTest".padEnd(35, "x")}`, botUsername: "esim_phone_test_bot" });
    port = await freePort();
    dataDir = path.join(mkdtempSync(path.join(tmpdir(), "esim-token-")), "data");
    postgres = await testDatabaseTargets()
      .find((target) => target.kind === "postgres")
      ?.create();
    const database: Record<string, string> = postgres?.url ? { DATABASE_URL: postgres.url } : {};
    product = startProduct({
      DATA_DIR: dataDir,
      PORT: String(port),
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      TELEGRAM_BOT_TOKEN: telegram.token,
      TELEGRAM_API_ROOT: telegram.apiRoot,
      ...database,
    });
    await waitUntil(async () => (await httpStatus(`http://127.0.0.1:${port}/readyz`)) === 200 && /long polling started/.test(product.output()), START_TIMEOUT_MS, `the bot to poll: ${product.output()}`);
  }, START_TIMEOUT_MS + 10_000);

  afterAll(async () => {
    product?.child.kill("SIGKILL");
    await product?.exited;
    await telegram?.close();
    await postgres?.close();
    if (dataDir) rmSync(path.dirname(dataDir), { recursive: true, force: true });
  });

  it("says SANDBOX at start-up and in every message, and sells a (simulated) eSIM through the local checkout page", async () => {
    expect(product.output()).toMatch(/SANDBOX: some providers are simulated/);

    await telegram.sendText(traveller, "/start");
    await telegram.waitFor(traveller.id, (m) => /Hello, Pia!/.test(m.plainText ?? ""), ANSWER_TIMEOUT_MS);
    await telegram.sendText(traveller, "Germany");
    const chooser = await telegram.waitFor(traveller.id, (m) => /Germany: how long is your trip/.test(m.plainText ?? ""), ANSWER_TIMEOUT_MS);
    await press(chooser, /All plans/);
    const plans = await answer(/Germany: eSIM plans/, /1 GB · 7 days/);
    await press(plans, /^🇩🇪 1 GB · 7 days/);
    await press(await answer(/Price:/, /Buy for/), /Buy for/);
    await press(await answer(/Please check your order/, /Pay/), /Pay/);
    const payButton = buttonOf(await answer(/Your payment link is ready/, /Pay/), /Pay/);
    const payLink = payButton.url ?? "";
    const priceMinor = Math.round(Number(/\$([\d.]+)/.exec(payButton.text)?.[1]) * 100);
    expect(payLink.startsWith(`http://127.0.0.1:${port}/pay/`)).toBe(true);

    const page = await fetch(payLink).then((response) => response.text());
    expect(page).toMatch(/id="sandbox-banner"[^>]*>SANDBOX/);
    const payAction = /<form method="post" action="([^"]+)"><button id="pay"/.exec(page)?.[1] ?? "";
    const returned = await (await fetch(new URL(payAction, payLink), { method: "POST", redirect: "manual" })).text();
    expect(returned).toContain('href="https://t.me/esim_phone_test_bot');

    const delivery = await telegram.waitFor(traveller.id, (m) => m.photo !== undefined, ANSWER_TIMEOUT_MS);
    const smdp = /SM-DP\+ address: (\S+)/.exec(delivery.plainText ?? "")?.[1];
    const code = /Activation code: (\S+)/.exec(delivery.plainText ?? "")?.[1];
    const image = PNG.sync.read(delivery.photo?.png ?? Buffer.alloc(0));
    expect(jsQR(new Uint8ClampedArray(image.data), image.width, image.height)?.data).toBe(`LPA:1$${smdp}$${code}`);

    const fromBot = telegram.messages(traveller.id).filter((m) => m.from === "bot");
    expect(fromBot.length).toBeGreaterThanOrEqual(4);
    for (const message of fromBot) expect(message.plainText ?? "").toMatch(new RegExp(`^${SANDBOX_MARKER}`, "u"));

    // SIGTERM (what a service manager sends; test/startup.test.ts covers Ctrl-C's SIGINT): a clean stop.
    product.child.kill("SIGTERM");
    expect(await product.exited).toBe(0);
    expect(product.output()).toMatch(/"signal":"SIGTERM".*shutting down[^]*"msg":"stopped"/);
    // The whole run's logs (stdout here: the chat is on Telegram) never show the bot token.
    expect(product.output()).toContain("long polling started");
    expect(product.output()).not.toContain(telegram.token.split(":")[1]);
    const sessionId = new URL(payLink).pathname.split("/").pop();
    const database = postgres ?? (await openDatabase({ dataDir }));
    try {
      const orders = await database.db.selectFrom("orders").select(["status", "stripe_session_id", "price_minor", "currency", "paid_at", "delivered_at"]).execute();
      expect(orders).toEqual([
        expect.objectContaining({ status: "delivered", stripe_session_id: sessionId, price_minor: priceMinor, currency: expect.stringMatching(/^usd$/i), paid_at: expect.anything(), delivered_at: expect.anything() }),
      ]);
    } finally {
      if (!postgres) await database.close();
    }
  }, SCENARIO_TIMEOUT_MS);

  async function press(message: SimMessage, text: RegExp): Promise<void> {
    await telegram.pressButton(traveller, message.message_id, buttonOf(message, text).callback_data ?? "");
  }

  /** The bot's message (new or edited in place) showing `text` with a button `button`. */
  function answer(text: RegExp, button: RegExp): Promise<SimMessage> {
    const hasButton = (m: SimMessage) => ((m.reply_markup?.inline_keyboard ?? []) as { text: string }[][]).flat().some((b) => button.test(b.text));
    return telegram.waitFor(traveller.id, (m) => text.test(m.plainText ?? "") && hasButton(m), ANSWER_TIMEOUT_MS);
  }
});
