import pino, { type Logger } from "pino";

export type { Logger };

const REDACTED_PATHS = [
  "token",
  "apiKey",
  "secret",
  "password",
  "*.token",
  "*.apiKey",
  "*.secret",
  "*.password",
  "headers.authorization",
  'headers["x-api-key"]',
  'headers["stripe-signature"]',
  'headers["x-telegram-bot-api-secret-token"]',
  "config.telegram.token",
  "config.telegram.webhookSecret",
  "config.esimgo.apiKey",
  "config.stripe.secretKey",
  "config.stripe.webhookSecret",
];

/**
 * Structured logs with secrets removed twice: known keys are redacted, and the secret values
 * themselves are scrubbed from every line (a bot token inside an error URL, say).
 */
export function createLogger(options: { level: string; secrets?: string[]; destination?: pino.DestinationStream }): Logger {
  const scrub = secretScrubber(options.secrets ?? []);
  return pino(
    {
      level: options.level,
      redact: { paths: REDACTED_PATHS, censor: "[REDACTED]" },
      ...(scrub ? { hooks: { streamWrite: scrub } } : {}),
    },
    options.destination ?? pino.destination({ dest: 1, sync: false }),
  );
}

/**
 * Replaces every secret in a text with [REDACTED]: as written, and as it appears inside a JSON
 * string (a password with a quote or a backslash is escaped there). Undefined when there is nothing to hide.
 */
export function secretScrubber(secrets: readonly string[]): ((text: string) => string) | undefined {
  const forms = [...new Set(secrets.filter((s) => s.length >= 6).flatMap((s) => [s, JSON.stringify(s).slice(1, -1)]))].sort((a, b) => b.length - a.length);
  if (forms.length === 0) return undefined;
  return (text) => forms.reduce((scrubbed, secret) => scrubbed.split(secret).join("[REDACTED]"), text);
}
