/**
 * The Stripe adapter: creates Checkout Sessions and refunds and turns webhooks into typed `PaymentEvent`s.
 * It holds no database access; applying what it reports is the orders module's job.
 */
export {
  checkoutIdempotencyKey,
  createPayments,
  PaymentRefusedError,
  productName,
  refundStatusOf,
  type ChargeableOrder,
  type CheckoutLink,
  type KnownRefund,
  type Payments,
  type PaymentsDeps,
  type PaymentsSettings,
  type RefundRequest,
  type RefundResult,
  type ReturnUrls,
  type WebhookReading,
} from "./payments.ts";
export type { PaymentEvent, StarsPaymentEvent } from "./events.ts";
export { STARS_ALREADY_REFUNDED, StarRefundRefusedError, type StarRefunds } from "./stars.ts";
