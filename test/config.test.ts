import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { ConfigError, parseConfig, secretValues, simulatedParts } from "../src/config.ts";
import { loadEnvironment } from "../src/env.ts";
import { createLogger } from "../src/logger.ts";

const REAL = {
  TELEGRAM_BOT_TOKEN: "123456:AAEabcdefghijklmnopqrstuvwxyz012345",
  DATABASE_URL: "postgresql://shop:s3cretpass@db.internal:5432/shop",
  ESIMGO_API_KEY: "esimgo-live-key-0123456789",
  STRIPE_SECRET_KEY: "sk_live_abcdefghijklmnop",
  STRIPE_WEBHOOK_SECRET: "whsec_abcdefghijklmnop",
  ADMIN_IDS: "111,222",
};

function problemsOf(env: Record<string, string>): string[] {
  try {
    parseConfig(env);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
}

describe("configuration", () => {
  it("reads Telegram Stars: off by default at 0.013 a Star, on with its worth, a bad value named", () => {
    expect(parseConfig({}).stars).toEqual({ enabled: false });
    expect(parseConfig({ TELEGRAM_STARS: "on" }).stars).toEqual({ enabled: true, usdPerStar: 0.013 });
    expect(parseConfig({ TELEGRAM_STARS: "on", STARS_USD_PER_STAR: "0.02" }).stars).toEqual({ enabled: true, usdPerStar: 0.02 });
    expect(parseConfig({ TELEGRAM_STARS: "off", STARS_USD_PER_STAR: "0.02" }).stars).toEqual({ enabled: false });
    expect(problemsOf({ TELEGRAM_STARS: "yes", STARS_USD_PER_STAR: "0" })).toEqual([
      "TELEGRAM_STARS: expected on or off",
      "STARS_USD_PER_STAR: expected what one Star is worth to the shop in US dollars, between 0.001 and 1 (e.g. 0.013)",
    ]);
  });

  it("reads the Checkout options: promotion codes and Adaptive Pricing, off by default, a bad value named", () => {
    expect(parseConfig({}).checkout).toEqual({ promotionCodes: false, adaptivePricing: false });
    expect(parseConfig({ STRIPE_PROMOTION_CODES: "on", STRIPE_ADAPTIVE_PRICING: "on" }).checkout).toEqual({ promotionCodes: true, adaptivePricing: true });
    expect(problemsOf({ STRIPE_PROMOTION_CODES: "yes", STRIPE_ADAPTIVE_PRICING: "1" })).toEqual(["STRIPE_PROMOTION_CODES: expected on or off", "STRIPE_ADAPTIVE_PRICING: expected on or off"]);
  });

  it("refuses Stars paid at a simulated Telegram when the eSIMs are real", () => {
    const starsProblem = expect.stringMatching(/^TELEGRAM_STARS: a real eSIM Go key needs the real Telegram/);
    const realShop = { ESIMGO_API_KEY: REAL.ESIMGO_API_KEY, STRIPE_SECRET_KEY: "sk_test_a1", STRIPE_WEBHOOK_SECRET: "whsec_x1", TELEGRAM_STARS: "on" };
    expect(problemsOf(realShop)).toEqual([starsProblem]);
    expect(problemsOf({ ...realShop, TELEGRAM_BOT_TOKEN: REAL.TELEGRAM_BOT_TOKEN, TELEGRAM_API_ROOT: "http://127.0.0.1:8081" })).toEqual([starsProblem]);
    expect(problemsOf({ ...realShop, TELEGRAM_BOT_TOKEN: REAL.TELEGRAM_BOT_TOKEN })).toEqual([]);
    expect(problemsOf({ TELEGRAM_STARS: "on" })).toEqual([]);
  });

  it("starts with nothing set: every outside part simulated, documented defaults", () => {
    const config = parseConfig({});
    expect(simulatedParts(config)).toEqual({ database: true, esimgo: true, stripe: true, telegram: true, whatsapp: false });
    expect(config.http.port).toBe(3000);
    expect(config.database.dataDir).toBe("./data");
    expect(config.telegram).toEqual({ simulated: true, mode: "polling", adminIds: [] });
    expect(config.esimgo).toEqual({ simulated: true, embedded: true, balance: 1000 });
    expect(config.stripe).toEqual({ simulated: true });
    expect(parseConfig({ ESIMGO_API_KEY: "k", STRIPE_SECRET_KEY: "sk_test_a1", STRIPE_WEBHOOK_SECRET: "whsec_x1", TELEGRAM_BOT_TOKEN: REAL.TELEGRAM_BOT_TOKEN })).toMatchObject({
      telegram: { simulated: false, apiRoot: "https://api.telegram.org", mode: "polling" },
      esimgo: { simulated: false, apiUrl: "https://api.esim-go.com/v2.4" },
    });
    expect(config.checkoutExpiryMinutes).toBe(30);
    expect(config.pricing).toEqual({ markupPercent: 35, fixedFeeMinor: 50, minMarginMinor: 100, rounding: "99" });
  });

  it("names every bad key at once, with what it expects", () => {
    const problems = problemsOf({ PORT: "abc", DATABASE_URL: "mysql:/nope", ADMIN_IDS: "12,abc", BOT_MODE: "push" });
    expect(problems).toHaveLength(4);
    expect(problems.join("\n")).toMatch(/PORT: expected a port number/);
    expect(problems.join("\n")).toMatch(/DATABASE_URL: expected a PostgreSQL URL/);
    expect(problems.join("\n")).toMatch(/ADMIN_IDS: expected comma-separated Telegram user ids/);
    expect(problems.join("\n")).toMatch(/BOT_MODE: expected polling or webhook/);
  });

  it("names a bad value and a missing one together, in one message", () => {
    const { DATABASE_URL: _omit, ...withoutDatabase } = REAL;
    const problems = problemsOf({ ...withoutDatabase, NODE_ENV: "production", PORT: "abc", TELEGRAM_BOT_TOKEN: "nonsense" });
    expect(problems).toEqual([
      expect.stringMatching(/^TELEGRAM_BOT_TOKEN: expected a bot token/),
      expect.stringMatching(/^PORT: expected a port number/),
      expect.stringMatching(/^DATABASE_URL: required when NODE_ENV=production/),
    ]);
  });

  it("never echoes a secret in its messages", () => {
    const message = problemsOf({ TELEGRAM_BOT_TOKEN: "not-a-token-but-secret-value", STRIPE_SECRET_KEY: "pk_live_secret123456" }).join("\n");
    expect(message).toContain("TELEGRAM_BOT_TOKEN");
    expect(message).not.toContain("not-a-token-but-secret-value");
    expect(message).not.toContain("pk_live_secret123456");
  });

  it("accepts a complete production setup", () => {
    const config = parseConfig({ ...REAL, NODE_ENV: "production" });
    expect(simulatedParts(config)).toEqual({ database: false, esimgo: false, stripe: false, telegram: false, whatsapp: false });
    expect(config.telegram.adminIds).toEqual([111, 222]);
    expect(config.stripe).toEqual({ simulated: false, secretKey: REAL.STRIPE_SECRET_KEY, webhookSecret: REAL.STRIPE_WEBHOOK_SECRET });
    expect(config.esimgo).toEqual({ simulated: false, apiKey: REAL.ESIMGO_API_KEY, apiUrl: "https://api.esim-go.com/v2.4" });
  });

  it("refuses production with any simulated part", () => {
    const { DATABASE_URL: _omit, ...withoutDatabase } = REAL;
    expect(problemsOf({ ...withoutDatabase, NODE_ENV: "production" })).toEqual([expect.stringMatching(/^DATABASE_URL: required when NODE_ENV=production/)]);
    expect(problemsOf({ NODE_ENV: "production" }).length).toBeGreaterThanOrEqual(4);
  });

  it("refuses real money with a fake provider, both ways", () => {
    expect(problemsOf({ STRIPE_SECRET_KEY: "sk_live_abc123", STRIPE_WEBHOOK_SECRET: "whsec_x1" }).join()).toMatch(/live Stripe key needs a real eSIM Go/);
    expect(problemsOf({ ESIMGO_API_KEY: "real-key-123" }).join()).toMatch(/real eSIM Go key needs a real Stripe/);
    expect(problemsOf({ STRIPE_SECRET_KEY: "sk_test_abc123", STRIPE_WEBHOOK_SECRET: "whsec_x1" })).toEqual([]);
  });

  it("an eSIM Go on this machine is the standalone simulator: fine with the checkout stand-in, refused in production", () => {
    for (const url of ["http://127.0.0.1:4010/v2.4", "http://localhost:4010/v2.4", "http://[::1]:4010/v2.4"]) {
      const config = parseConfig({ ESIMGO_API_URL: url, ESIMGO_API_KEY: "sim-key" });
      expect(config.esimgo, url).toEqual({ simulated: true, apiKey: "sim-key", apiUrl: url });
    }
    const local = { ESIMGO_API_URL: "http://127.0.0.1:4010/v2.4" };
    const problems = problemsOf({ ...REAL, ...local, NODE_ENV: "production" }).join("\n");
    expect(problems).toMatch(/^ESIMGO_API_URL: must not point at this machine when NODE_ENV=production/m);
    expect(problems).not.toMatch(/^ESIMGO_API_KEY/m);
    expect(problems).toMatch(/live Stripe key needs a real eSIM Go/);
    expect(parseConfig({ ESIMGO_API_URL: "http://127.0.0.2.example.com/v2.4", ESIMGO_API_KEY: "k", STRIPE_SECRET_KEY: "sk_test_a1", STRIPE_WEBHOOK_SECRET: "whsec_x1" }).esimgo.simulated).toBe(false);
  });

  it("requires what webhook mode needs, and then carries it in the webhook variant", () => {
    expect(problemsOf({ BOT_MODE: "webhook", TELEGRAM_BOT_TOKEN: REAL.TELEGRAM_BOT_TOKEN }).join("\n")).toMatch(/PUBLIC_URL[\s\S]*TELEGRAM_WEBHOOK_SECRET/);
    const config = parseConfig({ BOT_MODE: "webhook", TELEGRAM_BOT_TOKEN: REAL.TELEGRAM_BOT_TOKEN, PUBLIC_URL: "https://shop.example/", TELEGRAM_WEBHOOK_SECRET: "a-webhook-secret-0123" });
    expect(config.telegram).toEqual({
      simulated: false,
      token: REAL.TELEGRAM_BOT_TOKEN,
      apiRoot: "https://api.telegram.org",
      mode: "webhook",
      publicUrl: "https://shop.example",
      webhookSecret: "a-webhook-secret-0123",
      adminIds: [],
    });
    expect(config.publicUrl).toBe("https://shop.example");
    expect(secretValues(config)).toContain("a-webhook-secret-0123");
  });

  it("metrics: off by default; a token or a loopback port; every bad metrics setting named at once, the token kept secret", () => {
    expect(parseConfig({}).metrics).toEqual({ token: undefined, port: undefined });
    const token = "a-metrics-token-0123456789";
    const config = parseConfig({ METRICS_TOKEN: token, METRICS_PORT: "9464" });
    expect(config.metrics).toEqual({ token, port: 9464 });
    expect(secretValues(config)).toContain(token);
    const problems = problemsOf({ METRICS_TOKEN: "short", METRICS_PORT: "99999", PORT: "abc" });
    expect(problems).toEqual([
      expect.stringMatching(/^PORT: expected a port number/),
      "METRICS_TOKEN: expected 16-256 printable characters without spaces",
      "METRICS_PORT: expected a port number 0-65535",
    ]);
    expect(problemsOf({ METRICS_TOKEN: "has a space in it 0123" })).toEqual(["METRICS_TOKEN: expected 16-256 printable characters without spaces"]);
    expect(problemsOf({ METRICS_PORT: "3000" })).toEqual(["METRICS_PORT: must differ from PORT (it is a second server, on 127.0.0.1)"]);
  });

  it("names STRIPE_API_URL in production even when the Stripe key is missing too", () => {
    const problems = problemsOf({ NODE_ENV: "production", STRIPE_API_URL: "http://127.0.0.1:12111" }).join("\n");
    expect(problems).toMatch(/^STRIPE_SECRET_KEY: required when NODE_ENV=production/m);
    expect(problems).toMatch(/^STRIPE_API_URL: must be unset when NODE_ENV=production/m);
  });
});

describe("logger", () => {
  it("scrubs secret values and secret keys from every line", async () => {
    const config = parseConfig({ ...REAL });
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) });
    const logger = createLogger({ level: "info", secrets: secretValues(config), destination: sink });
    logger.error({ err: new Error(`GET https://api.telegram.org/bot${REAL.TELEGRAM_BOT_TOKEN}/getMe failed`) }, "telegram down");
    logger.info({ headers: { "x-api-key": "whatever-key", authorization: "Bearer x" }, config }, "request");
    const output = lines.join("");
    for (const secret of [REAL.TELEGRAM_BOT_TOKEN, REAL.ESIMGO_API_KEY, REAL.STRIPE_SECRET_KEY, REAL.STRIPE_WEBHOOK_SECRET, "s3cretpass", "whatever-key"]) {
      expect(output).not.toContain(secret);
    }
    expect(output).toContain("[REDACTED]");
    expect(output).toContain("telegram down");
  });
});

