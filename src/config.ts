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

/**
 * An eSIM Go on this machine is the standalone simulator (`npm run sim:esimgo`), never the real one: every way of
 * writing this machine counts (localhost with its trailing dot, 0.0.0.0, ::1, IPv4-mapped IPv6, all of 127/8).
 */
function isLocalHost(value: string): boolean {
  const host = new URL(value).hostname.toLowerCase().replace(/\.$/, "").replace(/^\[(.*)\]$/, "$1");
  if (host === "localhost" || host.endsWith(".localhost") || host === "0.0.0.0" || host === "::" || host === "::1") return true;
  const mapped = /^::ffff:(.+)$/.exec(host)?.[1];
  return isLoopbackV4(mapped ? ipv4OfMapped(mapped) : host);
}

function isLoopbackV4(host: string): boolean {
  return /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** `::ffff:7f00:1` (how URL writes ::ffff:127.0.0.1) back to dotted form. */
function ipv4OfMapped(rest: string): string {
  if (rest.includes(".")) return rest;
  const [high = "0", low = "0"] = rest.split(":");
  const a = Number.parseInt(high, 16);
  const b = Number.parseInt(low, 16);
  return [a >> 8, a & 255, b >> 8, b & 255].join(".");
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
  STRIPE_PROMOTION_CODES: z.preprocess(emptyAsUndefined, z.enum(["on", "off"], { error: "expected on or off" }).default("off")),
  STRIPE_ADAPTIVE_PRICING: z.preprocess(emptyAsUndefined, z.enum(["on", "off"], { error: "expected on or off" }).default("off")),
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
  // Stripe allows 30 min to 24 h; the link's expiry is rounded up to the minute plus one, so 1438 is the most.
  CHECKOUT_EXPIRY_MINUTES: integer("minutes between 30 and 1438 (Stripe allows at most 24 hours; two minutes go to rounding)", 30, 1438).default(30),
  FULFILMENT_DEADLINE_MINUTES: integer("minutes between 5 and 10080", 5, 10080).default(120),
  CATALOGUE_MAX_AGE_HOURS: decimal("hours between 0.1 and 168", 0.1, 168).default(6),
  LOW_BALANCE_THRESHOLD: money("the provider balance that triggers a warning", 50),
  USAGE_CACHE_SECONDS: integer("seconds between 0 and 3600", 0, 3600).default(60),
  RETENTION_DAYS: integer("days between 7 and 3650", 7, 3650).default(90),
  REFUND_POLICY: z.preprocess(
    emptyAsUndefined,
    z.string().default("If we cannot deliver your eSIM, you get a full refund automatically. Unused eSIMs can be refunded within 14 days: contact support."),
  ),
  SUPPORT_CONTACT: optionalString,
  SANDBOX_BALANCE: decimal("a simulated eSIM Go balance", 0, 1_000_000).default(1000),
  SANDBOX_CHANNEL: z.preprocess(emptyAsUndefined, z.enum(["telegram", "whatsapp"], { error: "expected telegram or whatsapp" }).default("telegram")),
  WHATSAPP_ACCESS_TOKEN: z.preprocess(emptyAsUndefined, z.string().regex(/^\S{20,}$/, "expected a Cloud API access token (a long string without spaces)").optional()),
  WHATSAPP_PHONE_NUMBER_ID: z.preprocess(emptyAsUndefined, z.string().regex(/^\d{5,20}$/, "expected the numeric phone number id from Meta's app dashboard").optional()),
  WHATSAPP_APP_SECRET: z.preprocess(emptyAsUndefined, z.string().regex(/^[A-Za-z0-9]{16,}$/, "expected the Meta app secret (letters and digits)").optional()),
  WHATSAPP_VERIFY_TOKEN: z.preprocess(emptyAsUndefined, z.string().regex(/^\S{8,200}$/, "expected 8-200 characters without spaces, of your choosing").optional()),
  WHATSAPP_API_URL: url("the Graph API base with its version, e.g. https://graph.facebook.com/v26.0").default("https://graph.facebook.com/v26.0"),
  WHATSAPP_ADMIN_IDS: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .regex(/^\s*[A-Za-z0-9.]+(\s*,\s*[A-Za-z0-9.]+)*\s*$/, "expected comma-separated WhatsApp ids (phone numbers or business-scoped user ids)")
      .transform((v) => v.split(",").map((id) => id.trim()))
      .optional(),
  ),
  WHATSAPP_TEMPLATE_ESIM_READY: z.preprocess(emptyAsUndefined, z.string().regex(/^[a-z0-9_]{1,512}$/, "expected the name of an approved template (lowercase letters, digits, _)").optional()),
  WHATSAPP_TEMPLATE_LANGUAGES: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .regex(/^(en|ru|tr):[A-Za-z_]{2,10}(,(en|ru|tr):[A-Za-z_]{2,10})*$/, "expected language:code pairs, e.g. en:en_US,ru:ru,tr:tr")
      .transform((v) => Object.fromEntries(v.split(",").map((pair) => pair.split(":") as [string, string])))
      .optional(),
  ),
  TELEGRAM_STARS: z.preprocess(emptyAsUndefined, z.enum(["on", "off"], { error: "expected on or off" }).default("off")),
  STARS_USD_PER_STAR: decimal("what one Star is worth to the shop in US dollars, between 0.001 and 1 (e.g. 0.013)", 0.001, 1).default(0.013),
  METRICS_TOKEN: z.preprocess(emptyAsUndefined, z.string().regex(/^[\x21-\x7e]{16,256}$/, "expected 16-256 printable characters without spaces").optional()),
  METRICS_PORT: integer("a port number 0-65535", 0, 65535).optional(),
});

