import { z } from "zod";

export type Environment = Record<string, string | undefined>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

const emptyAsUndefined = (value: unknown) => (typeof value === "string" && value.trim() === "" ? undefined : value);
const optionalString = z.preprocess(emptyAsUndefined, z.string().trim().optional());
const url = (what: string) => z.preprocess(emptyAsUndefined, z.url({ protocol: /^https?$/, error: `expected an http(s) URL (${what})` }));
const integer = (what: string, min: number, max: number) =>
  z.preprocess(emptyAsUndefined, z.coerce.number({ error: `expected ${what}` }).int(`expected ${what}`).min(min, `expected ${what}`).max(max, `expected ${what}`));
const decimal = (what: string, min: number, max: number) =>
  z.preprocess(emptyAsUndefined, z.coerce.number({ error: `expected ${what}` }).min(min, `expected ${what}`).max(max, `expected ${what}`));
const money = (what: string, fallback: number) =>
  decimal(`${what} (an amount like 0.50)`, 0, 1_000_000)
    .default(fallback)
    .transform((v) => Math.round(v * 100));

const adminIds = z.preprocess(
  emptyAsUndefined,
  z
    .string()
    .regex(/^\s*\d+(\s*,\s*\d+)*\s*$/, "expected comma-separated Telegram user ids, e.g. 12345,67890")
    .transform((v) => v.split(",").map((id) => Number(id.trim())))
    .optional(),
);

const databaseUrl = z.preprocess(
  emptyAsUndefined,
  z
    .string()
    .refine(isPostgresUrl, "expected a PostgreSQL URL like postgresql://user:password@host:5432/database")
    .optional(),
);

function isPostgresUrl(value: string): boolean {
  try {
    const parsed = new URL(value);
    return ["postgres:", "postgresql:"].includes(parsed.protocol) && parsed.hostname !== "";
  } catch {
    return false;
  }
}

/** An eSIM Go on this machine is the standalone simulator (`npm run esimgo:sim`), never the real one. */
function isLocalHost(value: string): boolean {
  const host = new URL(value).hostname;
  return host === "localhost" || host === "[::1]" || /^127\.\d+\.\d+\.\d+$/.test(host);
}

const schema = z.object({
  NODE_ENV: z.preprocess(emptyAsUndefined, z.enum(["development", "production", "test"]).default("development")),
  TELEGRAM_BOT_TOKEN: z.preprocess(
    emptyAsUndefined,
    z.string().regex(/^\d+:[A-Za-z0-9_-]{20,}$/, "expected a bot token from @BotFather like 123456:ABC-DEF...").optional(),
  ),
  TELEGRAM_API_ROOT: url("the Bot API server").default("https://api.telegram.org"),
  BOT_MODE: z.preprocess(emptyAsUndefined, z.enum(["polling", "webhook"], { error: "expected polling or webhook" }).default("polling")),
  PUBLIC_URL: url("where Telegram and Stripe reach this server").optional(),
  TELEGRAM_WEBHOOK_SECRET: z.preprocess(
    emptyAsUndefined,
    z.string().regex(/^[A-Za-z0-9_-]{16,256}$/, "expected 16-256 characters of A-Z, a-z, 0-9, _ and -").optional(),
  ),
  ADMIN_IDS: adminIds,
  DATABASE_URL: databaseUrl,
  DATA_DIR: z.preprocess(emptyAsUndefined, z.string().default("./data")),
  ESIMGO_API_KEY: optionalString,
  ESIMGO_API_URL: url("the eSIM Go API base, e.g. https://api.esim-go.com/v2.4").default("https://api.esim-go.com/v2.4"),
  STRIPE_SECRET_KEY: z.preprocess(
    emptyAsUndefined,
    z.string().regex(/^(sk|rk)_(test|live)_[A-Za-z0-9]+$/, "expected a Stripe secret key (sk_test_... or sk_live_...)").optional(),
  ),
  STRIPE_WEBHOOK_SECRET: z.preprocess(emptyAsUndefined, z.string().regex(/^whsec_\S+$/, "expected a webhook signing secret (whsec_...)").optional()),
  STRIPE_API_URL: url("a Stripe-compatible API host, e.g. stripe-mock").optional(),
  PORT: integer("a port number 0-65535", 0, 65535).default(3000),
  HOST: z.preprocess(emptyAsUndefined, z.string().default("0.0.0.0")),
  LOG_LEVEL: z.preprocess(
    emptyAsUndefined,
    z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"], { error: "expected fatal, error, warn, info, debug, trace or silent" }).default("info"),
  ),
  PRICE_MARKUP_PERCENT: decimal("a percentage 0-1000", 0, 1000).default(35),
  PRICE_FIXED_FEE: money("the fixed fee added to every price", 0.5),
  PRICE_MIN_MARGIN: money("the minimum margin per sale", 1),
  PRICE_ROUNDING: z.preprocess(emptyAsUndefined, z.enum(["none", "99"], { error: "expected none or 99" }).default("99")),
  CHECKOUT_EXPIRY_MINUTES: integer("minutes between 30 and 1440 (Stripe's limits)", 30, 1440).default(30),
  FULFILMENT_DEADLINE_MINUTES: integer("minutes between 5 and 10080", 5, 10080).default(120),
  CATALOGUE_MAX_AGE_HOURS: decimal("hours between 0.1 and 168", 0.1, 168).default(6),
  LOW_BALANCE_THRESHOLD: money("the provider balance that triggers a warning", 50),
  USAGE_CACHE_SECONDS: integer("seconds between 0 and 3600", 0, 3600).default(60),
  REFUND_POLICY: z.preprocess(
    emptyAsUndefined,
    z.string().default("If we cannot deliver your eSIM, you get a full refund automatically. Unused eSIMs can be refunded within 14 days: contact support."),
  ),
  SUPPORT_CONTACT: optionalString,
  SANDBOX_BALANCE: decimal("a simulated eSIM Go balance", 0, 1_000_000).default(1000),
});

