export { createStripeClient, type StripeClientOptions } from "./stripe-client.ts";
export {
  checkoutIdempotencyKey,
  createPayments,
  productName,
  refundStatusOf,
  WebhookSignatureError,
  type CheckoutLink,
  type Payments,
  type PaymentsDeps,
  type PaymentsSettings,
  type RefundResult,
} from "./payments.ts";
export { chargeSchema, checkoutSessionSchema, orderIdOf, refundAttemptOf, refundSchema, type ChargeObject, type CheckoutSessionObject, type RefundObject } from "./stripe-objects.ts";