/** The settings that make the WhatsApp channel: all of them, or none. */
const WHATSAPP_KEYS = ["WHATSAPP_ACCESS_TOKEN", "WHATSAPP_PHONE_NUMBER_ID", "WHATSAPP_APP_SECRET", "WHATSAPP_VERIFY_TOKEN", "WHATSAPP_TEMPLATE_ESIM_READY"] as const;

type RawConfig = z.infer<typeof schema>;

/**
 * The bot's Telegram side. With no token the sandbox's terminal chat plays Telegram; webhook mode
 * needs a token, the public URL and the secret (the type says so: nothing is filled with `?? ""`).
 */
export type TelegramConfig = { adminIds: number[] } & (
  | { simulated: true; mode: "polling" }
  /** No token while another channel runs (WhatsApp, real or the sandbox's): no Telegram bot at all. */
  | { simulated: false; mode: "off" }
  | { simulated: false; token: string; apiRoot: string; mode: "polling" }
  | { simulated: false; token: string; apiRoot: string; mode: "webhook"; publicUrl: string; webhookSecret: string }
);

/** eSIM Go: the real one, the standalone simulator already running on this machine, or one the sandbox starts. */
export type EsimGoConfig =
  | { simulated: false; apiKey: string; apiUrl: string }
  /** ESIMGO_API_URL on this machine (`npm run sim:esimgo`): used as given, but never real. */
  | { simulated: true; apiKey: string; apiUrl: string }
  /** No ESIMGO_API_KEY: the sandbox starts a simulator with this balance. */
  | { simulated: true; embedded: true; balance: number };

/**
 * The WhatsApp Cloud API channel: on with every setting, off with none, or the sandbox's stand-in (no Telegram token
 * and SANDBOX_CHANNEL=whatsapp). Half its settings is an error, never a silent "off".
 */
export type WhatsAppConfig =
  | { mode: "off" }
  | { mode: "simulated" }
  | {
      mode: "on";
      accessToken: string;
      phoneNumberId: string;
      appSecret: string;
      verifyToken: string;
      apiUrl: string;
      adminIds: string[];
      /** The approved UTILITY template for messages outside the 24-hour window, and its language code per language. */
      template: { name: string; languages: Record<"en" | "ru" | "tr", string> };
    };

/** Stripe, or (no key) the sandbox's checkout stand-in. */
export type StripeConfig = { simulated: false; secretKey: string; webhookSecret: string; apiUrl?: string } | { simulated: true };

export interface Config {
  nodeEnv: RawConfig["NODE_ENV"];
  telegram: TelegramConfig;
  whatsapp: WhatsAppConfig;
  /** Public base of this server (PUBLIC_URL): Telegram's webhook, and the sandbox's payment links for a phone. */
  publicUrl?: string;
  database: { url?: string; dataDir: string };
  esimgo: EsimGoConfig;
  stripe: StripeConfig;
  http: { port: number; host: string };
  logLevel: RawConfig["LOG_LEVEL"];
  pricing: { markupPercent: number; fixedFeeMinor: number; minMarginMinor: number; rounding: "none" | "99" };
  checkoutExpiryMinutes: number;
  /** Checkout options: the buyer may enter a promotion code; the buyer may pay in a local currency (Adaptive Pricing). */
  checkout: { promotionCodes: boolean; adaptivePricing: boolean };
  fulfilmentDeadlineMinutes: number;
  catalogueMaxAgeMs: number;
  lowBalanceThresholdMinor: number;
  usageCacheSeconds: number;
  /** Kept only to drop duplicates (payment events, WhatsApp messages): purged after this many days. */
  retentionDays: number;
  refundPolicy: string;
  supportContact?: string;
  /** `/metrics`: on the main port behind the token, and/or on its own port on 127.0.0.1; neither set, not served. */
  metrics: { token?: string; port?: number };
  /** Payment in Telegram Stars beside the card (Telegram only): off, or on with what one Star is worth in dollars. */
  stars: { enabled: false } | { enabled: true; usdPerStar: number };
}

