// A worker in its own process, for the crash test: it is SIGKILLed while eSIM Go holds the POST /orders answer.
import { openDatabase } from "../../src/db/index.ts";
import { createEsimGoClient } from "../../src/esimgo/index.ts";
import { RecordingNotifier } from "../../src/notify/index.ts";
import { createPayments } from "../../src/payments/index.ts";
import { createShop } from "../../src/shop/index.ts";
import { telegramReturnUrls } from "../../src/telegram/index.ts";
import { BOT_USERNAME, PAYMENTS_SETTINGS, shopSettings, silentLogger, STRIPE_SECRET_KEY } from "../helpers/shop.ts";

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};

const database = await openDatabase({ databaseUrl: env("DATABASE_URL"), dataDir: "" });
const esimgo = createEsimGoClient({ baseUrl: env("ESIMGO_URL"), apiKey: env("ESIMGO_KEY"), timeoutMs: 120_000 });
const shop = createShop({
  db: database.db,
  esimgo,
  esimgoApiKey: env("ESIMGO_KEY"),
  payments: createPayments({ secretKey: STRIPE_SECRET_KEY, apiUrl: env("STRIPE_URL"), settings: PAYMENTS_SETTINGS }),
  returnUrls: (_channel, orderId) => telegramReturnUrls(BOT_USERNAME, orderId),
  notifier: new RecordingNotifier(),
  logger: silentLogger,
  settings: shopSettings({ workerId: "child-worker" }),
});
console.log("child worker started");
await shop.runDueOnce();
console.log("child worker finished a pass");
await esimgo.close();
await database.close();
