import type { Kysely } from "kysely";
import type Stripe from "stripe";
import type { Database, Order, RefundStatus } from "../db/schema.ts";
import type { Logger } from "../logger.ts";
import { appendOrderEvent } from "../orders/store.ts";
import { refundSchema } from "./stripe-objects.ts";

export interface PaymentsSettings {
  checkoutExpiryMinutes: number;
  /** For the https://t.me/<bot>?start=... success and cancel URLs. */
  botUsername: string;
  webhookSecret: string;
  /** First words of the product name on the checkout page and the card statement. */
  productNamePrefix?: string;
}

export interface PaymentsDeps {
  db: Kysely<Database>;
  stripe: Stripe;
  logger: Logger;
  settings: PaymentsSettings;
}

export interface CheckoutLink {
  sessionId: string;
  url: string;
  expiresAt: Date;
}

export interface RefundResult {
  refundId: string;
  status: RefundStatus;
  amountMinor: number;
}

export interface Payments {
  /** Creates the order's Checkout Session and records it on the (still unpaid) order. */
  createCheckoutSession(order: Order, now?: Date): Promise<CheckoutLink>;
  /** Refunds what the order charged (idempotent per attempt) and records the outcome on the order. */
  refund(order: Order, attempt?: number): Promise<RefundResult>;
  /** Verifies the signature on the raw body; throws on anything not signed by our endpoint secret. */
  verifyWebhook(rawBody: string, signature: string | undefined): Stripe.Event;
}

export class WebhookSignatureError extends Error {}

export function createPayments(deps: PaymentsDeps): Payments {
  return {
    createCheckoutSession: (order, now = new Date()) => createCheckoutSession(deps, order, now),
    refund: (order, attempt = 1) => refundOrder(deps, order, attempt),
    verifyWebhook: (rawBody, signature) => verifyWebhook(deps, rawBody, signature),
  };
}

async function createCheckoutSession(deps: PaymentsDeps, order: Order, now: Date): Promise<CheckoutLink> {
  const expiresAt = checkoutExpiry(now, deps.settings.checkoutExpiryMinutes);
  const session = await deps.stripe.checkout.sessions.create(sessionParams(deps.settings, order, expiresAt), {
    // One key per order, ever: a retry (the SDK's, after a lost answer) gets the same session back, and Stripe refuses
    // a second, different session under it. The creation time keeps keys apart across a database that was reset.
    idempotencyKey: checkoutIdempotencyKey(order),
  });
  if (!session.url) throw new Error(`order ${order.id}: Stripe returned checkout session ${session.id} without a url`);
  const link = { sessionId: session.id, url: session.url, expiresAt: new Date(session.expires_at * 1000) };
  await recordSession(deps.db, order.id, link);
  return link;
}

export function checkoutIdempotencyKey(order: Pick<Order, "id" | "created_at">): string {
  return `checkout:${order.id}:${order.created_at.getTime()}`;
}

// Rounded up to the minute (deterministic within a minute) plus one minute so Stripe's 30-minute floor always holds.
function checkoutExpiry(now: Date, minutes: number): Date {
  const minute = 60_000;
  return new Date(Math.ceil(now.getTime() / minute) * minute + (minutes + 1) * minute);
}

function sessionParams(settings: PaymentsSettings, order: Order, expiresAt: Date): Stripe.Checkout.SessionCreateParams {
  const orderId = String(order.id);
  const start = (what: string) => `https://t.me/${encodeURIComponent(settings.botUsername)}?start=${what}_${orderId}`;
  return {
    mode: "payment",
    line_items: [
      {
        quantity: 1,
        price_data: {
          currency: order.currency.toLowerCase(),
          unit_amount: order.price_minor,
          product_data: { name: productName(settings, order) },
        },
      },
    ],
    client_reference_id: orderId,
    metadata: { order_id: orderId },
    payment_intent_data: { metadata: { order_id: orderId } },
    expires_at: Math.floor(expiresAt.getTime() / 1000),
    success_url: start("paid"),
    cancel_url: start("cancel"),
  };
}

