import { availableParallelism, cpus, totalmem } from "node:os";
import { setTimeout as sleep } from "node:timers/promises";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import type { Kysely } from "kysely";
import type { Database } from "../src/db/schema.ts";
import { benchCustomers } from "./customers.ts";
import { openBenchDatabase } from "./database.ts";
import { FakeTelegram } from "./fake-telegram.ts";
import { benchLatency, WebhookArrivals } from "./latency.ts";
import { createCountingLogger, type CountingLogger } from "./logger.ts";
import { measureProductionMemory } from "./production.ts";
import { benchRush } from "./rush.ts";
import { benchSearch } from "./search.ts";
import { benchLine } from "./stats.ts";
import { benchUpdates, TIMED_ROUNDS } from "./updates.ts";
import { benchWhatsApp } from "./whatsapp.ts";
import { startWorld } from "./world.ts";

/** What `npm run bench` measures; see the "Benchmarks" section of the README for targets and results. */
const PLAN = {
  updates: { users: 2_000, warmUpUsers: 300, concurrency: 4, firstUserId: 300_000_000 },
  customers: { customers: 1_000, firstUserId: 310_000_000 },
  whatsapp: { users: 400, warmUpUsers: 100, concurrency: 8 },
  latency: { orders: 50, providerLimitPerSecond: 10, providerLatencyMs: 150, firstUserId: 330_000_000, maxSecondsPerOrder: 30 },
  rush: { orders: 200, providerLimitPerSecond: 10, providerLatencyMs: 150, workerConcurrency: 4, firstUserId: 320_000_000, maxSeconds: 150 },
};

/** `BENCH_ONLY=updates,rush` runs only those figures (no memory line): for working on one of them. */
const ONLY = process.env.BENCH_ONLY ? new Set(process.env.BENCH_ONLY.split(",").map((name) => name.trim())) : undefined;

function selected(name: string): boolean {
  return !ONLY || ONLY.has(name);
}

const SETTLE_SECONDS = 8;
/** How long the built product idles after start-up before its RSS is read. */
const PRODUCTION_IDLE_SECONDS = 10;

async function main(): Promise<void> {
  const peakRss = trackPeakRss();
  const database = await openBenchDatabase(process.env.DATABASE_URL);
  const counting = createCountingLogger();
  try {
    console.log(`bench database=${database.kind}`);
    console.log(`# machine nproc=${availableParallelism()} cpu="${cpus()[0]?.model ?? "unknown"}" ram_gb=${Math.round(totalmem() / 2 ** 30)} node=${process.version}`);
    memoryNote("start");
    if (selected("search")) console.log(benchLine("search", benchSearch()));
    if (selected("updates") || selected("customers")) {
      await chatFigures(database.db, counting);
      memoryNote("after updates and customers");
    }
    if (selected("whatsapp")) {
      await whatsappFigures(database.db, counting);
      memoryNote("after whatsapp");
    }
    if (selected("latency")) await latencyFigures(database.db, counting);
    if (selected("rush")) {
      await rushFigures(database.db, counting);
      memoryNote("after rush");
    }
    // The memory figures describe a process that ran everything above.
    if (!ONLY) await memoryFigures(peakRss);
  } finally {
    await database.close();
  }
  for (const line of counting.firstErrors()) console.error(`# logged error: ${line}`);
}

async function memoryFigures(peakRss: () => number): Promise<void> {
  await settle();
  memoryNote(`at rest (${SETTLE_SECONDS} s idle, garbage collected)`);
  console.log(`# memory peak: rss=${Math.round(peakRss() / 2 ** 20)} (MB)`);
  const rssMb = process.memoryUsage().rss / 2 ** 20;
  const production = await measureProductionMemory({ databaseUrl: process.env.DATABASE_URL, idleSeconds: PRODUCTION_IDLE_SECONDS });
  console.log(`# memory production: node dist/src/main.js (npm run build; no tsx, no stand-in in the process), database=${production.database}, ${production.idleSeconds} s idle after start-up`);
  console.log(benchLine("memory", { rss_mb: rssMb, prod_rss_mb: production.rssMb }));
}

/**
 * What the process keeps at rest once the load is over. V8 hands freed pages back to the system only after some
 * idle seconds, so the load is given that time (with a full garbage collection each second) before RSS is read.
 */
async function settle(): Promise<void> {
  setFlagsFromString("--expose-gc");
  const collectGarbage = runInNewContext("gc") as () => void;
  for (let second = 0; second < SETTLE_SECONDS; second++) {
    await sleep(1000);
    collectGarbage();
  }
}

