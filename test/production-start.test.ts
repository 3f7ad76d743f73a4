import { type ChildProcess, spawn } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { networkInterfaces, tmpdir } from "node:os";
import path from "node:path";
import { startEsimGoSim, type EsimGoSim } from "@esim-shop/esimgo-sim";
import { startTelegramSim, type TelegramSim } from "@esim-shop/telegram-sim";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type TestDatabase, testDatabaseTargets } from "./helpers/db.ts";
import { freePort, httpStatus, PROJECT_ROOT, waitUntil } from "./helpers/process.ts";

const INSTALL_TIMEOUT_MS = 300_000;
const START_TIMEOUT_MS = 90_000;
/** A line of a stack trace: what a person starting the product must never be shown. */
const STACK_FRAME = /^\s+at .+[:)]/m;
const postgres = testDatabaseTargets().find((target) => target.kind === "postgres");

/** Runs a command to its end; rejects with its output when it fails. */
function run(command: string, args: string[], cwd: string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "" }, timeout: timeoutMs });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.once("exit", (code) => (code === 0 ? resolve(output) : reject(new Error(`${command} ${args.join(" ")} exited ${code}:\n${output}`))));
  });
}

function startNode(cwd: string, env: Record<string, string>): { child: ChildProcess; output(): string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ["dist/src/main.js"], { cwd, env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env } });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  return { child, output: () => output, exited };
}

/** This machine's address as another host would use it: production refuses an eSIM Go on 127.x or localhost. */
function outsideAddress(): string {
  const address = Object.values(networkInterfaces())
    .flat()
    .find((entry) => entry?.family === "IPv4" && !entry.internal)?.address;
  return address ?? "0.0.0.0";
}

// Production refuses the embedded database, so this needs TEST_DATABASE_URL (as CI has).
describe.skipIf(!postgres)("the production path: npm run build, npm ci --omit=dev, node dist/src/main.js", () => {
  const scratch = mkdtempSync(path.join(tmpdir(), "esim-production-"));
  let telegram: TelegramSim;
  let esimgo: EsimGoSim;
  let database: TestDatabase;

  beforeAll(async () => {
    // What a deploy ships: the build, the manifests and the lockfile (npm ci needs the workspaces' manifests the lockfile names).
    await run(process.execPath, [path.join(PROJECT_ROOT, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.build.json", "--outDir", path.join(scratch, "dist")], PROJECT_ROOT, INSTALL_TIMEOUT_MS);
    cpSync(path.join(PROJECT_ROOT, "locales"), path.join(scratch, "dist/locales"), { recursive: true });
    for (const file of ["package.json", "package-lock.json"]) cpSync(path.join(PROJECT_ROOT, file), path.join(scratch, file));
    for (const name of readdirSync(path.join(PROJECT_ROOT, "packages"))) {
      mkdirSync(path.join(scratch, "packages", name), { recursive: true });
      cpSync(path.join(PROJECT_ROOT, "packages", name, "package.json"), path.join(scratch, "packages", name, "package.json"));
    }
    await run("npm", ["ci", "--omit=dev", "--ignore-scripts", "--no-audit", "--no-fund"], scratch, INSTALL_TIMEOUT_MS);

    telegram = await startTelegramSim({ token: "7000002222:AAHproductionStartTestToken_0123456789", botUsername: "esim_production_test_bot" });
    esimgo = await startEsimGoSim({ host: "0.0.0.0", apiKey: "esimgo-production-test-key", catalogueSize: "small", rateLimitPerSecond: 0 });
    database = await postgres!.create();
  }, INSTALL_TIMEOUT_MS * 2);

  afterAll(async () => {
    await telegram?.close();
    await esimgo?.close();
    await database?.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  it("starts with real-shaped settings and no development dependency, is ready, and stops on SIGTERM", async () => {
    expect(existsSync(path.join(scratch, "node_modules/typescript"))).toBe(false);
    expect(existsSync(path.join(scratch, "node_modules/vitest"))).toBe(false);
    const port = await freePort();
    const product = startNode(scratch, {
      NODE_ENV: "production",
      DATABASE_URL: database.url ?? "",
      TELEGRAM_BOT_TOKEN: telegram.token,
      TELEGRAM_API_ROOT: telegram.apiRoot,
      ESIMGO_API_KEY: esimgo.apiKey,
      ESIMGO_API_URL: `http://${outsideAddress()}:${new URL(esimgo.url).port}/v2.4`,
      STRIPE_SECRET_KEY: "sk_live_productionStartTest0000",
      STRIPE_WEBHOOK_SECRET: "whsec_productionStartTest0000",
      ADMIN_IDS: "4242",
      PORT: String(port),
      HOST: "127.0.0.1",
      DATA_DIR: path.join(scratch, "data"),
      LOG_LEVEL: "info",
    });
    try {
      await waitUntil(async () => (await httpStatus(`http://127.0.0.1:${port}/readyz`)) === 200, START_TIMEOUT_MS, `readyz: ${product.output()}`);
      await waitUntil(() => /long polling started/.test(product.output()), START_TIMEOUT_MS, `polling: ${product.output()}`);
      expect(product.output()).not.toMatch(/SANDBOX/);
      expect(telegram.calls("getMe")).not.toHaveLength(0);
      expect(esimgo.control.requestCount("GET /catalogue")).toBeGreaterThan(0);

      product.child.kill("SIGTERM");
      expect(await product.exited).toBe(0);
      expect(product.output()).toMatch(/"msg":"stopped"/);
    } finally {
      product.child.kill("SIGKILL");
    }
  }, START_TIMEOUT_MS * 2);

  it("the built sandbox under plain node says in one sentence to use npm install && npm start, with no stack", async () => {
    const expectOneSentence = async (situation: string) => {
      const sandbox = startNode(scratch, { DATA_DIR: path.join(scratch, "sandbox-data"), PORT: "0" });
      expect(await sandbox.exited, situation).toBe(1);
      expect(sandbox.output(), situation).toMatch(/^The sandbox needs the development stand-in @esim-shop\/esimgo-sim, .*run `npm install && npm start`.*$/m);
      expect(sandbox.output(), situation).not.toMatch(STACK_FRAME);
    };
    await expectOneSentence("a production install: the stand-ins' sources are not there");
    for (const name of readdirSync(path.join(PROJECT_ROOT, "packages"))) {
      cpSync(path.join(PROJECT_ROOT, "packages", name, "src"), path.join(scratch, "packages", name, "src"), { recursive: true });
    }
    await expectOneSentence("their TypeScript sources there, run by plain node");
  }, START_TIMEOUT_MS);
});
