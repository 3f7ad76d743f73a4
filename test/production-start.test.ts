import { type ChildProcess, spawn } from "node:child_process";
import { createHmac } from "node:crypto";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { networkInterfaces, tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { startEsimGoSim, type EsimGoSim } from "@esim-shop/esimgo-sim";
import { startTelegramSim, type TelegramSim } from "@esim-shop/telegram-sim";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type TestDatabase, testDatabaseTargets } from "./helpers/db.ts";
import { type BuiltImage, runDockerfile } from "./helpers/dockerfile.ts";
import { freePort, httpStatus, PROJECT_ROOT, waitUntil } from "./helpers/process.ts";

const INSTALL_TIMEOUT_MS = 300_000;
const START_TIMEOUT_MS = 90_000;
/** A line of a stack trace: what a person starting the product must never be shown. */
const STACK_FRAME = /^\s+at .+[:)]/m;
const STRIPE_WEBHOOK_SECRET = "whsec_productionStartTest0000";
const METRICS_TOKEN = "production-start-metrics-token";
const WEBHOOK_SECRET = "production-start-webhook-secret";
const postgres = testDatabaseTargets().find((target) => target.kind === "postgres");
const baseEnv = { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "" };

interface Started {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

/** The image's CMD in its WORKDIR with its ENV, plus the deployment's settings (what `docker run --env-file` adds). */
function startImage(image: BuiltImage, env: Record<string, string>): Started {
  const [program = "", ...args] = image.cmd;
  const child = spawn(program, args, { cwd: image.workdir, env: { ...baseEnv, ...image.env, ...env } });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  return { child, output: () => output, exited };
}

/** The image's HEALTHCHECK command, as Docker runs it inside the container; resolves its exit code. */
function healthcheck(image: BuiltImage, env: Record<string, string>): Promise<number | null> {
  const [program = "", ...args] = image.healthcheck?.cmd ?? [];
  const child = spawn(program, args, { cwd: image.workdir, env: { ...baseEnv, ...image.env, ...env }, stdio: "ignore" });
  return new Promise((resolve) => child.once("exit", resolve));
}

/**
 * Records every module the process resolves and loads (Node's module customization hooks, preloaded through
 * NODE_OPTIONS): code reaches memory only that way, so a stand-in that is never resolved is never in memory.
 */
function moduleTracer(directory: string): { env: Record<string, string>; lines(): string[] } {
  mkdirSync(directory, { recursive: true });
  const log = path.join(directory, "modules.log");
  writeFileSync(log, "");
  writeFileSync(
    path.join(directory, "hooks.mjs"),
    `import { appendFileSync } from "node:fs";
let log;
export function initialize(data) { log = data.log; }
export async function resolve(specifier, context, nextResolve) {
  appendFileSync(log, "resolve " + specifier + "\\n");
  return nextResolve(specifier, context);
}
export async function load(url, context, nextLoad) {
  appendFileSync(log, "load " + url + "\\n");
  return nextLoad(url, context);
}
`,
  );
  writeFileSync(
    path.join(directory, "register.mjs"),
    `import { register } from "node:module";\nregister("./hooks.mjs", { parentURL: import.meta.url, data: { log: ${JSON.stringify(log)} } });\n`,
  );
  return {
    env: { NODE_OPTIONS: `--import ${pathToFileURL(path.join(directory, "register.mjs")).href}` },
    lines: () => readFileSync(log, "utf8").split("\n").filter(Boolean),
  };
}

/** How Stripe signs a webhook: HMAC-SHA256 of "timestamp.body" with the endpoint's secret. */
function stripeSignature(body: string, secret: string): string {
  const timestamp = Math.floor(Date.now() / 1000);
  return `t=${timestamp},v1=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
}

/** This machine's address as another host would use it: production refuses an eSIM Go on 127.x or localhost. */
function outsideAddress(): string {
  const address = Object.values(networkInterfaces())
    .flat()
    .find((entry) => entry?.family === "IPv4" && !entry.internal)?.address;
  return address ?? "0.0.0.0";
}

// Production refuses the embedded database, so this needs TEST_DATABASE_URL (as CI has).
describe.skipIf(!postgres)("the production path, as the Dockerfile builds and runs it: npm ci, npm run build, npm prune --omit=dev, node dist/src/main.js", () => {
  const scratch = mkdtempSync(path.join(tmpdir(), "esim-production-"));
  let image: BuiltImage;
  let telegram: TelegramSim;
  let esimgo: EsimGoSim;
  let database: TestDatabase;
  let settings: Record<string, string>;
  let port: number;

  beforeAll(async () => {
    // One build for every case below: the Dockerfile's own steps, from this checkout as the build context.
    image = await runDockerfile({ dockerfile: path.join(PROJECT_ROOT, "Dockerfile"), context: PROJECT_ROOT, root: path.join(scratch, "image"), baseEnv, timeoutMs: INSTALL_TIMEOUT_MS });

    telegram = await startTelegramSim({ token: "7000002222:AAHproductionStartTestToken_0123456789", botUsername: "esim_production_test_bot" });
    esimgo = await startEsimGoSim({ host: "0.0.0.0", apiKey: "esimgo-production-test-key", catalogueSize: "small", rateLimitPerSecond: 0 });
    database = await postgres!.create();
    port = await freePort();
    settings = {
      DATABASE_URL: database.url ?? "",
      TELEGRAM_BOT_TOKEN: telegram.token,
      TELEGRAM_API_ROOT: telegram.apiRoot,
      BOT_MODE: "webhook",
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      TELEGRAM_WEBHOOK_SECRET: WEBHOOK_SECRET,
      ESIMGO_API_KEY: esimgo.apiKey,
      ESIMGO_API_URL: `http://${outsideAddress()}:${new URL(esimgo.url).port}/v2.4`,
      STRIPE_SECRET_KEY: "sk_live_productionStartTest0000",
      STRIPE_WEBHOOK_SECRET,
      ADMIN_IDS: "4242",
      METRICS_TOKEN,
      PORT: String(port),
      HOST: "127.0.0.1",
      LOG_LEVEL: "info",
    };
  }, INSTALL_TIMEOUT_MS * 2);

  afterAll(async () => {
    await telegram?.close();
    await esimgo?.close();
    await database?.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  it("builds with every dependency and ships production ones only: slim Node 22, non-root, exec-form CMD, a healthcheck", () => {
    expect(image.from).toMatch(/^node:22-(bookworm-)?slim$/);
    expect(image.user).toBe("node");
    expect(image.env.NODE_ENV).toBe("production");
    expect(image.cmd).toEqual(["node", "dist/src/main.js"]);
    expect(image.healthcheck?.cmd.join(" ")).toContain("/healthz");
    expect(image.ran).toEqual([expect.stringMatching(/^npm ci (?!.*--omit)/), "npm run build", "npm prune --omit=dev --no-audit --no-fund"]);
    expect(existsSync(path.join(image.workdir, "dist/src/main.js"))).toBe(true);
    expect(existsSync(path.join(image.workdir, "dist/locales/en.ftl"))).toBe(true);
    expect(existsSync(path.join(image.workdir, "node_modules/prom-client"))).toBe(true);
    for (const devOnly of ["typescript", "vitest", "eslint", "playwright-core"]) expect(existsSync(path.join(image.workdir, "node_modules", devOnly)), devOnly).toBe(false);
    // No sources: the stand-ins are development tools, present as workspace manifests only.
    expect(existsSync(path.join(image.workdir, "src"))).toBe(false);
    for (const name of readdirSync(path.join(image.workdir, "packages"))) expect(readdirSync(path.join(image.workdir, "packages", name))).toEqual(["package.json"]);
  });

  it("comes up with real-shaped settings, answers Telegram and a signed Stripe webhook, counts them, loads no stand-in, and stops on SIGTERM with 0", async () => {
    const tracer = moduleTracer(path.join(scratch, "trace-production"));
    const product = startImage(image, { ...settings, ...tracer.env });
    const url = `http://127.0.0.1:${port}`;
    try {
      await waitUntil(async () => (await httpStatus(`${url}/readyz`)) === 200, START_TIMEOUT_MS, `readyz: ${product.output()}`);
      await waitUntil(() => /telegram webhook set/.test(product.output()), START_TIMEOUT_MS, `webhook: ${product.output()}`);
      expect(product.output()).not.toMatch(/SANDBOX/);
      expect(telegram.calls("setWebhook").at(-1)?.payload).toMatchObject({ url: `${url}/webhooks/telegram`, secret_token: WEBHOOK_SECRET });
      expect(esimgo.control.requestCount("GET /catalogue")).toBeGreaterThan(0);
      expect(await healthcheck(image, settings)).toBe(0);

      // A person writes to the bot: the built bot (its texts read from dist/locales) answers through the Bot API.
      const person = { id: 515_151, first_name: "Ola", language_code: "en" };
      await telegram.sendText(person, "/start");
      const welcome = await telegram.waitFor(person.id, (m) => m.from === "bot", 30_000);
      expect(welcome.plainText ?? welcome.text).toMatch(/Hello, Ola!/);

      // A signed Stripe event about an order this shop does not have: acknowledged (200), then recognised as a repeat.
      const event = JSON.stringify({
        id: "evt_production_start_1",
        object: "event",
        type: "checkout.session.expired",
        livemode: true,
        created: Math.floor(Date.now() / 1000),
        data: { object: { id: "cs_live_productionStart", object: "checkout.session", metadata: { order_id: "424242" }, payment_status: "unpaid", payment_intent: null } },
      });
      const post = () => fetch(`${url}/webhooks/stripe`, { method: "POST", body: event, headers: { "content-type": "application/json", "stripe-signature": stripeSignature(event, STRIPE_WEBHOOK_SECRET) } });
      const first = await post();
      expect([first.status, await first.json()]).toEqual([200, { outcome: "applied" }]);
      const again = await post();
      expect([again.status, await again.json()]).toEqual([200, { outcome: "duplicate" }]);
      const forged = await fetch(`${url}/webhooks/stripe`, { method: "POST", body: event, headers: { "stripe-signature": stripeSignature(event, "whsec_someoneElse") } });
      expect(forged.status).toBe(400);

      const metrics = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } }).then((response) => response.text());
      expect(metrics).toMatch(/^esimshop_webhooks_total\{source="stripe",outcome="applied"\} 1$/m);
      expect(metrics).toMatch(/^esimshop_webhooks_total\{source="stripe",outcome="duplicate"\} 1$/m);
      expect(metrics).toMatch(/^esimshop_webhooks_total\{source="stripe",outcome="refused"\} 1$/m);
      expect(metrics).toMatch(/^esimshop_updates_total\{channel="telegram"\} 1$/m);
      expect(metrics).toMatch(/^esimshop_provider_requests_total\{endpoint="GET \/catalogue",code="200"\} \d+$/m);
      expect(metrics).toMatch(/^process_resident_memory_bytes \d+/m);
      expect((await fetch(`${url}/metrics`)).status).toBe(401);

      product.child.kill("SIGTERM");
      expect(await product.exited).toBe(0);
      expect(product.output()).toMatch(/"signal":"SIGTERM".*shutting down[^]*"msg":"stopped"/);
      expect(await healthcheck(image, settings)).toBe(1);
    } finally {
      product.child.kill("SIGKILL");
    }

    const modules = tracer.lines();
    expect(modules).toContain(`load ${pathToFileURL(path.join(image.workdir, "dist/src/main.js")).href}`);
    expect(modules.some((line) => /^load .*\/node_modules\/grammy\//.test(line))).toBe(true);
    expect(modules.filter((line) => /@esim-shop\/|\/packages\//.test(line))).toEqual([]);
    expect(modules.filter((line) => /\/node_modules\/tsx\//.test(line))).toEqual([]);
  }, START_TIMEOUT_MS * 2);

  it("stops at once with the one clear message, and no stack, when a setting production needs is missing", async () => {
    const { DATABASE_URL: _missing, ...withoutDatabase } = settings;
    const product = startImage(image, withoutDatabase);
    expect(await product.exited).toBe(1);
    expect(product.output()).toBe("Invalid configuration:\n  - DATABASE_URL: required when NODE_ENV=production (no simulated database in production)\n");
    expect(product.output()).not.toMatch(STACK_FRAME);
  }, START_TIMEOUT_MS);

  it("the built sandbox under plain node says in one sentence to use npm install && npm start, with no stack", async () => {
    const expectOneSentence = async (situation: string): Promise<string[]> => {
      const tracer = moduleTracer(path.join(scratch, `trace-sandbox-${situation.length}`));
      // Outside the image's NODE_ENV=production: the sandbox is what starts without settings.
      const sandbox = startImage(image, { NODE_ENV: "development", DATA_DIR: path.join(scratch, "sandbox-data"), PORT: "0", ...tracer.env });
      expect(await sandbox.exited, situation).toBe(1);
      expect(sandbox.output(), situation).toMatch(/^The sandbox needs the development stand-in @esim-shop\/esimgo-sim, .*run `npm install && npm start`.*$/m);
      expect(sandbox.output(), situation).not.toMatch(STACK_FRAME);
      return tracer.lines();
    };
    // The tracer sees a stand-in being asked for: so its silence in the production start above means something.
    expect(await expectOneSentence("a production install: the stand-ins' sources are not there")).toContain("resolve @esim-shop/esimgo-sim");
    for (const name of readdirSync(path.join(PROJECT_ROOT, "packages"))) {
      cpSync(path.join(PROJECT_ROOT, "packages", name, "src"), path.join(image.workdir, "packages", name, "src"), { recursive: true });
    }
    await expectOneSentence("their TypeScript sources there, run by plain node");
  }, START_TIMEOUT_MS);
});
