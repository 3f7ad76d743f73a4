import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { startEsimGoSim } from "@esim-shop/esimgo-sim";
import { startStripeSim } from "@esim-shop/stripe-sim";
import { startTelegramSim } from "@esim-shop/telegram-sim";
import { freshPostgresDatabase } from "./database.ts";

const PROJECT_ROOT = path.resolve(import.meta.dirname, "..");
const START_TIMEOUT_MS = 90_000;

export interface ProductionMemory {
  rssMb: number;
  database: "postgres" | "pglite";
  idleSeconds: number;
}

/**
 * The built product as a deployment runs it (`npm run build`, then `node dist/src/main.js`: no tsx, no stand-in in
 * the process), pointed at stand-ins running in this process, idle for a while after it is ready; then its RSS.
 * NODE_ENV stays unset: production refuses an eSIM Go and a Stripe on this machine.
 */
export async function measureProductionMemory(options: { databaseUrl?: string; idleSeconds: number }): Promise<ProductionMemory> {
  await run("npm", ["run", "build"]);
  const closers: (() => Promise<unknown>)[] = [];
  try {
    const telegram = await startTelegramSim({ port: 0, token: "7000006666:AAH-bench-production-token_0123456" });
    closers.push(() => telegram.close());
    const esimgo = await startEsimGoSim({ port: 0, catalogueSize: "full", rateLimitPerSecond: 0 });
    closers.push(() => esimgo.close());
    const webhookSecret = "whsec_bench_production_0123456789";
    const stripe = await startStripeSim({ port: 0, webhookSecret });
    closers.push(() => stripe.close());
    const dataDir = mkdtempSync(path.join(tmpdir(), "esim-bench-production-"));
    closers.push(async () => rmSync(dataDir, { recursive: true, force: true }));
    const database = options.databaseUrl ? await freshPostgresDatabase(options.databaseUrl) : undefined;
    if (database) closers.push(() => database.drop());

    const product = spawn(process.execPath, ["dist/src/main.js"], {
      cwd: PROJECT_ROOT,
      env: {
        PATH: process.env.PATH ?? "",
        HOME: process.env.HOME ?? "",
        TELEGRAM_BOT_TOKEN: telegram.token,
        TELEGRAM_API_ROOT: telegram.apiRoot,
        ESIMGO_API_URL: esimgo.baseUrl,
        ESIMGO_API_KEY: esimgo.apiKey,
        STRIPE_SECRET_KEY: "sk_test_benchProduction0000",
        STRIPE_WEBHOOK_SECRET: webhookSecret,
        STRIPE_API_URL: stripe.apiUrl,
        ADMIN_IDS: "4242",
        METRICS_TOKEN: "bench-production-metrics-token",
        DATA_DIR: dataDir,
        PORT: "0",
        HOST: "127.0.0.1",
        LOG_LEVEL: "info",
        ...(database ? { DATABASE_URL: database.url } : {}),
      },
    });
    let output = "";
    product.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    product.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => product.once("exit", resolve));
    closers.push(async () => {
      product.kill("SIGTERM");
      await exited;
    });
    await waitFor(() => /long polling started/.test(output) || product.exitCode !== null, () => `the built product to start: ${output.slice(-2000)}`);
    await sleep(options.idleSeconds * 1000);
    if (product.exitCode !== null) throw new Error(`the built product exited ${product.exitCode}: ${output.slice(-2000)}`);
    return { rssMb: rssOf(product.pid ?? 0) / 2 ** 20, database: database ? "postgres" : "pglite", idleSeconds: options.idleSeconds };
  } finally {
    for (const close of closers.reverse()) await close().catch(() => undefined);
  }
}

function rssOf(pid: number): number {
  const status = `/proc/${pid}/status`;
  if (!existsSync(status)) throw new Error("RSS is read from /proc (Linux)");
  const kb = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(status, "utf8"))?.[1];
  if (!kb) throw new Error(`no VmRSS in ${status}`);
  return Number(kb) * 1024;
}

async function waitFor(check: () => boolean, what: () => string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what()}`);
    await sleep(100);
  }
}

function run(command: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: PROJECT_ROOT, env: process.env });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.once("exit", (code) => (code === 0 ? resolve() : reject(new Error(`${command} ${args.join(" ")} exited ${code}:\n${output}`))));
  });
}