export type SimulatedParts = { database: boolean; esimgo: boolean; stripe: boolean; telegram: boolean; whatsapp: boolean };

/** Which outside parts run as local stand-ins (or, for the database, embedded) because their setting is absent. */
export function simulatedParts(config: Config): SimulatedParts {
  return {
    database: !config.database.url,
    esimgo: config.esimgo.simulated,
    stripe: config.stripe.simulated,
    telegram: config.telegram.simulated,
    whatsapp: config.whatsapp.mode === "simulated",
  };
}

/** Parses and checks the whole environment at once, reporting every bad key together. */
export function parseConfig(env: Environment): Config {
  const result = schema.safeParse(env);
  if (!result.success) {
    const badKeys = new Set(result.error.issues.map((issue) => String(issue.path[0] ?? "config")));
    const problems = result.error.issues.map((issue) => `${String(issue.path[0] ?? "config")}: ${issue.message}`);
    // The checks between settings too, on the rest (bad keys at their defaults), so one run names everything to fix.
    const rest = schema.safeParse(Object.fromEntries(Object.entries(env).filter(([key]) => !badKeys.has(key))));
    if (rest.success) problems.push(...crossChecks(rest.data).filter((problem) => !badKeys.has(problem.split(":")[0] ?? "")));
    throw new ConfigError(problems);
  }
  const problems = crossChecks(result.data);
  if (problems.length > 0) throw new ConfigError(problems);
  return toConfig(result.data);
}

const withoutTrailingSlash = (url: string) => url.replace(/\/+$/, "");

/** Only for settings that passed `crossChecks`: the unions below rely on what it guarantees. */
function toConfig(raw: RawConfig): Config {
  const publicUrl = raw.PUBLIC_URL === undefined ? undefined : withoutTrailingSlash(raw.PUBLIC_URL);
  return {
    nodeEnv: raw.NODE_ENV,
    telegram: { adminIds: raw.ADMIN_IDS ?? [], ...telegramOf(raw, publicUrl) },
    whatsapp: whatsappOf(raw),
    ...(publicUrl ? { publicUrl } : {}),
    database: { url: raw.DATABASE_URL, dataDir: raw.DATA_DIR },
    esimgo: esimgoOf(raw),
    stripe:
      raw.STRIPE_SECRET_KEY && raw.STRIPE_WEBHOOK_SECRET
        ? { simulated: false, secretKey: raw.STRIPE_SECRET_KEY, webhookSecret: raw.STRIPE_WEBHOOK_SECRET, ...(raw.STRIPE_API_URL ? { apiUrl: raw.STRIPE_API_URL } : {}) }
        : { simulated: true },
    http: { port: raw.PORT, host: raw.HOST },
    logLevel: raw.LOG_LEVEL,
    pricing: {
      markupPercent: raw.PRICE_MARKUP_PERCENT,
      fixedFeeMinor: raw.PRICE_FIXED_FEE,
      minMarginMinor: raw.PRICE_MIN_MARGIN,
      rounding: raw.PRICE_ROUNDING,
    },
    checkoutExpiryMinutes: raw.CHECKOUT_EXPIRY_MINUTES,
    checkout: { promotionCodes: raw.STRIPE_PROMOTION_CODES === "on", adaptivePricing: raw.STRIPE_ADAPTIVE_PRICING === "on" },
    fulfilmentDeadlineMinutes: raw.FULFILMENT_DEADLINE_MINUTES,
    catalogueMaxAgeMs: Math.round(raw.CATALOGUE_MAX_AGE_HOURS * 3_600_000),
    lowBalanceThresholdMinor: raw.LOW_BALANCE_THRESHOLD,
    usageCacheSeconds: raw.USAGE_CACHE_SECONDS,
    retentionDays: raw.RETENTION_DAYS,
    refundPolicy: raw.REFUND_POLICY,
    supportContact: raw.SUPPORT_CONTACT,
    metrics: { token: raw.METRICS_TOKEN, port: raw.METRICS_PORT },
    stars: raw.TELEGRAM_STARS === "on" ? { enabled: true, usdPerStar: raw.STARS_USD_PER_STAR } : { enabled: false },
  };
}