describe("the .env file", () => {
  const touched = ["ESIM_TEST_FROM_BOTH", "ESIM_TEST_ONLY_FILE"];
  afterEach(() => {
    for (const key of touched) delete process.env[key];
  });

  function envFile(text: string): string {
    const file = path.join(mkdtempSync(path.join(tmpdir(), "esim-env-")), ".env");
    writeFileSync(file, text);
    return file;
  }

  it("is read when present; a real environment variable wins over it", () => {
    process.env.ESIM_TEST_FROM_BOTH = "from-the-environment";
    const env = loadEnvironment(envFile("ESIM_TEST_FROM_BOTH=from-the-file\nESIM_TEST_ONLY_FILE=only-in-the-file\n# a comment\n"));
    expect(env.ESIM_TEST_FROM_BOTH).toBe("from-the-environment");
    expect(env.ESIM_TEST_ONLY_FILE).toBe("only-in-the-file");
  });

  it("is optional", () => {
    expect(() => loadEnvironment(path.join(tmpdir(), "no-such-dir-esim", ".env"))).not.toThrow();
  });

  it("feeds the same validation: a bad value there is named by its key", () => {
    const env = loadEnvironment(envFile("PORT=abc\nLOG_LEVEL=loud\n"));
    let problems: string[] = [];
    try {
      parseConfig({ ...env, PORT: env.PORT, LOG_LEVEL: env.LOG_LEVEL });
    } catch (error) {
      if (error instanceof ConfigError) problems = error.problems;
    }
    expect(problems.join("\n")).toMatch(/PORT: expected a port number/);
    expect(problems.join("\n")).toMatch(/LOG_LEVEL: expected fatal, error/);
  });
});

