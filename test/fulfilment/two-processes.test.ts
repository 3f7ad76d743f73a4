import { afterEach, describe, expect, it } from "vitest";
import { startTelegramSim } from "@esim-shop/telegram-sim";
import { testDatabaseTargets, type TestDatabase } from "../helpers/db.ts";
import { freePort, httpStatus, startProduct, waitUntil, type RunningProcess } from "../helpers/process.ts";
import { telegramCustomer } from "../helpers/customers.ts";
import { BUNDLE, startHarness, STRIPE_SECRET_KEY, WEBHOOK_SECRET, type Harness } from "../helpers/shop.ts";
import { startWebhookServer } from "../helpers/webhooks.ts";

const postgres = testDatabaseTargets().find((t) => t.kind === "postgres");
const TOKEN = "7000002:AAH-two-processes-test-token_0123";
const ORDERS = 8;

type TelegramSim = Awaited<ReturnType<typeof startTelegramSim>>;

/** Stripe posts each event once; this hands the same raw body and signature to every bot process at once. */
async function startFanOut(db: Harness["db"], targets: string[]): Promise<{ url: string; close(): Promise<void> }> {
  const server = await startWebhookServer(db, {
    stripe: async (raw, signature) => {
      const statuses = await Promise.all(
        targets.map((target) =>
          fetch(`${target}/webhooks/stripe`, { method: "POST", body: raw, headers: { "content-type": "application/json", "stripe-signature": signature ?? "" } }).then((r) => r.status),
        ),
      );
      return statuses.every((status) => status === 200) ? "applied" : "retry";
    },
  });
  return { url: server.stripeUrl, close: server.close };
}

describe("two bot processes on one PostgreSQL", () => {
  if (!postgres) {
    console.warn("two-process test skipped: it needs a real PostgreSQL shared by two processes (set TEST_DATABASE_URL)");
    it.skip("needs TEST_DATABASE_URL", () => {});
    return;
  }

  let database: TestDatabase;
  let h: Harness;
  let telegram: TelegramSim;
  let fanOut: { close(): Promise<void> } | undefined;
  const bots: RunningProcess[] = [];

  afterEach(async () => {
    for (const bot of bots) bot.child.kill("SIGTERM");
    await Promise.all(bots.map((bot) => bot.exited));
    bots.length = 0;
    await fanOut?.close();
    await telegram?.close();
    await h?.close();
    await database?.close();
  });

  async function startBot(): Promise<string> {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const bot = startProduct({
      NODE_ENV: "development",
      LOG_LEVEL: "warn",
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_API_ROOT: telegram.apiRoot,
      BOT_MODE: "webhook",
      PUBLIC_URL: url,
      TELEGRAM_WEBHOOK_SECRET: "two-processes-secret-0123",
      PORT: String(port),
      HOST: "127.0.0.1",
      DATABASE_URL: database.url!,
      ESIMGO_API_KEY: h.esimSim.apiKey,
      ESIMGO_API_URL: h.esimSim.baseUrl,
      STRIPE_SECRET_KEY,
      STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
      STRIPE_API_URL: h.stripeSim.apiUrl,
    });
    bots.push(bot);
    // Until the shop is wired the Stripe route answers 503; then an unsigned post is refused with 400.
    await waitUntil(
      async () => {
        if (bot.child.exitCode !== null) throw new Error(`bot process exited: ${bot.output()}`);
        const response = await fetch(`${url}/webhooks/stripe`, { method: "POST", body: "{}" }).catch(() => undefined);
        return response?.status === 400;
      },
      60_000,
      `bot process on ${url} (${bot.output()})`,
    );
    expect(await httpStatus(`${url}/readyz`)).toBe(200);
    return url;
  }

  it(`fulfils each of ${ORDERS} orders exactly once when both processes get every paid webhook`, async () => {
    database = await postgres.create();
    h = await startHarness(database);
    await h.seedBundle(BUNDLE);
    telegram = await startTelegramSim({ port: 0, token: TOKEN, botUsername: "esim_test_bot" });
    // Each order's POST /orders takes a moment, so both workers are busy side by side.
    h.esimSim.faults.inject({ method: "POST", path: "/orders", times: ORDERS * 2, delayMs: 100 });

    const orders: { id: number; chatId: number }[] = [];
    for (let i = 0; i < ORDERS; i++) {
      const chatId = 810_000 + i;
      telegram.registerChat({ id: chatId, type: "private", first_name: `Traveller ${i}` });
      const customer = await telegramCustomer(h.db, chatId);
      const outcome = await h.shop.checkout({ customerId: customer.id, bundleName: BUNDLE });
      if (outcome.kind !== "link") throw new Error(outcome.kind);
      orders.push({ id: outcome.orderId, chatId });
    }

    const targets = [await startBot(), await startBot()];
    const receiver = await startFanOut(h.db, targets);
    fanOut = receiver;
    h.stripeSim.control.setWebhookUrl(receiver.url);
    for (const { id } of orders) await h.stripeSim.control.pay((await h.shop.order(id))!.stripe_session_id!);
    await h.stripeSim.control.idle();
    expect(h.stripeSim.control.deliveries().every((d) => d.status === 200)).toBe(true);

    await waitUntil(
      async () => (await h.db.selectFrom("orders").select("id").where("status", "=", "delivered").execute()).length === ORDERS,
      60_000,
      "every order to be delivered",
    );
    // Time for a late duplicate to show, if there were one.
    await new Promise((resolve) => setTimeout(resolve, 1_000));

    expect(h.esimSim.control.placedOrders()).toHaveLength(ORDERS);
    const rows = await h.db.selectFrom("orders").select(["id", "esimgo_order_reference", "delivery_error"]).execute();
    expect(new Set(rows.map((r) => r.esimgo_order_reference)).size).toBe(ORDERS);
    expect(rows.every((r) => r.delivery_error === null)).toBe(true);
    const placings = await h.db.selectFrom("order_events").select("order_id").where("type", "=", "placing").execute();
    expect(placings.map((p) => p.order_id).sort((a, b) => a - b)).toEqual(orders.map((o) => o.id).sort((a, b) => a - b));

    for (const { chatId } of orders) {
      const messages = telegram.messages(chatId).filter((m) => m.from === "bot");
      // One QR photo, and no message twice (the payment notice, the install steps).
      expect(messages.filter((m) => m.photo)).toHaveLength(1);
      const texts = messages.map((m) => m.plainText ?? m.text ?? m.caption ?? "");
      expect(new Set(texts).size).toBe(texts.length);
    }
    const webhookRows = await h.db.selectFrom("webhook_events").select("event_id").where("type", "=", "checkout.session.completed").execute();
    expect(webhookRows).toHaveLength(ORDERS);
  });
});
