import { startStripeSim } from "../src/index.ts";
import { SECRET_KEY, WEBHOOK_SECRET } from "./setup.ts";
import { WebhookReceiver } from "./receiver.ts";

/** What the stand-in sent, by name, with the stripe SDK type it must satisfy. */
export interface Recorded {
  name: string;
  sdkType: string;
  value: unknown;
}

/** A fixed account clock, so a recording differs from the last only where the stand-in changed. */
const CLOCK_MS = Date.UTC(2026, 0, 15, 12, 0, 0);

/**
 * Drives every object and event the stand-in serves through one shop's life (a link expires, a card payment,
 * a partial refund, a failing refund, two asynchronous payments) and keeps the raw JSON it sent.
 */
export async function recordStandIn(): Promise<Recorded[]> {
  const receiver = new WebhookReceiver(WEBHOOK_SECRET);
  const webhookUrl = await receiver.start();
  const sim = await startStripeSim({ webhookSecret: WEBHOOK_SECRET, secretKey: SECRET_KEY, webhookUrl, enabledEvents: ["*"], clock: () => CLOCK_MS });
  const api = async (method: "GET" | "POST", path: string, form: Record<string, string> = {}): Promise<Record<string, unknown>> => {
    const body = new URLSearchParams(form).toString();
    const url = method === "GET" && body ? `${sim.apiUrl}${path}?${body}` : `${sim.apiUrl}${path}`;
    const response = await fetch(url, {
      method,
      headers: { authorization: `Bearer ${SECRET_KEY}`, "content-type": "application/x-www-form-urlencoded" },
      ...(method === "POST" ? { body } : {}),
    });
    const json = (await response.json()) as Record<string, unknown>;
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(json)}`);
    return json;
  };
  const session = (orderId: number) =>
    api("POST", "/v1/checkout/sessions", {
      mode: "payment",
      "line_items[0][quantity]": "1",
      "line_items[0][price_data][currency]": "eur",
      "line_items[0][price_data][unit_amount]": "1999",
      "line_items[0][price_data][product_data][name]": "Travel eSIM — Germany 1 GB, 7 days",
      client_reference_id: String(orderId),
      "metadata[order_id]": String(orderId),
      "payment_intent_data[metadata][order_id]": String(orderId),
      expires_at: String(CLOCK_MS / 1000 + 3600),
      success_url: `https://t.me/esim_shop_bot?start=paid_${orderId}`,
      cancel_url: `https://t.me/esim_shop_bot?start=cancelled_${orderId}`,
    });

  try {
    const recorded: Recorded[] = [];
    const keep = (name: string, sdkType: string, value: unknown) => recorded.push({ name, sdkType, value });
    const open = await session(1);
    keep("checkoutSessionOpen", "Stripe.Checkout.Session", open);
    keep("checkoutSessionExpired", "Stripe.Checkout.Session", await api("POST", `/v1/checkout/sessions/${String(open.id)}/expire`));

    const paid = await session(2);
    await sim.control.pay(String(paid.id));
    const complete = await api("GET", `/v1/checkout/sessions/${String(paid.id)}`);
    keep("checkoutSessionComplete", "Stripe.Checkout.Session", complete);
    keep("checkoutSessionExpanded", "Stripe.Checkout.Session", await api("GET", `/v1/checkout/sessions/${String(paid.id)}`, { "expand[0]": "payment_intent" }));
    const paymentIntent = String(complete.payment_intent);
    keep("paymentIntent", "Stripe.PaymentIntent", await api("GET", `/v1/payment_intents/${paymentIntent}`));
    keep("refundSucceeded", "Stripe.Refund", await api("POST", "/v1/refunds", { payment_intent: paymentIntent, amount: "500", "metadata[order_id]": "2", "metadata[attempt]": "1" }));
    sim.control.failRefunds(true);
    const failing = await api("POST", "/v1/refunds", { payment_intent: paymentIntent, "metadata[order_id]": "2", "metadata[attempt]": "2" });
    keep("refundPending", "Stripe.Refund", failing);
    keep("refundFailed", "Stripe.Refund", await api("GET", `/v1/refunds/${String(failing.id)}`));
    keep("refundList", "Stripe.ApiList<Stripe.Refund>", await api("GET", "/v1/refunds", { payment_intent: paymentIntent }));

    const settles = await session(3);
    await sim.control.pay(String(settles.id), { async: true });
    await sim.control.asyncPaymentSucceeded(String(settles.id));
    const declines = await session(4);
    await sim.control.pay(String(declines.id), { async: true });
    await sim.control.asyncPaymentFailed(String(declines.id));

    // A promotion code and Adaptive Pricing: the discount and the buyer's currency on the session, payment and refund.
    sim.control.failRefunds(false);
    sim.control.createPromotionCode({ code: "SPRING", percentOff: 20 });
    const discounted = await api("POST", "/v1/checkout/sessions", {
      mode: "payment",
      "line_items[0][quantity]": "1",
      "line_items[0][price_data][currency]": "usd",
      "line_items[0][price_data][unit_amount]": "1999",
      "line_items[0][price_data][product_data][name]": "Travel eSIM — Germany 1 GB, 7 days",
      "metadata[order_id]": "5",
      "payment_intent_data[metadata][order_id]": "5",
      expires_at: String(CLOCK_MS / 1000 + 3600),
      allow_promotion_codes: "true",
      "adaptive_pricing[enabled]": "true",
    });
    await sim.control.pay(String(discounted.id), { promotionCode: "SPRING", presentmentCurrency: "eur", fxRate: 0.92 });
    const discountedPaid = await api("GET", `/v1/checkout/sessions/${String(discounted.id)}`, { "expand[0]": "payment_intent" });
    keep("checkoutSessionDiscountedPresented", "Stripe.Checkout.Session", discountedPaid);
    const presentedIntent = (discountedPaid.payment_intent as { id: string }).id;
    keep("paymentIntentPresented", "Stripe.PaymentIntent", await api("GET", `/v1/payment_intents/${presentedIntent}`));
    keep("refundPresented", "Stripe.Refund", await api("POST", "/v1/refunds", { payment_intent: presentedIntent, "metadata[order_id]": "5" }));

    await sim.control.idle();
    const seen = new Set<string>();
    for (const webhook of receiver.received) {
      const event = JSON.parse(webhook.rawBody) as { type: string };
      if (seen.has(event.type)) continue;
      seen.add(event.type);
      keep(`${camel(event.type)}Event`, `Stripe.${pascal(event.type)}Event`, event);
    }
    return recorded;
  } finally {
    await sim.close();
    await receiver.close();
  }
}