describe("logger scrubbing, harder cases", () => {
  it("hides a database password however a log line spells it: decoded, percent-encoded, JSON-escaped", () => {
    const config = parseConfig({ DATABASE_URL: 'postgresql://shop:p%40ss%22word%5C99@db.internal:5432/shop' });
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) });
    const logger = createLogger({ level: "info", secrets: secretValues(config), destination: sink });
    logger.error({ err: new Error('auth failed for p@ss"word\\99') }, "database down");
    logger.info({ url: config.database.url }, "connecting");
    const output = lines.join("");
    expect(output).not.toContain("p%40ss%22word%5C99");
    expect(output).not.toContain('p@ss\\"word');
    expect(output).not.toContain("p@ss");
    expect(output).toContain("database down");
    expect(output).toMatch(/"url":"postgresql:\/\/shop:\[REDACTED\]@db\.internal:5432\/shop"/);
  });
});

const WHATSAPP = {
  WHATSAPP_ACCESS_TOKEN: "EAAGwhatsappaccesstoken0123456789",
  WHATSAPP_PHONE_NUMBER_ID: "106540352242922",
  WHATSAPP_APP_SECRET: "0123456789abcdef0123456789abcdef",
  WHATSAPP_VERIFY_TOKEN: "verify-me-please",
  WHATSAPP_TEMPLATE_ESIM_READY: "esim_ready",
  WHATSAPP_ADMIN_IDS: "447700900123,US.13491208655302741918",
};

