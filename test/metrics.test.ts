import { mkdtempSync, rmSync } from "node:fs";
import { networkInterfaces, tmpdir } from "node:os";
import path from "node:path";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEsimGoSim, type EsimGoSim } from "@esim-shop/esimgo-sim";
import { startTelegramSim, type TelegramSim } from "@esim-shop/telegram-sim";
import { parseConfig, type Environment } from "../src/config.ts";
import { type RunningApp, startApp } from "../src/start.ts";
import { type TestDatabase, testDatabaseTargets } from "./helpers/db.ts";
import { freePort, waitUntil } from "./helpers/process.ts";
import { buttonsOf, HarnessUser, textOf } from "./telegram/harness.ts";

const METRICS_TOKEN = "metrics-test-token-0123456789";
const WEBHOOK_SECRET = "metrics-webhook-secret-0123";
const ADMIN = { id: 6_660_001, first_name: "Mia", language_code: "en" };
const postgres = testDatabaseTargets().find((target) => target.kind === "postgres");

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** The Prometheus text format, samples only. */
function parseExposition(text: string): Sample[] {
  return text
    .split("\n")
    .filter((line) => line !== "" && !line.startsWith("#"))
    .map((line) => {
      const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
      if (!match) throw new Error(`not a sample line: ${line}`);
      const labels = Object.fromEntries([...(match[2] ?? "").matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]));
      return { name: match[1] ?? "", labels, value: Number(match[3]) };
    });
}

/** The value of the one sample with this name and (at least) these labels. */
function valueOf(samples: Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  const found = samples.filter((s) => s.name === name && Object.entries(labels).every(([key, value]) => s.labels[key] === value));
  if (found.length > 1) throw new Error(`${found.length} samples of ${name} ${JSON.stringify(labels)}`);
  return found[0]?.value;
}

/** Starts the product (stand-ins for whatever `env` leaves unset) on PostgreSQL when the suite has one, else embedded. */
async function startProduct(env: Environment, scratch: string): Promise<{ app: RunningApp; database?: TestDatabase }> {
  const database = await postgres?.create();
  const config = parseConfig({ DATA_DIR: path.join(scratch, "data"), HOST: "127.0.0.1", ...(database?.url ? { DATABASE_URL: database.url } : {}), ...env });
  try {
    return { app: await startApp(config, pino({ level: "silent" })), ...(database ? { database } : {}) };
  } catch (error) {
    await database?.close();
    throw error;
  }
}

async function scrape(url: string, token?: string): Promise<{ status: number; contentType: string | null; body: string }> {
  const response = await fetch(url, token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } });
  return { status: response.status, contentType: response.headers.get("content-type"), body: await response.text() };
}

