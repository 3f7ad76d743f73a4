import type { RefundStatus } from "../db/schema.ts";

/**
 * What a payment provider told us, in the shop's terms. `eventId` is the provider's own id (duplicates are dropped
 * by it, per provider); `eventType` its own name for the event; `orderId` is what the payment says it is for, to be
 * checked against the order, never trusted alone.
 */
export type PaymentEvent = { provider: "stripe"; eventId: string; eventType: string; livemode: boolean } & (
  | { type: "paid"; orderId?: number; sessionId: string; paymentIntentId: string | null; amountMinor: number | null; currency: string | null }
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
