import type { RefundStatus } from "../db/schema.ts";

/**
 * What a payment provider told us, in the shop's terms. `eventId` is the provider's own id (duplicates are dropped
 * by it, per provider); `eventType` its own name for the event; `orderId` is what the payment says it is for, to be
 * checked against the order, never trusted alone.
 */
export type PaymentEvent = StripePaymentEvent | StarsPaymentEvent;

/**
 * A payment in Telegram Stars (a `successful_payment` message): `eventId` is its `telegram_payment_charge_id`. What it
 * names (the invoice's opaque `payload`, the payer, the amount and currency) is checked against the order.
 */
export interface StarsPaymentEvent {
  provider: "telegram_stars";
  eventId: string;
  eventType: "successful_payment";
  type: "stars_paid";
  payload: string;
  chargeId: string;
  /** The Telegram user id of the payer. */
  payerId: string;
  /** In Stars. */
  amount: number;
  currency: string;
}

export type StripePaymentEvent = { provider: "stripe"; eventId: string; eventType: string; livemode: boolean } & (
  | {
      type: "paid";
      orderId?: number;
      sessionId: string;
      paymentIntentId: string | null;
      /** What was paid (after a discount), in `currency`, the session's own. */
      amountMinor: number | null;
      /** Before the discount: the order's price. */
      subtotalMinor: number | null;
      discountMinor: number;
      currency: string | null;
      /** Adaptive Pricing: what the buyer paid in their own currency. */
      presentment?: { amountMinor: number; currency: string };
    }
  | { type: "payment_processing"; orderId?: number; sessionId: string; paymentIntentId: string | null; paymentStatus: string }
  | { type: "payment_failed"; orderId?: number; sessionId: string; paymentIntentId: string | null }
  | { type: "link_expired"; orderId?: number; sessionId: string; paymentIntentId: string | null }
  | { type: "charge_refunded"; orderId?: number; chargeId: string; paymentIntentId: string | null; amountRefundedMinor: number; fullyRefunded: boolean }
  | {
      type: "refund_changed";
      orderId?: number;
      refundId: string;
      paymentIntentId: string | null;
      amountMinor: number;
      status: RefundStatus;
      /** Our refunds are numbered attempts; absent for one made elsewhere (the dashboard). */
      attempt?: number;
      failureReason?: string;
    }
  | { type: "ignored" }
);