describe("GET /metrics with METRICS_TOKEN, after a sandbox purchase", () => {
  const scratch = mkdtempSync(path.join(tmpdir(), "esim-metrics-"));
  let telegram: TelegramSim;
  let esimgo: EsimGoSim;
  let product: { app: RunningApp; database?: TestDatabase };
  let publicUrl: string;

  beforeAll(async () => {
    telegram = await startTelegramSim({ port: 0, token: "7000003333:AAH-metrics-test-token_0123456789", botUsername: "metrics_test_bot" });
    esimgo = await startEsimGoSim({ port: 0, catalogueSize: "small", rateLimitPerSecond: 0, balance: 500 });
    // The first catalogue read is refused for the rate: the client waits, asks again, and both attempts are counted.
    esimgo.faults.inject({ method: "GET", path: "/catalogue", answer: "http429" });
    const port = await freePort();
    publicUrl = `http://127.0.0.1:${port}`;
    product = await startProduct(
      {
        TELEGRAM_BOT_TOKEN: telegram.token,
        TELEGRAM_API_ROOT: telegram.apiRoot,
        BOT_MODE: "webhook",
        PUBLIC_URL: publicUrl,
        TELEGRAM_WEBHOOK_SECRET: WEBHOOK_SECRET,
        ESIMGO_API_URL: esimgo.baseUrl,
        ESIMGO_API_KEY: esimgo.apiKey,
        PORT: String(port),
        ADMIN_IDS: String(ADMIN.id),
        METRICS_TOKEN,
      },
      scratch,
    );
    esimgo.control.setWebhookUrl(`${publicUrl}/webhooks/esimgo`);
  }, 120_000);

  afterAll(async () => {
    await product?.app.stop();
    await product?.database?.close();
    await telegram?.close();
    await esimgo?.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  it("shows the process's and the shop's families with what happened: updates, provider calls, payment, delivery, webhooks, orders, balance", async () => {
    const user = new HarnessUser(telegram, ADMIN);
    await user.send("/start");
    const plans = await user.openPlans("Germany");
    const details = await user.press(plans, /^b:/);
    const confirm = await user.press(details, /^🛒/);
    const before = user.lastMessageId();
    await user.press(confirm, /^✅/);
    const link = await user.waitFor((m) => m.message_id > before && buttonsOf(m).some((b) => b.url !== undefined));
    const payLink = buttonsOf(link).find((b) => b.url)?.url ?? "";
    const price = /\$([\d.]+)/.exec(textOf(link))?.[1];

    // The checkout page (served by the product at PUBLIC_URL) posts a signed Stripe event to /webhooks/stripe.
    const page = await fetch(payLink).then((response) => response.text());
    const payAction = /<form method="post" action="([^"]+)"><button id="pay"/.exec(page)?.[1] ?? "";
    await (await fetch(new URL(payAction, payLink), { method: "POST", redirect: "manual" })).text();
    await user.waitFor((m) => m.photo !== undefined);
    // The shop's owner asks for the balance: the gauge shows the balance as read now, after the sale.
    await user.send("/balance");
    await user.settled();

    // eSIM Go reports usage (a signed callback), and a forged callback and a forged Telegram update are refused.
    const iccid = esimgo.control.esims()[0]?.iccid ?? "";
    await esimgo.control.advanceUsage(iccid, 10);
    const forged = await fetch(`${publicUrl}/webhooks/esimgo`, { method: "POST", body: "{}", headers: { "x-signature-sha256": "forged" } });
    expect(forged.status).toBe(401);
    const wrongSecret = await fetch(`${publicUrl}/webhooks/telegram`, { method: "POST", body: "{}", headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": "wrong-secret-00000000" } });
    expect(wrongSecret.status).toBe(401);

    // The QR photo goes out just before the order is marked delivered: scrape until the delivery is recorded.
    let answer = await scrape(`${publicUrl}/metrics`, METRICS_TOKEN);
    await waitUntil(
      async () => {
        answer = await scrape(`${publicUrl}/metrics`, METRICS_TOKEN);
        return valueOf(parseExposition(answer.body), "esimshop_fulfilment_seconds_count") === 1;
      },
      30_000,
      "the delivery on /metrics",
    );
    const { status, contentType, body } = answer;
    expect(status).toBe(200);
    expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    const samples = parseExposition(body);
    const value = (name: string, labels?: Record<string, string>) => valueOf(samples, name, labels);

    // prom-client's process defaults.
    expect(value("process_resident_memory_bytes")).toBeGreaterThan(10 * 2 ** 20);
    expect(value("nodejs_eventloop_lag_seconds")).toBeGreaterThanOrEqual(0);
    expect(body).toMatch(/^# TYPE nodejs_gc_duration_seconds histogram$/m);

    expect(value("esimshop_orders", { status: "delivered" })).toBe(1);
    expect(value("esimshop_orders", { status: "paid" })).toBe(0);
    expect(value("esimshop_orders", { status: "pending_payment" })).toBe(0);
    expect(value("esimshop_orders_stuck")).toBe(0);

    expect(value("esimshop_fulfilment_seconds_count")).toBe(1);
    expect(value("esimshop_fulfilment_seconds_sum")).toBeGreaterThan(0);
    expect(value("esimshop_fulfilment_seconds_bucket", { le: "+Inf" })).toBe(1);

    expect(value("esimshop_provider_requests_total", { endpoint: "GET /catalogue", code: "429" })).toBe(1);
    expect(value("esimshop_provider_requests_total", { endpoint: "GET /catalogue", code: "200" })).toBeGreaterThanOrEqual(1);
    // validate at checkout, then the transaction
    expect(value("esimshop_provider_requests_total", { endpoint: "POST /orders", code: "200" })).toBe(2);
    expect(value("esimshop_provider_requests_total", { endpoint: "GET /esims/assignments", code: "200" })).toBeGreaterThanOrEqual(1);
    expect(value("esimshop_provider_request_seconds_count", { endpoint: "POST /orders" })).toBe(2);
    expect(value("esimshop_provider_request_seconds_sum", { endpoint: "POST /orders" })).toBeGreaterThan(0);
    const providerSamples = samples.filter((s) => s.name === "esimshop_provider_requests_total");
    // No ICCID, reference or bundle name in a label: one series per endpoint and code.
    for (const sample of providerSamples) expect(sample.labels.endpoint).toMatch(/^(GET|POST) \/[a-z/{}]*$/);
    const providerCalls = providerSamples.reduce((sum, s) => sum + s.value, 0);
    expect(providerCalls).toBe(esimgo.control.requestCount());

    expect(esimgo.control.getBalance()).toBeLessThan(500);
    expect(value("esimshop_provider_balance")).toBeCloseTo(esimgo.control.getBalance(), 2);

    expect(value("esimshop_payments_total", { method: "stripe", currency: "USD" })).toBe(1);
    expect(price).toBeDefined();

    expect(value("esimshop_webhooks_total", { source: "stripe", outcome: "applied" })).toBeGreaterThanOrEqual(1);
    expect(value("esimshop_webhooks_total", { source: "esimgo", outcome: "applied" })).toBeGreaterThanOrEqual(1);
    expect(value("esimshop_webhooks_total", { source: "esimgo", outcome: "refused" })).toBe(1);
    expect(value("esimshop_webhooks_total", { source: "telegram", outcome: "refused" })).toBe(1);
    // Every update the bot answered came through its webhook: /start, the destination, four presses, /balance.
    expect(value("esimshop_updates_total", { channel: "telegram" })).toBe(7);
    expect(value("esimshop_webhooks_total", { source: "telegram", outcome: "applied" })).toBe(7);
  }, 120_000);

  it("refuses a scrape without the token, with a wrong one, or with another scheme: 401", async () => {
    expect((await scrape(`${publicUrl}/metrics`)).status).toBe(401);
    expect((await scrape(`${publicUrl}/metrics`, "metrics-test-token-0123456780")).status).toBe(401);
    expect((await scrape(`${publicUrl}/metrics`, "")).status).toBe(401);
    const basic = await fetch(`${publicUrl}/metrics`, { headers: { authorization: `Basic ${Buffer.from(`x:${METRICS_TOKEN}`).toString("base64")}` } });
    expect(basic.status).toBe(401);
    expect(basic.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect(await basic.text()).not.toContain("esimshop_");
  });
});

/** This machine's address as another host would reach it, if it has one. */
function outsideAddress(): string | undefined {
  return Object.values(networkInterfaces())
    .flat()
    .find((entry) => entry?.family === "IPv4" && !entry.internal)?.address;
}

describe("/metrics without METRICS_TOKEN", () => {
  const scratch = mkdtempSync(path.join(tmpdir(), "esim-metrics-port-"));
  const closers: (() => Promise<void>)[] = [];

  afterAll(async () => {
    for (const close of closers.reverse()) await close();
    rmSync(scratch, { recursive: true, force: true });
  });

  /** A product on its own Telegram and eSIM Go stand-ins (grammY keeps connections to a Bot API across apps in one process). */
  async function startWith(env: Environment, name: string): Promise<RunningApp> {
    const telegram = await startTelegramSim({ port: 0, token: "7000004444:AAH-metrics-port-test-token_012345", botUsername: "metrics_port_bot" });
    closers.push(() => telegram.close());
    const esimgo = await startEsimGoSim({ port: 0, catalogueSize: "small", rateLimitPerSecond: 0 });
    closers.push(() => esimgo.close());
    const settings = { TELEGRAM_BOT_TOKEN: telegram.token, TELEGRAM_API_ROOT: telegram.apiRoot, ESIMGO_API_URL: esimgo.baseUrl, ESIMGO_API_KEY: esimgo.apiKey, PORT: "0" };
    const { app, database } = await startProduct({ ...settings, ...env }, path.join(scratch, name));
    closers.push(async () => {
      await app.stop();
      await database?.close();
    });
    return app;
  }

  it("is not served at all when neither METRICS_TOKEN nor METRICS_PORT is set: 404", async () => {
    const app = await startWith({}, "none");
    const answer = await scrape(`${app.url}/metrics`);
    expect(answer.status).toBe(404);
    expect(answer.body).not.toContain("esimshop_");
    expect((await scrape(`${app.url}/metrics`, "anything-at-all-0123456789")).status).toBe(404);
  }, 120_000);

  it("with METRICS_PORT is served on 127.0.0.1 at that port, not on the main port, and not on another address", async () => {
    const metricsPort = await freePort();
    const app = await startWith({ METRICS_PORT: String(metricsPort), HOST: "0.0.0.0" }, "port");
    expect((await scrape(`${app.url}/metrics`)).status).toBe(404);
    const answer = await scrape(`http://127.0.0.1:${metricsPort}/metrics`);
    expect(answer.status).toBe(200);
    expect(valueOf(parseExposition(answer.body), "esimshop_orders", { status: "delivered" })).toBe(0);
    expect((await scrape(`http://127.0.0.1:${metricsPort}/`)).status).toBe(404);
    const outside = outsideAddress();
    if (outside) {
      await expect(fetch(`http://${outside}:${metricsPort}/metrics`)).rejects.toThrow();
      // The main port listens on every address: the same address does reach the product itself.
      expect((await fetch(`http://${outside}:${new URL(app.url).port}/healthz`)).status).toBe(200);
    }
  }, 120_000);
});
