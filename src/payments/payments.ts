import type Stripe from "stripe";
import type { RefundStatus } from "../db/schema.ts";
import { checkoutSessionSchema, chargeSchema, orderIdOf, refundAttemptOf, refundSchema } from "./stripe-objects.ts";
import type { PaymentEvent } from "./events.ts";

export interface PaymentsSettings {
  checkoutExpiryMinutes: number;
  webhookSecret: string;
  /** First words of the product name on the checkout page and the card statement. */
  productNamePrefix?: string;
}

export interface PaymentsDeps {
  stripe: Stripe;
  settings: PaymentsSettings;
}

/** What a Checkout Session is made from: the order as stored (price from the database, never from a button). */
export interface ChargeableOrder {
  id: number;
  kind: "new" | "topup";
  bundleDescription: string;
  priceMinor: number;
  currency: string;
  createdAt: Date;
}

/** Where Stripe sends the buyer after paying or cancelling: back into the chat they came from. */
export interface ReturnUrls {
  successUrl: string;
  cancelUrl: string;
}

export interface CheckoutLink {
  sessionId: string;
  url: string;
  expiresAt: Date;
}

export interface RefundRequest {
  orderId: number;
  paymentIntentId: string;
  amountMinor: number;
  /** Stripe replays the first answer given under a key: a new key only when a new refund is meant. */
  idempotencyKey: string;
  /** Our attempt number (1, 2, ...); absent for the refund of a duplicate payment. */
  attempt?: number;
}

export interface RefundResult {
  refundId: string;
  status: RefundStatus;
  amountMinor: number;
  currency: string;
  failureReason?: string;
}

export type WebhookReading = { kind: "event"; event: PaymentEvent } | { kind: "refused"; why: string } | { kind: "malformed"; eventId: string; type: string; why: string };

/** The Stripe adapter: Checkout Sessions, refunds, and webhooks turned into typed payment events. No database. */
export interface Payments {
  /** Creates the order's Checkout Session; one per order, ever (idempotency key per order and deployment). */
  createCheckoutSession(order: ChargeableOrder, returnUrls: ReturnUrls, now?: Date): Promise<CheckoutLink>;
  /** Asks Stripe for a refund; throws when Stripe could not be asked or refused to create one. */
  refund(request: RefundRequest): Promise<RefundResult>;
  /** Verifies the signature on the raw body and reads the event; never throws. */
  readWebhook(rawBody: string, signature: string | undefined): WebhookReading;
}

export function createPayments(deps: PaymentsDeps): Payments {
  return {
    createCheckoutSession: (order, returnUrls, now = new Date()) => createCheckoutSession(deps, order, returnUrls, now),
    refund: (request) => refund(deps, request),
    readWebhook: (rawBody, signature) => readWebhook(deps, rawBody, signature),
  };
}

async function createCheckoutSession(deps: PaymentsDeps, order: ChargeableOrder, returnUrls: ReturnUrls, now: Date): Promise<CheckoutLink> {
  const expiresAt = checkoutExpiry(now, deps.settings.checkoutExpiryMinutes);
  const session = await deps.stripe.checkout.sessions.create(sessionParams(deps.settings, order, returnUrls, expiresAt), {
    // One key per order, ever: a retry (the SDK's, after a lost answer) gets the same session back, and Stripe refuses
    // a second, different session under it. The creation time keeps keys apart across a database that was reset.
    idempotencyKey: checkoutIdempotencyKey(order),
  });
  if (!session.url) throw new Error(`order ${order.id}: Stripe returned checkout session ${session.id} without a url`);
  return { sessionId: session.id, url: session.url, expiresAt: new Date(session.expires_at * 1000) };
}

export function checkoutIdempotencyKey(order: Pick<ChargeableOrder, "id" | "createdAt">): string {
  return `checkout:${order.id}:${order.createdAt.getTime()}`;
}

// Rounded up to the minute (deterministic within a minute) plus one minute so Stripe's 30-minute floor always holds.
function checkoutExpiry(now: Date, minutes: number): Date {
  const minute = 60_000;
  return new Date(Math.ceil(now.getTime() / minute) * minute + (minutes + 1) * minute);
}

function sessionParams(settings: PaymentsSettings, order: ChargeableOrder, returnUrls: ReturnUrls, expiresAt: Date): Stripe.Checkout.SessionCreateParams {
  const orderId = String(order.id);
  return {
    mode: "payment",
    line_items: [
      {
        quantity: 1,
        price_data: {
          currency: order.currency.toLowerCase(),
          unit_amount: order.priceMinor,
          product_data: { name: productName(settings, order) },
        },
      },
    ],
    client_reference_id: orderId,
    metadata: { order_id: orderId },
    payment_intent_data: { metadata: { order_id: orderId } },
    expires_at: Math.floor(expiresAt.getTime() / 1000),
    success_url: returnUrls.successUrl,
    cancel_url: returnUrls.cancelUrl,
  };
}

