import { readFileSync } from "node:fs";
import path from "node:path";
import dotenv from "dotenv";
import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "../src/config.ts";
import { readInstructions } from "./helpers/dockerfile.ts";
import { PROJECT_ROOT } from "./helpers/process.ts";

const read = (file: string) => readFileSync(path.join(PROJECT_ROOT, file), "utf8");

/**
 * compose.yaml as this test needs it: a service's block, and a mapping in it (`key: value` lines one level in). The
 * file is ours and plain; a YAML parser would be a dependency for one test.
 */
function block(text: string, indent: number, key: string): string[] {
  const lines = text.split("\n");
  const start = lines.findIndex((line) => line === `${" ".repeat(indent)}${key}:`);
  if (start < 0) throw new Error(`no "${key}:" at indent ${indent}`);
  const body: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (line.trim() === "" || line.trim().startsWith("#")) continue;
    if (line.length - line.trimStart().length <= indent) break;
    body.push(line);
  }
  return body;
}

function mapping(lines: string[]): Record<string, string> {
  const indent = Math.min(...lines.map((line) => line.length - line.trimStart().length));
  return Object.fromEntries(
    lines
      .filter((line) => line.length - line.trimStart().length === indent)
      .map((line) => /^\s*([\w-]+):\s*(.*)$/.exec(line))
      .filter((match): match is RegExpExecArray => match !== null)
      .map((match) => [match[1] ?? "", (match[2] ?? "").replace(/^"(.*)"$/, "$1")]),
  );
}

/** Compose's `${NAME}` and `${NAME:?message}` from the .env values. */
function interpolate(value: string, env: Record<string, string>): string {
  return value.replace(/\$\{(\w+)(?::\?[^}]*)?\}/g, (_match, name: string) => env[name] ?? "");
}

/** Real-shaped values for what an operator fills in. */
const FILLED: Record<string, string> = {
  POSTGRES_PASSWORD: "s3cretPassw0rd",
  PUBLIC_URL: "https://shop.example.com",
  TELEGRAM_BOT_TOKEN: "7000005555:AAH-filled-in-token_0123456789",
  TELEGRAM_WEBHOOK_SECRET: "filled-in-webhook-secret-0123",
  ADMIN_IDS: "4242",
  ESIMGO_API_KEY: "esimgo-filled-in-key",
  STRIPE_SECRET_KEY: "sk_live_filledInKey0000",
  STRIPE_WEBHOOK_SECRET: "whsec_filledInSecret0000",
  METRICS_TOKEN: "filled-in-metrics-token-0123",
};

describe("compose.yaml and .env.example", () => {
  const compose = read("compose.yaml");
  const services = block(compose, 0, "services");
  const bot = block(services.join("\n"), 2, "bot");
  const db = block(services.join("\n"), 2, "db");
  const example = dotenv.parse(read(".env.example"));

  it("runs the bot from the Dockerfile with its own CMD, secrets from .env, once PostgreSQL is healthy", () => {
    const service = mapping(bot);
    expect(service).toMatchObject({ build: ".", env_file: ".env" });
    // The image's CMD is what test/production-start.test.ts starts: nothing here may replace it.
    expect(service).not.toHaveProperty("command");
    expect(service).not.toHaveProperty("entrypoint");
    expect(mapping(block(bot.join("\n"), 4, "depends_on"))).toHaveProperty("db");
    expect(bot.join("\n")).toMatch(/^ {6}db:\n {8}condition: service_healthy$/m);
  });

  it("keeps PostgreSQL's data in a named volume and checks it with pg_isready", () => {
    expect(mapping(db)).toMatchObject({ image: expect.stringMatching(/^postgres:16/) });
    expect(db.join("\n")).toMatch(/^ {6}- db-data:\/var\/lib\/postgresql\/data$/m);
    expect(mapping(block(compose, 0, "volumes"))).toHaveProperty("db-data");
    expect(mapping(block(db.join("\n"), 4, "healthcheck")).test).toMatch(/pg_isready/);
  });

  it("with .env.example's blanks filled in, is a complete production configuration in webhook mode on the compose database", () => {
    const environment = mapping(block(bot.join("\n"), 4, "environment"));
    expect(environment).toMatchObject({ NODE_ENV: "production", BOT_MODE: "webhook" });
    const blanks = Object.keys(example).filter((key) => example[key] === "");
    // DATABASE_URL is blank for compose on purpose: compose sets it.
    expect(blanks.sort()).toEqual([...Object.keys(FILLED), "DATABASE_URL"].sort());

    const dotEnv = { ...example, ...FILLED };
    const resolved = Object.fromEntries(Object.entries(environment).map(([key, value]) => [key, interpolate(value, dotEnv)]));
    const config = parseConfig({ ...dotEnv, ...resolved });
    expect(config.database.url).toBe(`postgresql://shop:${FILLED.POSTGRES_PASSWORD}@db:5432/shop`);
    expect(config.telegram).toMatchObject({ simulated: false, mode: "webhook", publicUrl: "https://shop.example.com" });
    expect(config.metrics.token).toBe(FILLED.METRICS_TOKEN);

    // Left as it is, it names every blank the operator must fill in, at once.
    const unfilled = (() => {
      try {
        parseConfig({ ...example, ...Object.fromEntries(Object.entries(environment).map(([key, value]) => [key, interpolate(value, example)])) });
      } catch (error) {
        return error instanceof ConfigError ? error.problems.map((problem) => problem.split(":")[0]) : [String(error)];
      }
      return [];
    })();
    expect(unfilled).toEqual(expect.arrayContaining(["PUBLIC_URL", "TELEGRAM_BOT_TOKEN", "TELEGRAM_WEBHOOK_SECRET", "ADMIN_IDS", "ESIMGO_API_KEY", "STRIPE_SECRET_KEY"]));
  });

  it("the Dockerfile runs on a slim Node 22 as the node user, with an exec-form CMD that SIGTERM reaches", () => {
    const instructions = readInstructions(read("Dockerfile"));
    const finalStage = instructions.slice(instructions.map((i) => i.keyword).lastIndexOf("FROM"));
    expect(finalStage[0]?.args).toMatch(/^node:22-(bookworm-)?slim$/);
    expect(finalStage.filter((i) => i.keyword === "USER").map((i) => i.args)).toEqual(["node"]);
    expect(finalStage.find((i) => i.keyword === "CMD")?.args).toBe('["node", "dist/src/main.js"]');
    expect(finalStage.find((i) => i.keyword === "HEALTHCHECK")?.args).toMatch(/CMD \["node", "-e", ".*\/healthz/);
    expect(read(".dockerignore")).toMatch(/^\.env$/m);
  });
});
