import type { Kysely, Transaction } from "kysely";
import { findByIdentity } from "../customers/index.ts";
import type { Database, Order, OrderUpdate } from "../db/schema.ts";
import type { Logger } from "../logger.ts";
import type { Metrics } from "../metrics/port.ts";
import type { AdminAlert, CustomerNotice, Notifier } from "../notify/index.ts";
import type { PaymentEvent } from "../payments/index.ts";
import { refundFailureRecorded } from "./refund-records.ts";
import { STARS_CURRENCY } from "../pricing/index.ts";
import { appendOrderEvent, countOrderEvents, lockOrder, lockOrderByPaymentIntent, lockOrderByStarsPayload, transitionWithin, updateOrderFields } from "./store.ts";

export interface PaymentEventDeps {
  db: Kysely<Database>;
  notifier: Notifier;
  logger: Logger;
  now: () => Date;
  fulfilmentDeadlineMinutes: number;
  /** The minimum margin per sale (PRICE_MIN_MARGIN): a discounted payment below it is told to the admins. */
  minMarginMinor?: number;
  /** Refunds a second payment for an order that was already paid (two sessions raced). */
  refundDuplicatePayment(orderId: number, paymentIntentId: string, amountMinor: number): Promise<void>;
  /** Gives back a payment in Stars that pays no order (paid already, another payer, another amount, no such order). */
  refundStrayStarPayment(stray: StrayStarPayment): Promise<void>;
  metrics?: Pick<Metrics, "payment">;
}

/** What became of one payment event: stored and acted on, seen before, or of no concern to any order. */
export type PaymentEventOutcome = "applied" | "duplicate" | "ignored";

/** A payment in Stars that is not applied to any order: it goes back to its payer. */
export interface StrayStarPayment {
  orderId?: number;
  payerId: string;
  chargeId: string;
  amount: number;
  cause: string;
}

/** What to do once the transaction committed: people are told only about facts that are stored. */
interface AfterCommit {
  customer?: { customerId: number; notice: CustomerNotice };
  admins?: AdminAlert[];
  duplicatePayment?: { orderId: number; paymentIntentId: string; amountMinor: number };
  strayStarPayment?: StrayStarPayment;
}

type Of<T extends PaymentEvent["type"]> = Extract<PaymentEvent, { type: T }>;

const AFTER_COMMIT_BUDGET_MS = 2_000;

/**
 * Applies one payment event exactly once: in ONE transaction the event id is recorded (a duplicate stops there) and
 * the order moves with a guarded update; people are told after the commit. Throws when nothing could be stored, so
 * the provider sends the event again.
 */
export function createPaymentEventHandler(deps: PaymentEventDeps): (event: PaymentEvent) => Promise<PaymentEventOutcome> {
  return async (event) => {
    if (event.type === "ignored") return "ignored";
    const after = await deps.db.transaction().execute((trx) => applyOnce(deps, trx, event));
    if (after === "duplicate") return "duplicate";
    if ((event.type === "paid" || event.type === "stars_paid") && after.customer?.notice.type === "payment_received") deps.metrics?.payment(event.provider, event.currency ?? "");
    // Stripe wants its answer fast: people are told in the background once that takes longer than a moment.
    await withinBudget(runAfterCommit(deps, after), AFTER_COMMIT_BUDGET_MS);
    return "applied";
  };
}

/** Waits for `work` at most `ms`; the work itself goes on (it never rejects). */
async function withinBudget(work: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const budget = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  try {
    await Promise.race([work, budget]);
  } finally {
    clearTimeout(timer);
  }
}

async function applyOnce(deps: PaymentEventDeps, trx: Transaction<Database>, event: Exclude<PaymentEvent, { type: "ignored" }>): Promise<AfterCommit | "duplicate"> {
  const recorded = await trx
    .insertInto("webhook_events")
    .values({ provider: event.provider, event_id: event.eventId, type: event.eventType })
    .onConflict((oc) => oc.columns(["provider", "event_id"]).doNothing())
    .returning("event_id")
    .executeTakeFirst();
  if (!recorded) return "duplicate";
  switch (event.type) {
    case "paid":
      return onPaid(deps, trx, event);
    case "payment_processing":
      return onProcessing(deps, trx, event);
    case "payment_failed":
      return onPaymentFailed(deps, trx, event);
    case "link_expired":
      return onExpired(deps, trx, event);
    case "charge_refunded":
      return onChargeRefunded(deps, trx, event);
    case "refund_changed":
      return onRefundChanged(deps, trx, event);
    case "stars_paid":
      return onStarsPaid(deps, trx, event);
  }
}

