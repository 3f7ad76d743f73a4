import Stripe from "stripe";
import type { RefundStatus } from "../db/schema.ts";
import { checkoutSessionSchema, chargeSchema, orderIdOf, refundAttemptOf, refundSchema } from "./stripe-objects.ts";
import type { PaymentEvent } from "./events.ts";
import { createStripeClient } from "./stripe-client.ts";

export interface PaymentsSettings {
  checkoutExpiryMinutes: number;
  webhookSecret: string;
  /** First words of the product name on the checkout page and the card statement. */
  productNamePrefix?: string;
  /** `allow_promotion_codes`: the buyer may enter a promotion code made in the Stripe dashboard. */
  allowPromotionCodes?: boolean;
  /** `adaptive_pricing`: the buyer may pay in a local currency; the session stays in the order's. */
  adaptivePricing?: boolean;
}

export interface PaymentsDeps {
  /** `sk_live_…`/`rk_live_…` takes real money; a `_test_` key only test payments. */
  secretKey: string;
  /** A Stripe-compatible host (the local stand-in); unset means api.stripe.com. */
  apiUrl?: string;
  settings: PaymentsSettings;
}

interface Adapter {
  stripe: Stripe;
  settings: PaymentsSettings;
  /** Events must be of the key's own mode: a test payment never buys a real eSIM. */
  livemode: boolean;
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

/** Stripe answered and refused (a 4xx): asking again under any key gives the same answer. */
export class PaymentRefusedError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "PaymentRefusedError";
  }
}

/** A refund Stripe holds for a payment, with what our metadata says of it. */
export interface KnownRefund extends RefundResult {
  orderId?: number;
  attempt?: number;
}

export type WebhookReading = { kind: "event"; event: PaymentEvent } | { kind: "refused"; why: string } | { kind: "malformed"; eventId: string; type: string; why: string };

/** The Stripe adapter: Checkout Sessions, refunds, and webhooks turned into typed payment events. No database. */
export interface Payments {
  /** Creates the order's Checkout Session; one per order, ever (idempotency key per order and deployment). */
  createCheckoutSession(order: ChargeableOrder, returnUrls: ReturnUrls, now?: Date): Promise<CheckoutLink>;
  /**
   * Asks Stripe for a refund. Throws `PaymentRefusedError` when Stripe refused it (permanent), anything else when the
   * outcome is unknown (a lost answer, a 5xx: the refund may exist; look with `refundsOf` before a new key).
   */
  refund(request: RefundRequest): Promise<RefundResult>;
  /** The refunds Stripe holds for a payment (ours and any made in the dashboard). */
  refundsOf(paymentIntentId: string): Promise<KnownRefund[]>;
  /** Verifies the signature on the raw body and reads the event; never throws. */
  readWebhook(rawBody: string, signature: string | undefined): WebhookReading;
}

export function createPayments(options: PaymentsDeps): Payments {
  const deps: Adapter = {
    stripe: createStripeClient({ secretKey: options.secretKey, ...(options.apiUrl ? { apiUrl: options.apiUrl } : {}) }),
    settings: options.settings,
    livemode: /^(sk|rk)_live_/.test(options.secretKey),
  };
  return {
    createCheckoutSession: (order, returnUrls, now = new Date()) => createCheckoutSession(deps, order, returnUrls, now),
    refund: (request) => refund(deps, request),
    refundsOf: (paymentIntentId) => refundsOf(deps, paymentIntentId),
    readWebhook: (rawBody, signature) => readWebhook(deps, rawBody, signature),
  };
}

async function createCheckoutSession(deps: Adapter, order: ChargeableOrder, returnUrls: ReturnUrls, now: Date): Promise<CheckoutLink> {
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
    ...(settings.allowPromotionCodes ? { allow_promotion_codes: true } : {}),
    ...(settings.adaptivePricing ? { adaptive_pricing: { enabled: true } } : {}),
  };
}

export function productName(settings: Pick<PaymentsSettings, "productNamePrefix">, order: Pick<ChargeableOrder, "bundleDescription" | "kind">): string {
  const prefix = settings.productNamePrefix ?? "Travel eSIM";
  const kind = order.kind === "topup" ? " top-up" : "";
  return `${prefix}${kind} — ${order.bundleDescription}`.slice(0, 250);
}

async function refund(deps: Adapter, request: RefundRequest): Promise<RefundResult> {
  const metadata: Record<string, string> = { order_id: String(request.orderId) };
  if (request.attempt !== undefined) metadata.attempt = String(request.attempt);
  else metadata.duplicate = "true";
  let created: Stripe.Refund;
  try {
    created = await deps.stripe.refunds.create(
      { payment_intent: request.paymentIntentId, amount: request.amountMinor, metadata },
      { idempotencyKey: request.idempotencyKey },
    );
  } catch (error) {
    throw refusalOf(error) ?? error;
  }
  return refundResultOf(refundSchema.parse(created));
}

/** A 4xx that Stripe answered (invalid request, card error): permanent. A 5xx, a timeout, a lost answer: unknown. */
function refusalOf(error: unknown): PaymentRefusedError | undefined {
  if (!(error instanceof Stripe.errors.StripeError)) return undefined;
  const status = error.statusCode ?? 0;
  if (status < 400 || status >= 500 || status === 429 || status === 409) return undefined;
  return new PaymentRefusedError(error.code ?? error.type, error.message);
}

function refundResultOf(parsed: ReturnType<typeof refundSchema.parse>): RefundResult {
  return {
    refundId: parsed.id,
    status: refundStatusOf(parsed.status),
    amountMinor: parsed.amount,
    currency: parsed.currency.toUpperCase(),
    ...(parsed.failure_reason ? { failureReason: parsed.failure_reason } : {}),
  };
}

async function refundsOf(deps: Adapter, paymentIntentId: string): Promise<KnownRefund[]> {
  const page = await deps.stripe.refunds.list({ payment_intent: paymentIntentId, limit: 100 });
  return page.data.map((refund) => {
    const parsed = refundSchema.parse(refund);
    const orderId = orderIdOf({ metadata: parsed.metadata });
    const attempt = refundAttemptOf(parsed.metadata);
    return { ...refundResultOf(parsed), ...(orderId !== undefined ? { orderId } : {}), ...(attempt !== undefined ? { attempt } : {}) };
  });
}

export function refundStatusOf(stripeStatus: string | null | undefined): RefundStatus {
  if (stripeStatus === "succeeded") return "succeeded";
  if (stripeStatus === "failed" || stripeStatus === "canceled") return "failed";
  return "pending";
}

function readWebhook(deps: Adapter, rawBody: string, signature: string | undefined): WebhookReading {
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
  if (event.livemode !== deps.livemode) {
    return { kind: "refused", why: `a ${event.livemode ? "live" : "test"} event for a ${deps.livemode ? "live" : "test"} key: never applied` };
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
      // "no_payment_required": a promotion code took the whole price; Stripe sends nothing more for it.
      if (session.payment_status !== "paid" && session.payment_status !== "no_payment_required") return { ...common, type: "payment_processing", paymentStatus: session.payment_status };
      return {
        ...common,
        type: "paid",
        amountMinor: session.amount_total ?? null,
        subtotalMinor: session.amount_subtotal ?? null,
        discountMinor: session.total_details?.amount_discount ?? 0,
        currency: session.currency?.toUpperCase() ?? null,
        ...(session.presentment_details
          ? { presentment: { amountMinor: session.presentment_details.presentment_amount, currency: session.presentment_details.presentment_currency.toUpperCase() } }
          : {}),
      };
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