export function productName(settings: Pick<PaymentsSettings, "productNamePrefix">, order: Pick<Order, "bundle_description" | "kind">): string {
  const prefix = settings.productNamePrefix ?? "Travel eSIM";
  const kind = order.kind === "topup" ? " top-up" : "";
  return `${prefix}${kind} — ${order.bundle_description}`.slice(0, 250);
}

async function recordSession(db: Kysely<Database>, orderId: number, link: CheckoutLink): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const updated = await trx
      .updateTable("orders")
      .set({ stripe_session_id: link.sessionId, stripe_session_url: link.url, stripe_session_expires_at: link.expiresAt, updated_at: new Date() })
      .where("id", "=", orderId)
      .where("status", "=", "pending_payment")
      .where((eb) => eb.or([eb("stripe_session_id", "is", null), eb("stripe_session_id", "=", link.sessionId), eb("stripe_session_expires_at", "<=", link.expiresAt)]))
      .executeTakeFirst();
    if (updated.numUpdatedRows > 0n) await appendOrderEvent(trx, orderId, "checkout_link", { sessionId: link.sessionId, expiresAt: link.expiresAt });
  });
}

async function refundOrder(deps: PaymentsDeps, order: Order, attempt: number): Promise<RefundResult> {
  if (!order.stripe_payment_intent_id) throw new Error(`order ${order.id}: no payment intent to refund`);
  const key = attempt <= 1 ? `refund:${order.id}` : `refund:${order.id}:${attempt}`;
  const created = await deps.stripe.refunds.create(
    { payment_intent: order.stripe_payment_intent_id, amount: order.price_minor, metadata: { order_id: String(order.id), attempt: String(Math.max(attempt, 1)) } },
    { idempotencyKey: key },
  );
  const refund = refundSchema.parse(created);
  const result: RefundResult = { refundId: refund.id, status: refundStatusOf(refund.status), amountMinor: refund.amount };
  await recordRefund(deps.db, order.id, result);
  return result;
}

export function refundStatusOf(stripeStatus: string | null | undefined): RefundStatus {
  if (stripeStatus === "succeeded") return "succeeded";
  if (stripeStatus === "failed" || stripeStatus === "canceled") return "failed";
  return "pending";
}

async function recordRefund(db: Kysely<Database>, orderId: number, result: RefundResult): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const updated = await trx
      .updateTable("orders")
      .set({
        refund_id: result.refundId,
        refund_status: result.status,
        refund_amount_minor: result.amountMinor,
        refunded_at: result.status === "succeeded" ? new Date() : null,
        updated_at: new Date(),
      })
      .where("id", "=", orderId)
      // This refund is the order's newest attempt, so it replaces whatever an earlier one left; only a later state
      // of this same refund, already recorded by its webhook, or a refund that already succeeded, is kept.
      .where((eb) =>
        eb.or([
          eb("refund_status", "is", null),
          eb("refund_status", "=", "pending"),
          eb.and([eb("refund_status", "=", "failed"), eb.or([eb("refund_id", "is", null), eb("refund_id", "!=", result.refundId)])]),
          // charge.refunded said the money is back before we heard which refund did it.
          ...(result.status === "succeeded" ? [eb.and([eb("refund_status", "=", "succeeded"), eb("refund_id", "is", null)])] : []),
        ]),
      )
      .executeTakeFirst();
    if (updated.numUpdatedRows > 0n) await appendOrderEvent(trx, orderId, "refund_created", result);
  });
}

function verifyWebhook(deps: PaymentsDeps, rawBody: string, signature: string | undefined): Stripe.Event {
  if (!signature) throw new WebhookSignatureError("missing Stripe-Signature header");
  try {
    return deps.stripe.webhooks.constructEvent(rawBody, signature, deps.settings.webhookSecret);
  } catch (error) {
    throw new WebhookSignatureError(error instanceof Error ? error.message : String(error));
  }
}