/**
 * A payment in Stars: applied only to the order whose invoice reference it carries, paid by that order's customer, for
 * exactly the Stars asked. Anything else (no such order, someone else paying, another amount or currency, an order paid
 * already by another charge) is recorded, told to the admins and given back to the payer: Telegram took the Stars.
 */
async function onStarsPaid(deps: PaymentEventDeps, trx: Transaction<Database>, event: Of<"stars_paid">): Promise<AfterCommit> {
  const stray = (cause: string, orderId?: number): AfterCommit => ({
    strayStarPayment: { ...(orderId !== undefined ? { orderId } : {}), payerId: event.payerId, chargeId: event.chargeId, amount: event.amount, cause },
  });
  const order = await lockOrderByStarsPayload(trx, event.payload);
  if (!order) {
    deps.logger.error({ chargeId: event.chargeId }, "payment in Stars for no order's invoice; refunding it");
    return stray(`a payment in Stars (${event.amount} ${event.currency}, charge ${event.chargeId}) names no order's invoice`);
  }
  if (order.telegram_charge_id === event.chargeId) return {};
  const payerIsCustomer = (await findByIdentity(trx, { channel: "telegram", externalId: event.payerId }))?.id === order.customer_id;
  if (!payerIsCustomer || event.currency !== STARS_CURRENCY || event.amount !== order.stars_amount || order.payment_method !== "stars") {
    const type = payerIsCustomer ? "payment_mismatch" : "payment_unmatched";
    await appendOrderEvent(trx, order.id, type, { chargeId: event.chargeId, amount: event.amount, currency: event.currency, payer: event.payerId });
    const why = payerIsCustomer ? `paid ${event.amount} ${event.currency} but the invoice asks ${order.stars_amount ?? "nothing"} ${STARS_CURRENCY}` : `paid by Telegram user ${event.payerId}, not the order's customer`;
    return stray(`order ${order.id}: a payment in Stars (charge ${event.chargeId}) ${why}; not applied`, order.id);
  }
  const set: OrderUpdate = { ...paidNow(deps), telegram_charge_id: event.chargeId, telegram_payer_id: event.payerId };
  // An invoice the customer could still pay when Telegram asked (the pre-checkout) may have expired since: the Stars
  // are taken, so the payment is applied as a card payment of an expired link is.
  const paid = await transitionWithin(trx, order.id, { from: ["pending_payment", "expired"], set, event: { type: "paid", detail: { chargeId: event.chargeId, stars: event.amount } } });
  if (paid) {
    return {
      customer: { customerId: paid.customer_id, notice: { type: "payment_received", orderId: paid.id } },
      admins: [{ type: "sale", orderId: paid.id, bundleName: paid.bundle_name, priceMinor: paid.price_minor, currency: paid.currency, costMinor: paid.provider_cost_minor }],
    };
  }
  await appendOrderEvent(trx, order.id, "duplicate_payment", { chargeId: event.chargeId, status: order.status });
  return stray(`order ${order.id}: paid a second time in Stars (charge ${event.chargeId}) while ${order.status}`, order.id);
}

/** Paid now: due for fulfilment at once, with the fulfilment deadline counted from now. */
function paidNow(deps: PaymentEventDeps): OrderUpdate {
  const now = deps.now();
  return { status: "paid", paid_at: now, deadline_at: new Date(now.getTime() + deps.fulfilmentDeadlineMinutes * 60_000), next_attempt_at: now, attempts: 0 };
}

function unknownOrder(deps: PaymentEventDeps, event: { type: string; orderId?: number; sessionId: string }): AfterCommit {
  deps.logger.warn({ sessionId: event.sessionId, orderId: event.orderId ?? null, event: event.type }, "payment event for an unknown order; acknowledged");
  return {};
}

/**
 * The order a checkout event is about: the one its metadata names AND whose recorded session it is. Metadata alone
 * proves nothing (a Stripe account shared with another shop or integration numbers its orders too).
 */