/** The highest RSS seen, sampled every 100 ms, for the README's peak figure. */
function trackPeakRss(): () => number {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 100);
  timer.unref();
  return () => peak;
}

function memoryNote(when: string): void {
  const { rss, heapUsed, heapTotal, external } = process.memoryUsage();
  const mb = (bytes: number) => Math.round(bytes / 2 ** 20);
  console.log(`# memory ${when}: rss=${mb(rss)} heap_used=${mb(heapUsed)} heap_total=${mb(heapTotal)} external=${mb(external)} (MB)`);
}

/** Browsing and buying in chat: the provider is not the subject here, so it answers at once and without a limit. */
async function chatFigures(db: Kysely<Database>, counting: CountingLogger): Promise<void> {
  const telegram = new FakeTelegram();
  const world = await startWorld({ db, telegram, logger: counting.logger, provider: { rateLimitPerSecond: 0, latencyMs: 0 } });
  try {
    if (selected("updates")) {
      const updates = await benchUpdates(world.bot, telegram, PLAN.updates);
      const { updates: count, ...figures } = updates;
      console.log(benchLine("updates", figures));
      console.log(`# updates: ${count} updates, ${PLAN.updates.concurrency} chats at a time; each bot's median of ${TIMED_ROUNDS} timed rounds`);
    }
    if (!selected("customers")) return;
    const customers = await benchCustomers(world.bot, telegram, {
      ...PLAN.customers,
      paymentUrlPrefix: `${world.stripeSim.apiUrl}/pay/`,
      loggedErrors: counting.errors,
    });
    const { seconds, ...customerFigures } = customers;
    console.log(benchLine("customers", customerFigures));
    console.log(`# customers: all ${customers.concurrent} done in ${seconds.toFixed(1)} s`);
  } finally {
    await world.close();
  }
}

/** WhatsApp browsing through the product's webhook route; the provider is not the subject, as for Telegram. */
async function whatsappFigures(db: Kysely<Database>, counting: CountingLogger): Promise<void> {
  const world = await startWorld({ db, telegram: new FakeTelegram(), logger: counting.logger, provider: { rateLimitPerSecond: 0, latencyMs: 0 } });
  try {
    const { webhooks, ...figures } = await benchWhatsApp(world, db, counting.logger, PLAN.whatsapp);
    console.log(benchLine("whatsapp", figures));
    console.log(`# whatsapp: ${webhooks} signed webhooks over HTTP, ${PLAN.whatsapp.concurrency} contacts at a time, each waiting for its answer at the stand-in; floor = the same posts to a bare route (signature check + JSON parse)`);
  } finally {
    await world.close();
  }
}

/** One paid order at a time against eSIM Go's real limit and latency: how long a customer waits for the QR. */
async function latencyFigures(db: Kysely<Database>, counting: CountingLogger): Promise<void> {
  const { latency } = PLAN;
  const telegram = new FakeTelegram();
  const arrivals = new WebhookArrivals();
  const provider = { rateLimitPerSecond: latency.providerLimitPerSecond, latencyMs: latency.providerLatencyMs };
  const world = await startWorld({ db, telegram, logger: counting.logger, provider, onStripeWebhook: arrivals.record });
  try {
    const { figures, providerCallsPerOrder } = await benchLatency(world, db, telegram, arrivals, latency);
    console.log(benchLine("latency", figures));
    console.log(`# latency: from the Stripe webhook's arrival to sendPhoto; ${providerCallsPerOrder.toFixed(1)} eSIM Go requests per order between payment and QR, at ${latency.providerLatencyMs} ms each; floor = place order + install details + sendPhoto by a bare script (median)`);
  } finally {
    await world.close();
  }
}

async function rushFigures(db: Kysely<Database>, counting: CountingLogger): Promise<void> {
  const { rush } = PLAN;
  const telegram = new FakeTelegram();
  const world = await startWorld({
    db,
    telegram,
    logger: counting.logger,
    provider: { rateLimitPerSecond: rush.providerLimitPerSecond, latencyMs: rush.providerLatencyMs },
    workerConcurrency: rush.workerConcurrency,
  });
  try {
    console.log(benchLine("rush", await benchRush(world, db, rush)));
    console.log(`# rush: one worker advancing ${rush.workerConcurrency} orders at a time, provider latency ${rush.providerLatencyMs} ms, ${telegram.calls("sendPhoto")} QR photos sent`);
  } finally {
    await world.close();
  }
}

await main();
