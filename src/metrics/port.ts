/** Where a webhook came from, and what became of it (`esimshop_webhooks_total`). */
export type WebhookSource = "stripe" | "esimgo" | "telegram" | "whatsapp";
export type WebhookCount = "applied" | "duplicate" | "refused" | "failed";

/**
 * What the shop counts. The parts that count take this port (or the one method they need) through their deps; the
 * Prometheus registry behind it is made once per app. `noMetrics` is the default wherever nobody looks.
 */
export interface Metrics {
  /** One HTTP attempt at eSIM Go: `endpoint` like "GET /catalogue", `code` the HTTP status or "error" (no answer). */
  providerRequest(endpoint: string, code: string, seconds: number): void;
  webhook(source: WebhookSource, outcome: WebhookCount): void;
  /** One chat update received on a channel. */
  update(channel: string): void;
  /** An order became paid. */
  payment(method: string, currency: string): void;
  /** An order was delivered, `seconds` after it was paid. */
  fulfilled(seconds: number): void;
  /** The eSIM Go balance just read, in the account currency (major units). */
  balance(amount: number): void;
}

export const noMetrics: Metrics = {
  providerRequest: () => {},
  webhook: () => {},
  update: () => {},
  payment: () => {},
  fulfilled: () => {},
  balance: () => {},
};
