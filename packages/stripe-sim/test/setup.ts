import Stripe from "stripe";
import { startStripeSim, type StartedStripeSim, type StripeSimOptions } from "../src/index.ts";
import { WebhookReceiver } from "./receiver.ts";

export const WEBHOOK_SECRET = "whsec_test_stripe_sim_secret";
export const SECRET_KEY = "sk_test_stripe_sim_4242";

export interface Harness {
  sim: StartedStripeSim;
  stripe: Stripe;
  receiver: WebhookReceiver;
  close(): Promise<void>;
}

export async function startHarness(options: Partial<StripeSimOptions> = {}): Promise<Harness> {
  const receiver = new WebhookReceiver(WEBHOOK_SECRET);
  const webhookUrl = await receiver.start();
  const sim = await startStripeSim({ webhookSecret: WEBHOOK_SECRET, webhookUrl, secretKey: SECRET_KEY, webhookRetryDelaysMs: [5, 10, 20], ...options });
  const stripe = sdkFor(sim.apiUrl, SECRET_KEY);
  return {
    sim,
    stripe,
    receiver,
    close: async () => {
      await sim.control.idle();
      await sim.close();
      await receiver.close();
    },
  };
}

export function sdkFor(apiUrl: string, key: string): Stripe {
  const url = new URL(apiUrl);
  return new Stripe(key, { host: url.hostname, port: Number(url.port), protocol: "http", maxNetworkRetries: 0 });
}

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/** What the shop sends for one order (see src/payments): one line item, order id in metadata, 1 h expiry. */
export function orderSessionParams(orderId: number, overrides: Partial<Stripe.Checkout.SessionCreateParams> = {}): Stripe.Checkout.SessionCreateParams {
  return {
    mode: "payment",
    line_items: [
      {
        quantity: 1,
        price_data: {
          currency: "eur",
          unit_amount: 1999,
          product_data: { name: "Travel eSIM — Germany 1 GB, 7 days", description: "Data only, 4G/5G" },
        },
      },
    ],
    client_reference_id: String(orderId),
    metadata: { order_id: String(orderId) },
    payment_intent_data: { metadata: { order_id: String(orderId) } },
    expires_at: nowSeconds() + 3600,
    success_url: `https://shop.example/paid?session={CHECKOUT_SESSION_ID}`,
    cancel_url: `https://shop.example/cancelled/${orderId}`,
    ...overrides,
  };
}