async function orderOfSession(deps: PaymentEventDeps, trx: Transaction<Database>, event: { type: string; orderId?: number; sessionId: string }): Promise<{ order?: Order; after: AfterCommit }> {
  const order = await lockOrder(trx, event.orderId);
  if (!order) return { after: unknownOrder(deps, event) };
  if (order.stripe_session_id === event.sessionId) return { order, after: {} };
  await appendOrderEvent(trx, order.id, "payment_unmatched", { event: event.type, sessionId: event.sessionId, orderSession: order.stripe_session_id });
  const cause = `order ${order.id}: Stripe ${event.type} for session ${event.sessionId}, which is not this order's (${order.stripe_session_id ?? "none"}); not applied. Is the Stripe account shared with another integration?`;
  deps.logger.error({ orderId: order.id, sessionId: event.sessionId }, "payment event for a session that is not the order's");
  return { after: event.type === "paid" ? { admins: [{ type: "fulfilment_failed", orderId: order.id, cause, willRetry: false }] } : {} };
}

async function onProcessing(deps: PaymentEventDeps, trx: Transaction<Database>, event: Of<"payment_processing">): Promise<AfterCommit> {
  const { order, after } = await orderOfSession(deps, trx, event);
  if (!order) return after;
  // A delayed payment method (a bank debit): the session is complete, the money comes later (or not). The order must
  // not expire meanwhile, and the customer must not be invited to pay a second time.
  await transitionWithin(trx, order.id, {
    from: ["pending_payment", "expired"],
    set: { status: "payment_processing", stripe_payment_intent_id: event.paymentIntentId },
    event: { type: "payment_processing", detail: { sessionId: event.sessionId, paymentStatus: event.paymentStatus } },
  });
  return {};
}

async function onPaid(deps: PaymentEventDeps, trx: Transaction<Database>, event: Of<"paid">): Promise<AfterCommit> {
  const { order, after } = await orderOfSession(deps, trx, event);
  if (!order) return after;
  // A no-cost order (a promotion code covering the whole price) completes with no payment intent; anything else needs one.
  const noCost = event.amountMinor === 0 && event.paymentIntentId === null;
  if (!paysOrder(event, order) || (!event.paymentIntentId && !noCost) || event.amountMinor === null) {
    await appendOrderEvent(trx, order.id, "payment_mismatch", { sessionId: event.sessionId, amount: event.amountMinor, subtotal: event.subtotalMinor, discount: event.discountMinor, currency: event.currency });
    const discount = event.discountMinor > 0 ? ` (subtotal ${event.subtotalMinor ?? "?"}, discount ${event.discountMinor})` : "";
    const cause = `order ${order.id}: session ${event.sessionId} paid ${event.amountMinor} ${event.currency}${discount} but the order is ${order.price_minor} ${order.currency}; not fulfilled`;
    return { admins: [{ type: "fulfilment_failed", orderId: order.id, cause, willRetry: false }] };
  }
  const paidMinor = event.amountMinor;
  const set: OrderUpdate = {
    ...paidNow(deps),
    stripe_session_id: event.sessionId,
    stripe_payment_intent_id: event.paymentIntentId,
    paid_minor: paidMinor,
    discount_minor: event.discountMinor,
    presentment_minor: event.presentment?.amountMinor ?? null,
    presentment_currency: event.presentment?.currency ?? null,
  };
  const detail = {
    sessionId: event.sessionId,
    paymentIntent: event.paymentIntentId,
    ...(event.discountMinor > 0 ? { paid: paidMinor, discount: event.discountMinor } : {}),
    ...(event.presentment ? { presentment: `${event.presentment.amountMinor} ${event.presentment.currency}` } : {}),
  };
  const paid = await transitionWithin(trx, order.id, { from: ["pending_payment", "expired", "payment_processing"], set, event: { type: "paid", detail } });
  if (paid) {
    const admins: AdminAlert[] = [{ type: "sale", orderId: paid.id, bundleName: paid.bundle_name, priceMinor: paidMinor, currency: paid.currency, costMinor: paid.provider_cost_minor }];
    // The minimum margin holds for list prices; a promotion code may take a sale below it, or below cost: the admins are told (once: the order is paid once).
    const minimum = deps.minMarginMinor ?? 0;
    if (event.discountMinor > 0 && paidMinor - paid.provider_cost_minor < minimum) {
      await appendOrderEvent(trx, paid.id, "discount_below_margin", { paid: paidMinor, discount: event.discountMinor, cost: paid.provider_cost_minor, minimum });
      admins.push({ type: "discount_below_margin", orderId: paid.id, paidMinor, discountMinor: event.discountMinor, costMinor: paid.provider_cost_minor, minMarginMinor: minimum, currency: paid.currency });
    }
    return { customer: { customerId: paid.customer_id, notice: { type: "payment_received", orderId: paid.id } }, admins };
  }
  if (order.stripe_payment_intent_id && event.paymentIntentId && order.stripe_payment_intent_id !== event.paymentIntentId) {
    // The order was already paid through another session: this second payment goes back.
    await appendOrderEvent(trx, order.id, "duplicate_payment", { sessionId: event.sessionId, paymentIntent: event.paymentIntentId });
    return { duplicatePayment: { orderId: order.id, paymentIntentId: event.paymentIntentId, amountMinor: event.amountMinor } };
  }
  return {};
}

