import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { PassThrough } from "node:stream";
import pino from "pino";
import { afterAll, describe, expect, it, vi } from "vitest";
import { parseConfig } from "../../src/config.ts";
import { SANDBOX_USER, startSandbox } from "../../src/sandbox/index.ts";

const logger = pino({ level: "silent" });
const scratch = mkdtempSync(path.join(tmpdir(), "esim-sandbox-endpoints-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const REAL = {
  TELEGRAM_BOT_TOKEN: "123456:AAEabcdefghijklmnopqrstuvwxyz012345",
  ESIMGO_API_KEY: "esimgo-live-key-0123456789",
  STRIPE_SECRET_KEY: "sk_live_abcdefghijklmnop",
  STRIPE_WEBHOOK_SECRET: "whsec_abcdefghijklmnop",
  ADMIN_IDS: "111,222",
};

describe("startSandbox", () => {
  it("with every setting present starts and loads nothing: the endpoints are the configured ones", async () => {
    const importer = vi.fn(() => Promise.reject(new Error("no stand-in may be loaded")));
    const sandbox = await startSandbox(parseConfig(REAL), { logger, importer });
    expect(importer).not.toHaveBeenCalled();
    expect(sandbox.endpoints).toEqual({
      esimgo: { apiUrl: "https://api.esim-go.com/v2.4", apiKey: REAL.ESIMGO_API_KEY },
      stripe: { secretKey: REAL.STRIPE_SECRET_KEY, webhookSecret: REAL.STRIPE_WEBHOOK_SECRET },
      telegram: { token: REAL.TELEGRAM_BOT_TOKEN, apiRoot: "https://api.telegram.org" },
      adminIds: [111, 222],
      sandbox: false,
      mounts: [],
    });
    await sandbox.close();
  });

  it("with nothing set starts every stand-in, makes the terminal user an admin and opens the chat on connect", async () => {
    const sandbox = await startSandbox(parseConfig({ DATA_DIR: path.join(scratch, "zero"), ADMIN_IDS: "42" }), { logger, terminal: { input: new PassThrough(), output: screen() } });
    try {
      const { endpoints } = sandbox;
      expect(endpoints).toMatchObject({ adminIds: [42, SANDBOX_USER.id], sandbox: true, mounts: [] });
      expect(endpoints.esimgo.apiUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v2\.4$/);
      expect(endpoints.stripe).toMatchObject({ secretKey: expect.stringMatching(/^sk_test_/), webhookSecret: expect.stringMatching(/^whsec_/), apiUrl: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/) });
      expect(endpoints.telegram?.botInfo?.is_bot).toBe(true);
      const organisation = await fetch(`${endpoints.esimgo.apiUrl}/organisation`, { headers: { "x-api-key": endpoints.esimgo.apiKey } });
      expect(await organisation.json()).toMatchObject({ balance: 1000 });

      sandbox.connect("http://127.0.0.1:9", () => undefined);
      await vi.waitFor(() => expect(printed.join("")).toContain(`Checkout pages: ${endpoints.stripe.apiUrl}`));
      expect(printed.join("")).toContain("Simulated: database (embedded PGlite), eSIM Go (local simulator), Stripe (local checkout page), Telegram (this terminal)");
    } finally {
      await sandbox.close();
    }
  });

  it("with PUBLIC_URL hands the server the checkout pages to mount, and payment links point there", async () => {
    const sandbox = await startSandbox(parseConfig({ TELEGRAM_BOT_TOKEN: REAL.TELEGRAM_BOT_TOKEN, PUBLIC_URL: "http://192.168.1.20:3000" }), { logger });
    try {
      const [mount] = sandbox.endpoints.mounts;
      expect(mount?.path).toBe("/");
      const page = await mount!.app.request("/pay/cs_test_unknown");
      expect(page.status).toBe(404);
      expect(await page.text()).toContain("This payment link is not valid.");

      const stripeApi = sandbox.endpoints.stripe;
      const created = await fetch(`${stripeApi.apiUrl}/v1/checkout/sessions`, {
        method: "POST",
        headers: { authorization: `Bearer ${stripeApi.secretKey}`, "content-type": "application/x-www-form-urlencoded" },
        body: "mode=payment&line_items[0][quantity]=1&line_items[0][price_data][currency]=usd&line_items[0][price_data][unit_amount]=399&line_items[0][price_data][product_data][name]=Germany",
      });
      expect(((await created.json()) as { url: string }).url).toMatch(/^http:\/\/192\.168\.1\.20:3000\/pay\/cs_test_/);
    } finally {
      await sandbox.close();
    }
  });
});

const printed: string[] = [];
function screen(): PassThrough {
  const output = new PassThrough();
  output.on("data", (chunk: Buffer) => printed.push(chunk.toString("utf8")));
  return output;
}
