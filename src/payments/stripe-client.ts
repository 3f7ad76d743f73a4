import Stripe from "stripe";

export interface StripeClientOptions {
  secretKey: string;
  /** STRIPE_API_URL: a local stand-in (http://127.0.0.1:12111); unset means api.stripe.com. */
  apiUrl?: string;
  timeoutMs?: number;
}

/** Short timeout and few retries: checkout runs inside a chat update that must answer quickly. */
export function createStripeClient(options: StripeClientOptions): Stripe {
  return new Stripe(options.secretKey, {
    timeout: options.timeoutMs ?? 8_000,
    maxNetworkRetries: 1,
    ...(options.apiUrl ? endpointOf(options.apiUrl) : {}),
  });
}

function endpointOf(apiUrl: string): { host: string; port: number; protocol: "http" | "https" } {
  const url = new URL(apiUrl);
  const protocol = url.protocol === "http:" ? "http" : "https";
  const port = url.port ? Number(url.port) : protocol === "http" ? 80 : 443;
  return { host: url.hostname, port, protocol };
}
