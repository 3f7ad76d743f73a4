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
  "config.esimgo.apiKey",
  "config.stripe.secretKey",
  "config.stripe.webhookSecret",
];

/**
 * Structured logs with secrets removed twice: known keys are redacted, and the secret values
 * themselves are scrubbed from every line (a bot token inside an error URL, say).
 */
export function createLogger(options: { level: string; secrets?: string[]; destination?: pino.DestinationStream }): Logger {
  const secrets = (options.secrets ?? []).filter((s) => s.length >= 6);
  const scrub = (line: string) => secrets.reduce((text, secret) => text.split(secret).join("[REDACTED]"), line);
  return pino(
    {
      level: options.level,
      redact: { paths: REDACTED_PATHS, censor: "[REDACTED]" },
      ...(secrets.length > 0 ? { hooks: { streamWrite: scrub } } : {}),
    },
    options.destination ?? pino.destination({ dest: 1, sync: false }),
  );
}