/**
 * The session paid the order: in its currency, for its price, or for its price less a discount Stripe applied (a
 * promotion code: the subtotal is still the price and the discount explains the difference). With Adaptive Pricing
 * the session's amounts stay in the order's currency; what the buyer saw is only recorded.
 */
function paysOrder(event: Of<"paid">, order: Order): boolean {
  if (event.currency?.toUpperCase() !== order.currency.toUpperCase() || event.amountMinor === null) return false;
  if (event.discountMinor === 0) return event.amountMinor === order.price_minor;
  return event.subtotalMinor === order.price_minor && event.discountMinor > 0 && event.amountMinor >= 0 && event.amountMinor + event.discountMinor === order.price_minor;
}

/** What a refund gives back in full: what was paid (the price, when it was paid before amounts were recorded). */
export function paidAmountOf(order: Pick<Order, "paid_minor" | "price_minor">): number {
  return order.paid_minor ?? order.price_minor;
}

async function onPaymentFailed(deps: PaymentEventDeps, trx: Transaction<Database>, event: Of<"payment_failed">): Promise<AfterCommit> {
  const { order, after } = await orderOfSession(deps, trx, event);
  if (!order) return after;
  const failed = await transitionWithin(trx, order.id, {
    from: ["pending_payment", "payment_processing", "expired"],
    set: { status: "payment_failed", stripe_payment_intent_id: event.paymentIntentId ?? order.stripe_payment_intent_id },
    event: { type: "payment_failed", detail: { sessionId: event.sessionId } },
  });
  return failed ? { customer: { customerId: failed.customer_id, notice: { type: "payment_failed", orderId: failed.id } } } : {};
}

async function onExpired(deps: PaymentEventDeps, trx: Transaction<Database>, event: Of<"link_expired">): Promise<AfterCommit> {
  // Only the order's current link: an older session expiring says nothing about a newer one.
  const { order, after } = await orderOfSession(deps, trx, event);
  if (!order) return after;
  const expired = await transitionWithin(trx, order.id, { from: ["pending_payment"], set: { status: "expired" }, event: { type: "expired", detail: { sessionId: event.sessionId } } });
  return expired ? { customer: { customerId: expired.customer_id, notice: { type: "link_expired", orderId: expired.id } } } : {};
}

async function orderOfPayment(trx: Transaction<Database>, orderId: number | undefined, paymentIntentId: string | null): Promise<Order | undefined> {
  const byMetadata = await lockOrder(trx, orderId);
  if (byMetadata) return byMetadata;
  return paymentIntentId ? lockOrderByPaymentIntent(trx, paymentIntentId) : undefined;
}

async function onChargeRefunded(deps: PaymentEventDeps, trx: Transaction<Database>, event: Of<"charge_refunded">): Promise<AfterCommit> {
  const order = await orderOfPayment(trx, event.orderId, event.paymentIntentId);
  // An order without a Stripe payment (unpaid, or paid in Stars) is never refunded by a Stripe event.
  if (!order || event.paymentIntentId === null || order.stripe_payment_intent_id !== event.paymentIntentId) {
    deps.logger.info({ chargeId: event.chargeId, orderId: event.orderId ?? null }, "charge.refunded for no order's own payment; acknowledged");
    return {};
  }
  await appendOrderEvent(trx, order.id, "charge_refunded", { amountRefunded: event.amountRefundedMinor, refunded: event.fullyRefunded });
  if (!event.fullyRefunded && event.amountRefundedMinor < paidAmountOf(order)) return {};
  await updateOrderFields(trx, order.id, {
    refund_status: "succeeded",
    refund_amount_minor: event.amountRefundedMinor,
    refunded_at: order.refunded_at ?? deps.now(),
    updated_at: deps.now(),
  });
  return {};
}