export function productName(settings: Pick<PaymentsSettings, "productNamePrefix">, order: Pick<ChargeableOrder, "bundleDescription" | "kind">): string {
  const prefix = settings.productNamePrefix ?? "Travel eSIM";
  const kind = order.kind === "topup" ? " top-up" : "";
  return `${prefix}${kind} — ${order.bundleDescription}`.slice(0, 250);
}

async function refund(deps: PaymentsDeps, request: RefundRequest): Promise<RefundResult> {
  const metadata: Record<string, string> = { order_id: String(request.orderId) };
  if (request.attempt !== undefined) metadata.attempt = String(request.attempt);
  else metadata.duplicate = "true";
  const created = await deps.stripe.refunds.create(
    { payment_intent: request.paymentIntentId, amount: request.amountMinor, metadata },
    { idempotencyKey: request.idempotencyKey },
  );
  const parsed = refundSchema.parse(created);
  return {
    refundId: parsed.id,
    status: refundStatusOf(parsed.status),
    amountMinor: parsed.amount,
    currency: parsed.currency.toUpperCase(),
    ...(parsed.failure_reason ? { failureReason: parsed.failure_reason } : {}),
  };
}

export function refundStatusOf(stripeStatus: string | null | undefined): RefundStatus {
  if (stripeStatus === "succeeded") return "succeeded";
  if (stripeStatus === "failed" || stripeStatus === "canceled") return "failed";
  return "pending";
}

function readWebhook(deps: PaymentsDeps, rawBody: string, signature: string | undefined): WebhookReading {
  if (!signature) return { kind: "refused", why: "missing Stripe-Signature header" };
  let event: Stripe.Event;
  try {
    event = deps.stripe.webhooks.constructEvent(rawBody, signature, deps.settings.webhookSecret);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    // Signed by us but not JSON: the sender is genuine, the body is not an event.
    if (error instanceof SyntaxError) return { kind: "malformed", eventId: "", type: "", why };
    return { kind: "refused", why };
  }
  try {
    return { kind: "event", event: toPaymentEvent(event) };
  } catch (error) {
    return { kind: "malformed", eventId: event.id, type: event.type, why: error instanceof Error ? error.message : String(error) };
  }
}

/** Event payloads are parsed, not trusted: only what the money path reads, checked for shape. */
function toPaymentEvent(event: Stripe.Event): PaymentEvent {
  const base = { provider: "stripe" as const, eventId: event.id, eventType: event.type, livemode: event.livemode };
  const object: unknown = event.data.object;
  switch (event.type) {
    case "checkout.session.completed":
    case "checkout.session.async_payment_succeeded":
    case "checkout.session.async_payment_failed":
    case "checkout.session.expired": {
      const session = checkoutSessionSchema.parse(object);
      const common = { ...base, orderId: orderIdOf(session), sessionId: session.id, paymentIntentId: session.payment_intent };
      if (event.type === "checkout.session.expired") return { ...common, type: "link_expired" };
      if (event.type === "checkout.session.async_payment_failed") return { ...common, type: "payment_failed" };
      if (session.payment_status !== "paid") return { ...common, type: "payment_processing", paymentStatus: session.payment_status };
      return { ...common, type: "paid", amountMinor: session.amount_total ?? null, currency: session.currency?.toUpperCase() ?? null };
    }
    case "charge.refunded": {
      const charge = chargeSchema.parse(object);
      return {
        ...base,
        type: "charge_refunded",
        orderId: orderIdOf({ metadata: charge.metadata }),
        chargeId: charge.id,
        paymentIntentId: charge.payment_intent,
        amountRefundedMinor: charge.amount_refunded,
        fullyRefunded: charge.refunded,
      };
    }
    case "refund.created":
    case "refund.updated":
    case "refund.failed": {
      const refund = refundSchema.parse(object);
      const attempt = refundAttemptOf(refund.metadata);
      return {
        ...base,
        type: "refund_changed",
        orderId: orderIdOf({ metadata: refund.metadata }),
        refundId: refund.id,
        paymentIntentId: refund.payment_intent,
        amountMinor: refund.amount,
        status: event.type === "refund.failed" ? "failed" : refundStatusOf(refund.status),
        ...(attempt !== undefined ? { attempt } : {}),
        ...(refund.failure_reason ? { failureReason: refund.failure_reason } : {}),
      };
    }
    default:
      return { ...base, type: "ignored" };
  }
}