describe("configuration: channels and the hardening of money settings", () => {
  it("runs WhatsApp alone, Telegram alone, or both; the sandbox chats on the channel SANDBOX_CHANNEL names", () => {
    const { TELEGRAM_BOT_TOKEN: _token, ...withoutTelegram } = REAL;
    const whatsappOnly = parseConfig({ ...withoutTelegram, ...WHATSAPP, NODE_ENV: "production" });
    expect(whatsappOnly.telegram).toMatchObject({ simulated: false, mode: "off" });
    expect(whatsappOnly.whatsapp).toMatchObject({ mode: "on", phoneNumberId: "106540352242922", adminIds: ["447700900123", "US.13491208655302741918"], template: { name: "esim_ready", languages: { en: "en", ru: "ru", tr: "tr" } } });
    expect(parseConfig({ ...REAL, ...WHATSAPP })).toMatchObject({ telegram: { mode: "polling", simulated: false }, whatsapp: { mode: "on" } });
    expect(parseConfig({ SANDBOX_CHANNEL: "whatsapp" })).toMatchObject({ telegram: { mode: "off" }, whatsapp: { mode: "simulated" } });
    expect(simulatedParts(parseConfig({ SANDBOX_CHANNEL: "whatsapp" }))).toMatchObject({ telegram: false, whatsapp: true });
    expect(secretValues(whatsappOnly)).toEqual(expect.arrayContaining([WHATSAPP.WHATSAPP_ACCESS_TOKEN, WHATSAPP.WHATSAPP_APP_SECRET, WHATSAPP.WHATSAPP_VERIFY_TOKEN]));
  });

  it("refuses a half-configured WhatsApp, and a production start with no channel at all", () => {
    const { WHATSAPP_APP_SECRET: _secret, WHATSAPP_TEMPLATE_ESIM_READY: _template, ...half } = WHATSAPP;
    expect(problemsOf({ ...REAL, ...half })).toEqual([
      expect.stringMatching(/^WHATSAPP_APP_SECRET: required with the other WhatsApp settings/),
      expect.stringMatching(/^WHATSAPP_TEMPLATE_ESIM_READY: required with the other WhatsApp settings/),
    ]);
    const { TELEGRAM_BOT_TOKEN: _token, ...noChannel } = REAL;
    expect(problemsOf({ ...noChannel, NODE_ENV: "production" })).toEqual([expect.stringMatching(/^TELEGRAM_BOT_TOKEN: required when NODE_ENV=production unless WhatsApp is configured/)]);
    const { WHATSAPP_ADMIN_IDS: _admins, ...noAdmins } = WHATSAPP;
    expect(problemsOf({ ...noChannel, ...noAdmins, NODE_ENV: "production" })).toEqual([expect.stringMatching(/^WHATSAPP_ADMIN_IDS: required when NODE_ENV=production/)]);
  });

  it("refuses a Stripe test key in production: a test payment must never buy a real eSIM", () => {
    expect(problemsOf({ ...REAL, NODE_ENV: "production", STRIPE_SECRET_KEY: "sk_test_abcdefghijklmnop" })).toEqual([expect.stringMatching(/^STRIPE_SECRET_KEY: a test key cannot take real money/)]);
    expect(problemsOf({ ...REAL, NODE_ENV: "production", STRIPE_SECRET_KEY: "rk_test_abcdefghijklmnop" })).toHaveLength(1);
    expect(problemsOf({ ...REAL, NODE_ENV: "production", STRIPE_SECRET_KEY: "rk_live_abcdefghijklmnop" })).toEqual([]);
  });

  it("refuses a checkout expiry that would push a link past Stripe's 24 hours", () => {
    expect(parseConfig({ CHECKOUT_EXPIRY_MINUTES: "1438" }).checkoutExpiryMinutes).toBe(1438);
    for (const minutes of ["1439", "1440"]) expect(problemsOf({ CHECKOUT_EXPIRY_MINUTES: minutes })).toEqual([expect.stringMatching(/^CHECKOUT_EXPIRY_MINUTES: expected minutes between 30 and 1438/)]);
  });

  it.each(["http://0.0.0.0:4010/v2.4", "http://[::ffff:127.0.0.1]:4010/v2.4", "http://localhost.:4010/v2.4", "http://127.8.9.10/v2.4", "http://[::1]:4010/v2.4", "http://api.localhost/v2.4"])(
    "counts %s as this machine: never a real eSIM Go, refused in production",
    (url) => {
      expect(simulatedParts(parseConfig({ ESIMGO_API_KEY: "k", ESIMGO_API_URL: url })).esimgo).toBe(true);
      expect(problemsOf({ ...REAL, NODE_ENV: "production", ESIMGO_API_URL: url })).toContainEqual(expect.stringMatching(/^ESIMGO_API_URL: must not point at this machine/));
    },
  );
});