async function onRefundChanged(deps: PaymentEventDeps, trx: Transaction<Database>, event: Of<"refund_changed">): Promise<AfterCommit> {
  const order = await orderOfPayment(trx, event.orderId, event.paymentIntentId);
  if (!order || event.paymentIntentId === null || order.stripe_payment_intent_id !== event.paymentIntentId) {
    // Includes the refund of a duplicate payment, and a refund of no payment intent (a Charges API integration on the
    // same account numbering its own orders): neither is the order's own refund.
    deps.logger.info({ refundId: event.refundId, orderId: event.orderId ?? null }, "refund event for no order's own payment; acknowledged");
    return {};
  }
  const { status } = event;
  // Our refunds are always what was paid. Less is a goodwill refund from the dashboard: the order goes on as it is.
  if (event.amountMinor < paidAmountOf(order)) {
    await appendOrderEvent(trx, order.id, "refund_partial", { refundId: event.refundId, amount: event.amountMinor, status });
    return {};
  }
  // A failed refund stays failed: repeated or late reports about it change nothing (nor the attempt count).
  if (await refundFailureRecorded(trx, order.id, event.refundId)) return {};
  // Only the order's newest refund speaks for it. A late "pending" never undoes a success; a failure does (a card
  // refund can still fail after it was reported succeeded).
  if (!(await isCurrentRefund(trx, order, event))) return {};
  if (order.refund_status === "succeeded" && status === "pending") return {};
  await updateOrderFields(trx, order.id, {
    refund_id: event.refundId,
    refund_status: status,
    refund_amount_minor: event.amountMinor,
    refunded_at: status === "succeeded" ? (order.refunded_at ?? deps.now()) : null,
    updated_at: deps.now(),
  });
  await appendOrderEvent(trx, order.id, `refund_${status}`, { refundId: event.refundId, cause: event.failureReason });
  if (status !== "failed" || order.refund_status === "failed") return {};
  const cause = `order ${order.id}: Stripe refund ${event.refundId} failed${event.failureReason ? ` (${event.failureReason})` : ""}`;
  return { admins: [{ type: "refund", orderId: order.id, amountMinor: event.amountMinor, currency: order.currency, status: "failed", cause }] };
}

/** Our refunds are numbered attempts (metadata.attempt): only the newest one speaks for the order. */
async function isCurrentRefund(trx: Transaction<Database>, order: Order, event: Of<"refund_changed">): Promise<boolean> {
  if (order.refund_id === event.refundId) return true;
  if (event.attempt !== undefined) {
    const attempts = await countOrderEvents(trx, order.id, "refund_attempt");
    // Orders refunded before attempts were recorded numbered them by the failures before them.
    return event.attempt === (attempts > 0 ? attempts : (await countOrderEvents(trx, order.id, "refund_failed")) + 1);
  }
  // A refund made elsewhere (the dashboard) counts while the order has no live refund of its own.
  return !order.refund_id || order.refund_status === "failed";
}

async function runAfterCommit(deps: PaymentEventDeps, after: AfterCommit): Promise<void> {
  try {
    if (after.customer) await deps.notifier.customer(after.customer.customerId, after.customer.notice);
    for (const alert of after.admins ?? []) await deps.notifier.admins(alert);
    if (after.strayStarPayment) await deps.refundStrayStarPayment(after.strayStarPayment);
    if (after.duplicatePayment) {
      const { orderId, paymentIntentId, amountMinor } = after.duplicatePayment;
      await deps.refundDuplicatePayment(orderId, paymentIntentId, amountMinor);
    }
  } catch (error) {
    // The state change is committed; a failed notice must not make Stripe resend the event.
    deps.logger.error({ err: error }, "notification after a payment event failed");
  }
}