function pascal(type: string): string {
  return type
    .split(/[._]/)
    .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
    .join("");
}

function camel(type: string): string {
  const name = pascal(type);
  return name.charAt(0).toLowerCase() + name.slice(1);
}

/** Key paths and JSON types: what must not drift (values may). */
export function shapeOf(value: unknown): unknown {
  if (value === null) return "null";
  if (Array.isArray(value)) return [...new Set(value.map((item) => JSON.stringify(shapeOf(item))))].sort();
  if (typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([key, inner]) => [key, shapeOf(inner)]),
    );
  }
  return typeof value;
}

/** The recording as a TypeScript module that `tsc` checks against the SDK, with random ids made stable. */
export function renderModule(recorded: readonly Recorded[]): string {
  const ids = new Map<string, string>();
  const counters = new Map<string, number>();
  const stable = (text: string) =>
    text
      .replace(/http:\/\/127\.0\.0\.1:\d+/g, "http://127.0.0.1:12111")
      .replace(/_secret_[A-Za-z0-9]+/g, "_secret_recorded")
      .replace(/"reference": "\d+"/g, '"reference": "74537604231230123456789"')
      .replace(/\b(cs_test|pi|ch|re|evt|req|pm|txn|li|promo)_[A-Za-z0-9]{10,}/g, (id: string, prefix: string) => {
        let stableId = ids.get(id);
        if (!stableId) {
          const next = (counters.get(prefix) ?? 0) + 1;
          counters.set(prefix, next);
          stableId = `${prefix}_recorded${String(next).padStart(3, "0")}`;
          ids.set(id, stableId);
        }
        return stableId;
      });
  const blocks = recorded.map(({ name, sdkType, value }) => `export const ${name} = ${stable(JSON.stringify(value, null, 2))} satisfies ${sdkType};\n`);
  return [
    "// Recorded from the Stripe stand-in by test/sdk-types.test.ts; rewrite it with",
    "// UPDATE_STRIPE_RECORDING=1 npx vitest run --project stripe-sim test/sdk-types.test.ts",
    "// `npm run typecheck` checks every object against the stripe SDK's own type: a missing, unknown or mistyped field fails.",
    'import type Stripe from "stripe";',
    "",
    ...blocks,
  ].join("\n");
}
