/**
 * Orders and their story. This module alone writes `orders`, `order_events` and `webhook_events`: checkout, the
 * guarded state transitions, the fulfilment lease, refunds and their records, payment events applied exactly once.
 */
export { bundleTitle, createCheckout, type CheckoutDeps, type CheckoutInput, type CheckoutOutcome } from "./checkout.ts";
export { createPaymentEventHandler, type PaymentEventDeps, type PaymentEventOutcome, type StrayStarPayment } from "./payment-events.ts";
export { checkStarsPayable, type StarsPreCheckout, type StarsPreCheckoutInput } from "./stars.ts";
export { createRefunder, refundIdempotencyKey, type OperatorRefundOutcome, type RefundReason, type Refunder } from "./refunds.ts";
export { createOperator, type OperatorDeps, type OrderStory, type RetryOutcome, type StatsRow } from "./operator.ts";
export { expireStalePending } from "./expiry.ts";
export { countOrders, ORDER_STATUSES } from "./counts.ts";
export { claimDueOrder, releaseLease, renewLease, RELEASED, WORKABLE_STATUSES } from "./lease.ts";
export { appendOrderEventOnce, causeOf, countOrderEvents, expireOpenOrdersOf, findOrder, hasOrderInProgress, purgeWebhookEvents, recordUndelivered, KEEP_SETTLED_REFUND, NEW_REFUND, transitionOrder, transitionWithin, type OrderSet, type Transition } from "./store.ts";
export type { Order, OrderStatus } from "../db/schema.ts";
