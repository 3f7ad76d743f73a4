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
 * What installs an eSIM is as good as the eSIM: an LPA string ("LPA:1$smdp$matching-id"), in plain or URL-encoded
 * form (inside an install link). A failed send of the QR carries it in its request payload and error text.
 */
const ACTIVATION_CODE = /LPA(?::|%3A)1(?:\$|%24)[^\s"'&<>\\]+/gi;
/** Request payloads of failed API calls (grammY keeps them on its errors): captions, texts, codes. */
const PAYLOAD_FIELDS = ["payload", "body", "caption"];

/**
 * Structured logs with secrets removed three ways: known keys are redacted, the secret values themselves are scrubbed
 * from every line (a bot token inside an error URL, say), and so is every activation code.
 */
export function createLogger(options: { level: string; secrets?: string[]; destination?: pino.DestinationStream }): Logger {
  const scrubSecrets = secretScrubber(options.secrets ?? []);
  const scrub = (line: string) => (scrubSecrets ? scrubSecrets(line) : line).replace(ACTIVATION_CODE, "LPA:[REDACTED]");
  return pino(
    {
      level: options.level,
      redact: { paths: [...REDACTED_PATHS, ...PAYLOAD_FIELDS.flatMap((field) => [`err.${field}`, `err.error.${field}`])], censor: "[REDACTED]" },
      hooks: { streamWrite: scrub },
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
