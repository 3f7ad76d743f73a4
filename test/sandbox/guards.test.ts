import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { startProduct } from "../helpers/process.ts";

const REAL_TELEGRAM = { TELEGRAM_BOT_TOKEN: "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw" };
const REAL_STRIPE = { STRIPE_SECRET_KEY: "sk_live_51Hx0000000000000000", STRIPE_WEBHOOK_SECRET: "whsec_0000000000000000" };
const REAL_ESIMGO = { ESIMGO_API_KEY: "esimgo-live-key-0000000000" };

describe.concurrent("start-up guards: real and simulated parts that must never meet", () => {
  it.each([
    ["a live Stripe key with a simulated eSIM Go", REAL_STRIPE, [/STRIPE_SECRET_KEY: a live Stripe key needs a real eSIM Go \(ESIMGO_API_KEY set, ESIMGO_API_URL not on this machine\)/]],
    ["a real eSIM Go key with a simulated Stripe", REAL_ESIMGO, [/a real eSIM Go key needs a real Stripe \(set STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET\)/]],
    [
      "NODE_ENV=production with nothing set",
      { NODE_ENV: "production" },
      ["TELEGRAM_BOT_TOKEN", "DATABASE_URL", "ESIMGO_API_KEY", "STRIPE_SECRET_KEY", "ADMIN_IDS"].map((key) => new RegExp(`${key}: required when NODE_ENV=production`)),
    ],
    [
      "NODE_ENV=production with real providers but the embedded database",
      { NODE_ENV: "production", ADMIN_IDS: "42", ...REAL_TELEGRAM, ...REAL_STRIPE, ...REAL_ESIMGO },
      [/DATABASE_URL: required when NODE_ENV=production/],
    ],
  ])("refuses %s: exits non-zero with the reason and writes nothing", async (_what, env, messages) => {
    const dataDir = path.join(mkdtempSync(path.join(tmpdir(), "esim-guard-")), "data");
    const run = startProduct({ ...env, DATA_DIR: dataDir });
    const code = await run.exited;
    expect(code).not.toBe(0);
    for (const message of messages) expect(run.output()).toMatch(message);
    expect(run.output()).not.toMatch(/SANDBOX|listening/);
    expect(run.output()).not.toMatch(/^\s+at .+[:)]/m);
    expect(existsSync(dataDir)).toBe(false);
    rmSync(path.dirname(dataDir), { recursive: true, force: true });
  });
});