function telegramOf(raw: RawConfig, publicUrl: string | undefined): DistributiveOmit<TelegramConfig, "adminIds"> {
  if (!raw.TELEGRAM_BOT_TOKEN) return whatsappConfigured(raw) || raw.SANDBOX_CHANNEL === "whatsapp" ? { simulated: false, mode: "off" } : { simulated: true, mode: "polling" };
  const bot = { simulated: false as const, token: raw.TELEGRAM_BOT_TOKEN, apiRoot: withoutTrailingSlash(raw.TELEGRAM_API_ROOT) };
  if (raw.BOT_MODE === "webhook" && publicUrl && raw.TELEGRAM_WEBHOOK_SECRET) return { ...bot, mode: "webhook", publicUrl, webhookSecret: raw.TELEGRAM_WEBHOOK_SECRET };
  return { ...bot, mode: "polling" };
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

function whatsappConfigured(raw: RawConfig): boolean {
  return WHATSAPP_KEYS.every((key) => raw[key] !== undefined);
}

function whatsappOf(raw: RawConfig): WhatsAppConfig {
  if (whatsappConfigured(raw)) {
    return {
      mode: "on",
      accessToken: raw.WHATSAPP_ACCESS_TOKEN!,
      phoneNumberId: raw.WHATSAPP_PHONE_NUMBER_ID!,
      appSecret: raw.WHATSAPP_APP_SECRET!,
      verifyToken: raw.WHATSAPP_VERIFY_TOKEN!,
      apiUrl: withoutTrailingSlash(raw.WHATSAPP_API_URL),
      adminIds: raw.WHATSAPP_ADMIN_IDS ?? [],
      template: { name: raw.WHATSAPP_TEMPLATE_ESIM_READY!, languages: { en: "en", ru: "ru", tr: "tr", ...raw.WHATSAPP_TEMPLATE_LANGUAGES } },
    };
  }
  return !raw.TELEGRAM_BOT_TOKEN && raw.SANDBOX_CHANNEL === "whatsapp" ? { mode: "simulated" } : { mode: "off" };
}

function esimgoOf(raw: RawConfig): EsimGoConfig {
  const apiUrl = withoutTrailingSlash(raw.ESIMGO_API_URL);
  if (!raw.ESIMGO_API_KEY) return { simulated: true, embedded: true, balance: raw.SANDBOX_BALANCE };
  const api = { apiKey: raw.ESIMGO_API_KEY, apiUrl };
  return isLocalHost(apiUrl) ? { simulated: true, ...api } : { simulated: false, ...api };
}

/** Which parts the raw settings leave to a stand-in (the same rules as `simulatedParts`). */
function simulatedRaw(raw: RawConfig): SimulatedParts {
  return {
    database: !raw.DATABASE_URL,
    esimgo: !raw.ESIMGO_API_KEY || isLocalHost(raw.ESIMGO_API_URL),
    stripe: !raw.STRIPE_SECRET_KEY,
    telegram: !raw.TELEGRAM_BOT_TOKEN && !whatsappConfigured(raw) && raw.SANDBOX_CHANNEL === "telegram",
    whatsapp: !raw.TELEGRAM_BOT_TOKEN && !whatsappConfigured(raw) && raw.SANDBOX_CHANNEL === "whatsapp",
  };
}

function crossChecks(raw: RawConfig): string[] {
  const problems: string[] = [];
  const simulated = simulatedRaw(raw);
  if (raw.STRIPE_SECRET_KEY && !raw.STRIPE_WEBHOOK_SECRET) {
    problems.push("STRIPE_WEBHOOK_SECRET: required with STRIPE_SECRET_KEY (the whsec_... secret of the webhook endpoint)");
  }
  if (raw.STRIPE_SECRET_KEY?.includes("_live_") && simulated.esimgo) {
    problems.push("STRIPE_SECRET_KEY: a live Stripe key needs a real eSIM Go (ESIMGO_API_KEY set, ESIMGO_API_URL not on this machine): real money must never meet a simulated provider");
  }
  if (!simulated.esimgo && simulated.stripe) {
    problems.push("STRIPE_SECRET_KEY: a real eSIM Go key needs a real Stripe (set STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET): real eSIMs must never be sold through a simulated checkout");
  }
  if (raw.TELEGRAM_STARS === "on" && !simulated.esimgo && (simulated.telegram || isLocalHost(raw.TELEGRAM_API_ROOT))) {
    problems.push("TELEGRAM_STARS: a real eSIM Go key needs the real Telegram to take Stars (TELEGRAM_BOT_TOKEN set, TELEGRAM_API_ROOT not on this machine): real eSIMs must never be sold for simulated Stars");
  }
  if (raw.BOT_MODE === "webhook") {
    if (!raw.PUBLIC_URL) problems.push("PUBLIC_URL: required when BOT_MODE=webhook (Telegram posts to PUBLIC_URL/webhooks/telegram)");
    if (!raw.TELEGRAM_WEBHOOK_SECRET) problems.push("TELEGRAM_WEBHOOK_SECRET: required when BOT_MODE=webhook");
    if (simulated.telegram) problems.push("TELEGRAM_BOT_TOKEN: required when BOT_MODE=webhook");
  }
  const missing = WHATSAPP_KEYS.filter((key) => raw[key] === undefined);
  if (missing.length > 0 && missing.length < WHATSAPP_KEYS.length) {
    problems.push(...missing.map((key) => `${key}: required with the other WhatsApp settings (the channel needs all of ${WHATSAPP_KEYS.join(", ")})`));
  }
  if (raw.METRICS_PORT !== undefined && raw.METRICS_PORT !== 0 && raw.METRICS_PORT === raw.PORT) {
    problems.push("METRICS_PORT: must differ from PORT (it is a second server, on 127.0.0.1)");
  }
  if (raw.NODE_ENV === "production") problems.push(...productionProblems(raw, simulated));
  return problems;
}

const PRODUCTION_KEYS: [keyof SimulatedParts, string][] = [
  ["database", "DATABASE_URL"],
  ["esimgo", "ESIMGO_API_KEY"],
  ["stripe", "STRIPE_SECRET_KEY"],
];

function productionProblems(raw: RawConfig, simulated: SimulatedParts): string[] {
  const problems = PRODUCTION_KEYS.filter(([part]) => simulated[part]).map(([part, key]) =>
    part === "esimgo" && raw.ESIMGO_API_KEY
      ? "ESIMGO_API_URL: must not point at this machine when NODE_ENV=production (a local eSIM Go is the simulator)"
      : `${key}: required when NODE_ENV=production (no simulated ${key.split("_")[0]?.toLowerCase()} in production)`,
  );
  if (!raw.TELEGRAM_BOT_TOKEN && !whatsappConfigured(raw)) {
    problems.push("TELEGRAM_BOT_TOKEN: required when NODE_ENV=production unless WhatsApp is configured (a shop needs at least one real channel)");
  }
  // Telegram is the channel unless WhatsApp is configured: its operators are named with it.
  if (!whatsappConfigured(raw) && !raw.ADMIN_IDS?.length) problems.push("ADMIN_IDS: required when NODE_ENV=production (who gets alerts and admin commands)");
  if (whatsappConfigured(raw) && !raw.WHATSAPP_ADMIN_IDS?.length) problems.push("WHATSAPP_ADMIN_IDS: required when NODE_ENV=production with WhatsApp (who gets alerts and admin commands there)");
  if (raw.STRIPE_API_URL) problems.push("STRIPE_API_URL: must be unset when NODE_ENV=production (it points Stripe at a stand-in)");
  if (raw.STRIPE_SECRET_KEY && /^(sk|rk)_test_/.test(raw.STRIPE_SECRET_KEY)) {
    problems.push("STRIPE_SECRET_KEY: a test key cannot take real money: production needs sk_live_... or rk_live_... (a test payment would buy a real eSIM)");
  }
  return problems;
}

/** Every secret value, so the logger can scrub them wherever they appear. */
export function secretValues(config: Config): string[] {
  const { telegram, esimgo, stripe } = config;
  return [
    "token" in telegram ? telegram.token : undefined,
    telegram.mode === "webhook" ? telegram.webhookSecret : undefined,
    "apiKey" in esimgo ? esimgo.apiKey : undefined,
    stripe.simulated ? undefined : stripe.secretKey,
    stripe.simulated ? undefined : stripe.webhookSecret,
    config.whatsapp.mode === "on" ? config.whatsapp.accessToken : undefined,
    config.whatsapp.mode === "on" ? config.whatsapp.appSecret : undefined,
    config.whatsapp.mode === "on" ? config.whatsapp.verifyToken : undefined,
    config.metrics.token,
    ...passwordForms(config.database.url),
  ].filter((v): v is string => typeof v === "string" && v.length >= 6);
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