type RawConfig = z.infer<typeof schema>;

export interface Config {
  nodeEnv: RawConfig["NODE_ENV"];
  telegram: { token?: string; apiRoot: string; mode: "polling" | "webhook"; publicUrl?: string; webhookSecret?: string; adminIds: number[] };
  database: { url?: string; dataDir: string };
  esimgo: { apiKey?: string; apiUrl: string };
  stripe: { secretKey?: string; webhookSecret?: string; apiUrl?: string };
  http: { port: number; host: string };
  logLevel: RawConfig["LOG_LEVEL"];
  pricing: { markupPercent: number; fixedFeeMinor: number; minMarginMinor: number; rounding: "none" | "99" };
  checkoutExpiryMinutes: number;
  fulfilmentDeadlineMinutes: number;
  catalogueMaxAgeMs: number;
  lowBalanceThresholdMinor: number;
  usageCacheSeconds: number;
  refundPolicy: string;
  supportContact?: string;
  sandboxBalance: number;
  /** Which outside parts run as local stand-ins because their setting is absent. */
  simulated: { database: boolean; esimgo: boolean; stripe: boolean; telegram: boolean };
}

/** Parses and checks the whole environment at once, reporting every bad key together. */
export function parseConfig(env: Environment): Config {
  const result = schema.safeParse(env);
  if (!result.success) {
    const badKeys = new Set(result.error.issues.map((issue) => String(issue.path[0] ?? "config")));
    const problems = result.error.issues.map((issue) => `${String(issue.path[0] ?? "config")}: ${issue.message}`);
    // The checks between settings too, on the rest (bad keys at their defaults), so one run names everything to fix.
    const rest = schema.safeParse(Object.fromEntries(Object.entries(env).filter(([key]) => !badKeys.has(key))));
    if (rest.success) problems.push(...crossChecks(toConfig(rest.data)).filter((problem) => !badKeys.has(problem.split(":")[0] ?? "")));
    throw new ConfigError(problems);
  }
  const config = toConfig(result.data);
  const problems = crossChecks(config);
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

function toConfig(raw: RawConfig): Config {
  return {
    nodeEnv: raw.NODE_ENV,
    telegram: {
      token: raw.TELEGRAM_BOT_TOKEN,
      apiRoot: raw.TELEGRAM_API_ROOT.replace(/\/+$/, ""),
      mode: raw.BOT_MODE,
      publicUrl: raw.PUBLIC_URL?.replace(/\/+$/, ""),
      webhookSecret: raw.TELEGRAM_WEBHOOK_SECRET,
      adminIds: raw.ADMIN_IDS ?? [],
    },
    database: { url: raw.DATABASE_URL, dataDir: raw.DATA_DIR },
    esimgo: { apiKey: raw.ESIMGO_API_KEY, apiUrl: raw.ESIMGO_API_URL.replace(/\/+$/, "") },
    stripe: { secretKey: raw.STRIPE_SECRET_KEY, webhookSecret: raw.STRIPE_WEBHOOK_SECRET, apiUrl: raw.STRIPE_API_URL },
    http: { port: raw.PORT, host: raw.HOST },
    logLevel: raw.LOG_LEVEL,
    pricing: {
      markupPercent: raw.PRICE_MARKUP_PERCENT,
      fixedFeeMinor: raw.PRICE_FIXED_FEE,
      minMarginMinor: raw.PRICE_MIN_MARGIN,
      rounding: raw.PRICE_ROUNDING,
    },
    checkoutExpiryMinutes: raw.CHECKOUT_EXPIRY_MINUTES,
    fulfilmentDeadlineMinutes: raw.FULFILMENT_DEADLINE_MINUTES,
    catalogueMaxAgeMs: Math.round(raw.CATALOGUE_MAX_AGE_HOURS * 3_600_000),
    lowBalanceThresholdMinor: raw.LOW_BALANCE_THRESHOLD,
    usageCacheSeconds: raw.USAGE_CACHE_SECONDS,
    refundPolicy: raw.REFUND_POLICY,
    supportContact: raw.SUPPORT_CONTACT,
    sandboxBalance: raw.SANDBOX_BALANCE,
    simulated: {
      database: !raw.DATABASE_URL,
      esimgo: !raw.ESIMGO_API_KEY || isLocalHost(raw.ESIMGO_API_URL),
      stripe: !raw.STRIPE_SECRET_KEY,
      telegram: !raw.TELEGRAM_BOT_TOKEN,
    },
  };
}

function crossChecks(config: Config): string[] {
  const problems: string[] = [];
  const { simulated } = config;
  if (config.stripe.secretKey && !config.stripe.webhookSecret) {
    problems.push("STRIPE_WEBHOOK_SECRET: required with STRIPE_SECRET_KEY (the whsec_... secret of the webhook endpoint)");
  }
  if (config.stripe.secretKey?.includes("_live_") && simulated.esimgo) {
    problems.push("STRIPE_SECRET_KEY: a live Stripe key needs a real eSIM Go (ESIMGO_API_KEY set, ESIMGO_API_URL not on this machine): real money must never meet a simulated provider");
  }
  if (!simulated.esimgo && simulated.stripe) {
    problems.push("STRIPE_SECRET_KEY: a real eSIM Go key needs a real Stripe (set STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET): real eSIMs must never be sold through a simulated checkout");
  }
  if (config.telegram.mode === "webhook") {
    if (!config.telegram.publicUrl) problems.push("PUBLIC_URL: required when BOT_MODE=webhook (Telegram posts to PUBLIC_URL/webhooks/telegram)");
    if (!config.telegram.webhookSecret) problems.push("TELEGRAM_WEBHOOK_SECRET: required when BOT_MODE=webhook");
    if (simulated.telegram) problems.push("TELEGRAM_BOT_TOKEN: required when BOT_MODE=webhook");
  }
  if (config.nodeEnv === "production") problems.push(...productionProblems(config));
  return problems;
}

const PRODUCTION_KEYS: [keyof Config["simulated"], string][] = [
  ["telegram", "TELEGRAM_BOT_TOKEN"],
  ["database", "DATABASE_URL"],
  ["esimgo", "ESIMGO_API_KEY"],
  ["stripe", "STRIPE_SECRET_KEY"],
];

function productionProblems(config: Config): string[] {
  const problems = PRODUCTION_KEYS.filter(([part]) => config.simulated[part]).map(([part, key]) =>
    part === "esimgo" && config.esimgo.apiKey
      ? "ESIMGO_API_URL: must not point at this machine when NODE_ENV=production (a local eSIM Go is the simulator)"
      : `${key}: required when NODE_ENV=production (no simulated ${key.split("_")[0]?.toLowerCase()} in production)`,
  );
  if (config.telegram.adminIds.length === 0) problems.push("ADMIN_IDS: required when NODE_ENV=production (who gets alerts and admin commands)");
  if (config.stripe.apiUrl) problems.push("STRIPE_API_URL: must be unset when NODE_ENV=production (it points Stripe at a stand-in)");
  return problems;
}

/** Every secret value, so the logger can scrub them wherever they appear. */
export function secretValues(config: Config): string[] {
  return [config.telegram.token, config.telegram.webhookSecret, config.esimgo.apiKey, config.stripe.secretKey, config.stripe.webhookSecret, ...passwordForms(config.database.url)].filter(
    (v): v is string => typeof v === "string" && v.length >= 6,
  );
}

/** The database password as written in the URL (percent-encoded, as it shows in a logged URL) and decoded. */
function passwordForms(databaseUrl: string | undefined): string[] {
  if (!databaseUrl) return [];
  try {
    const { password } = new URL(databaseUrl);
    return password ? [...new Set([password, decodeURIComponent(password)])] : [];
  } catch {
    return [];
  }
}
