import type { Kysely, Transaction } from "kysely";
import type Stripe from "stripe";
import type { Database, Order, OrderUpdate } from "../db/schema.ts";
import type { Logger } from "../logger.ts";
import type { AdminAlert, CustomerNotice, Notifier } from "../notify/index.ts";
import {
  chargeSchema,
  checkoutSessionSchema,
  orderIdOf,
  refundAttemptOf,
  refundSchema,
  refundStatusOf,
  WebhookSignatureError,
  type ChargeObject,
  type CheckoutSessionObject,
  type Payments,
  type RefundObject,
} from "../payments/index.ts";
import { refundFailureRecorded } from "./refunds.ts";
import { appendOrderEvent, countOrderEvents, transitionWithin } from "./store.ts";

export interface StripeWebhookDeps {
  db: Kysely<Database>;
  payments: Pick<Payments, "verifyWebhook">;
  notifier: Notifier;
  logger: Logger;
  now: () => Date;
  fulfilmentDeadlineMinutes: number;
  /** Refunds a second payment for an order that was already paid (two sessions raced). */
  refundDuplicatePayment(orderId: number, paymentIntentId: string, amountMinor: number): Promise<void>;
}

export interface HttpAnswer {
  status: number;
  body: string;
}

/** What to do once the transaction committed: people are told only about facts that are stored. */
interface AfterCommit {
  customer?: { customerId: number; notice: CustomerNotice };
  admins?: AdminAlert[];
  duplicatePayment?: { orderId: number; paymentIntentId: string; amountMinor: number };
}

const HANDLED = new Set([
  "checkout.session.completed",
  "checkout.session.async_payment_succeeded",
  "checkout.session.async_payment_failed",
  "checkout.session.expired",
  "charge.refunded",
  "refund.created",
  "refund.updated",
  "refund.failed",
]);

export function createStripeWebhookHandler(deps: StripeWebhookDeps): (rawBody: string, signature: string | undefined) => Promise<HttpAnswer> {
  return async (rawBody, signature) => {
    let event: Stripe.Event;
    try {
      event = deps.payments.verifyWebhook(rawBody, signature);
    } catch (error) {
      if (!(error instanceof WebhookSignatureError)) throw error;
      deps.logger.warn({ cause: error.message }, "Stripe webhook refused: signature");
      return { status: 400, body: "invalid signature" };
    }
    if (!HANDLED.has(event.type)) return { status: 200, body: "ignored" };
    let after: AfterCommit | "duplicate";
    try {
      after = await deps.db.transaction().execute((trx) => applyOnce(deps, trx, event));
    } catch (error) {
      if (error instanceof MalformedEventError) {
        deps.logger.error({ eventId: event.id, type: event.type, cause: error.message }, "Stripe event with an unexpected shape");
        return { status: 400, body: "unexpected event shape" };
      }
      // Nothing was committed: Stripe sends the event again.
      deps.logger.error({ eventId: event.id, type: event.type, err: error }, "Stripe event could not be stored");
      return { status: 500, body: "try again" };
    }
    if (after === "duplicate") return { status: 200, body: "duplicate" };
    // Stripe wants its answer fast: people are told in the background once that takes longer than a moment.
    await withinBudget(runAfterCommit(deps, after), AFTER_COMMIT_BUDGET_MS);
    return { status: 200, body: "ok" };
  };
}

class MalformedEventError extends Error {}

const AFTER_COMMIT_BUDGET_MS = 2_000;

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

async function applyOnce(deps: StripeWebhookDeps, trx: Transaction<Database>, event: Stripe.Event): Promise<AfterCommit | "duplicate"> {
  const recorded = await trx
    .insertInto("webhook_events")
    .values({ provider: "stripe", event_id: event.id, type: event.type })
    .onConflict((oc) => oc.columns(["provider", "event_id"]).doNothing())
    .returning("event_id")
    .executeTakeFirst();
  if (!recorded) return "duplicate";
  const object: unknown = event.data.object;
  switch (event.type) {
    case "checkout.session.completed":
    case "checkout.session.async_payment_succeeded":
      return onPaid(deps, trx, parse(checkoutSessionSchema, object));
    case "checkout.session.async_payment_failed":
      return onPaymentFailed(deps, trx, parse(checkoutSessionSchema, object));
    case "checkout.session.expired":
      return onExpired(deps, trx, parse(checkoutSessionSchema, object));
    case "charge.refunded":
      return onChargeRefunded(deps, trx, parse(chargeSchema, object));
    default:
      return onRefundUpdate(deps, trx, parse(refundSchema, object), event.type);
  }
}

function parse<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { message: string } } }, value: unknown): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new MalformedEventError(result.error.message);
  return result.data;
}

async function lockOrder(trx: Transaction<Database>, orderId: number | undefined): Promise<Order | undefined> {
  if (orderId === undefined) return undefined;
  return trx.selectFrom("orders").selectAll().where("id", "=", orderId).forUpdate().executeTakeFirst();
}

async function onPaid(deps: StripeWebhookDeps, trx: Transaction<Database>, session: CheckoutSessionObject): Promise<AfterCommit> {
  const order = await lockOrder(trx, orderIdOf(session));
  if (!order) return unknownOrder(deps, "payment", session);
  if (session.payment_status !== "paid") {
    // Delayed payment methods: completed now, money later (async_payment_succeeded).
    await trx.updateTable("orders").set({ stripe_payment_intent_id: session.payment_intent, updated_at: deps.now() }).where("id", "=", order.id).where("status", "=", "pending_payment").execute();
    await appendOrderEvent(trx, order.id, "payment_processing", { sessionId: session.id, paymentStatus: session.payment_status });
    return {};
  }
  if (session.amount_total !== order.price_minor || session.currency?.toUpperCase() !== order.currency.toUpperCase() || !session.payment_intent) {
    await appendOrderEvent(trx, order.id, "payment_mismatch", { sessionId: session.id, amount: session.amount_total, currency: session.currency });
    const cause = `order ${order.id}: session ${session.id} paid ${session.amount_total} ${session.currency} but the order is ${order.price_minor} ${order.currency}; not fulfilled`;
    return { admins: [{ type: "fulfilment_failed", orderId: order.id, cause, willRetry: false }] };
  }
  const now = deps.now();
  const set: OrderUpdate = {
    status: "paid",
    paid_at: now,
    deadline_at: new Date(now.getTime() + deps.fulfilmentDeadlineMinutes * 60_000),
    next_attempt_at: now,
    attempts: 0,
    stripe_session_id: session.id,
    stripe_payment_intent_id: session.payment_intent,
  };
  const paid = await transitionWithin(trx, order.id, { from: ["pending_payment", "expired"], set, event: { type: "paid", detail: { sessionId: session.id, paymentIntent: session.payment_intent } } });
  if (paid) {
    return {
      customer: { customerId: paid.customer_id, notice: { type: "payment_received", orderId: paid.id } },
      admins: [{ type: "sale", orderId: paid.id, bundleName: paid.bundle_name, priceMinor: paid.price_minor, currency: paid.currency, costMinor: paid.provider_cost_minor }],
    };
  }
  if (order.stripe_payment_intent_id && order.stripe_payment_intent_id !== session.payment_intent) {
    // The order was already paid through another session: this second payment goes back.
    await appendOrderEvent(trx, order.id, "duplicate_payment", { sessionId: session.id, paymentIntent: session.payment_intent });
    return { duplicatePayment: { orderId: order.id, paymentIntentId: session.payment_intent, amountMinor: session.amount_total } };
  }
  return {};
}

function unknownOrder(deps: StripeWebhookDeps, what: string, session: CheckoutSessionObject): AfterCommit {
  deps.logger.warn({ sessionId: session.id, orderId: orderIdOf(session) ?? null }, `Stripe ${what} for an unknown order; acknowledged`);
  return {};
}

async function onPaymentFailed(deps: StripeWebhookDeps, trx: Transaction<Database>, session: CheckoutSessionObject): Promise<AfterCommit> {
  const order = await lockOrder(trx, orderIdOf(session));
  if (!order) return unknownOrder(deps, "checkout.session.async_payment_failed", session);
  const failed = await transitionWithin(trx, order.id, {
    from: ["pending_payment"],
    set: { status: "payment_failed", stripe_payment_intent_id: session.payment_intent ?? order.stripe_payment_intent_id },
    event: { type: "payment_failed", detail: { sessionId: session.id } },
  });
  return failed ? { customer: { customerId: failed.customer_id, notice: { type: "payment_failed", orderId: failed.id } } } : {};
}

async function onExpired(deps: StripeWebhookDeps, trx: Transaction<Database>, session: CheckoutSessionObject): Promise<AfterCommit> {
  const order = await lockOrder(trx, orderIdOf(session));
  if (!order) return unknownOrder(deps, "checkout.session.expired", session);
  // Only the order's current link: an older session expiring says nothing about a newer one.
  if (order.stripe_session_id !== null && order.stripe_session_id !== session.id) return {};
  const expired = await transitionWithin(trx, order.id, { from: ["pending_payment"], set: { status: "expired" }, event: { type: "expired", detail: { sessionId: session.id } } });
  return expired ? { customer: { customerId: expired.customer_id, notice: { type: "link_expired", orderId: expired.id } } } : {};
}

async function orderOfPayment(trx: Transaction<Database>, metadata: Record<string, string>, paymentIntent: string | null): Promise<Order | undefined> {
  const byMetadata = await lockOrder(trx, orderIdOf({ metadata }));
  if (byMetadata) return byMetadata;
  if (!paymentIntent) return undefined;
  return trx.selectFrom("orders").selectAll().where("stripe_payment_intent_id", "=", paymentIntent).forUpdate().executeTakeFirst();
}

async function onChargeRefunded(deps: StripeWebhookDeps, trx: Transaction<Database>, charge: ChargeObject): Promise<AfterCommit> {
  const order = await orderOfPayment(trx, charge.metadata, charge.payment_intent);
  if (!order || order.stripe_payment_intent_id !== charge.payment_intent) {
    deps.logger.info({ chargeId: charge.id, orderId: orderIdOf({ metadata: charge.metadata }) ?? null }, "charge.refunded for no order's own payment; acknowledged");
    return {};
  }
  await appendOrderEvent(trx, order.id, "charge_refunded", { amountRefunded: charge.amount_refunded, refunded: charge.refunded });
  if (!charge.refunded && charge.amount_refunded < order.price_minor) return {};
  await trx
    .updateTable("orders")
    .set({ refund_status: "succeeded", refund_amount_minor: charge.amount_refunded, refunded_at: order.refunded_at ?? deps.now(), updated_at: deps.now() })
    .where("id", "=", order.id)
    .execute();
  return {};
}

async function onRefundUpdate(deps: StripeWebhookDeps, trx: Transaction<Database>, refund: RefundObject, type: string): Promise<AfterCommit> {
  const order = await orderOfPayment(trx, refund.metadata, refund.payment_intent);
  if (!order || (refund.payment_intent !== null && order.stripe_payment_intent_id !== refund.payment_intent)) {
    // Includes the refund of a duplicate payment: it is not the order's own refund.
    deps.logger.info({ refundId: refund.id, type, orderId: orderIdOf({ metadata: refund.metadata }) }, "refund event for no order's own payment; acknowledged");
    return {};
  }
  const status = type === "refund.failed" ? "failed" : refundStatusOf(refund.status);
  // A failed refund stays failed: repeated or late reports about it change nothing (nor the attempt count).
  if (await refundFailureRecorded(trx, order.id, refund.id)) return {};
  // Only the order's newest refund speaks for it. A late "pending" never undoes a success; a failure does (a card
  // refund can still fail after it was reported succeeded).
  if (!(await isCurrentRefund(trx, order, refund))) return {};
  if (order.refund_status === "succeeded" && status === "pending") return {};
  await trx
    .updateTable("orders")
    .set({
      refund_id: refund.id,
      refund_status: status,
      refund_amount_minor: refund.amount,
      refunded_at: status === "succeeded" ? (order.refunded_at ?? deps.now()) : null,
      updated_at: deps.now(),
    })
    .where("id", "=", order.id)
    .execute();
  await appendOrderEvent(trx, order.id, status === "failed" ? "refund_failed" : `refund_${status}`, { refundId: refund.id, cause: refund.failure_reason ?? undefined });
  if (status !== "failed" || order.refund_status === "failed") return {};
  const cause = `order ${order.id}: Stripe refund ${refund.id} failed${refund.failure_reason ? ` (${refund.failure_reason})` : ""}`;
  return { admins: [{ type: "refund", orderId: order.id, amountMinor: refund.amount, currency: order.currency, status: "failed", cause }] };
}

/** Our refunds are numbered attempts (metadata.attempt); attempt n follows n - 1 failed refunds of the order. */
async function isCurrentRefund(trx: Transaction<Database>, order: Order, refund: RefundObject): Promise<boolean> {
  if (order.refund_id === refund.id) return true;
  const attempt = refundAttemptOf(refund.metadata);
  if (attempt !== undefined) return attempt === (await countOrderEvents(trx, order.id, "refund_failed")) + 1;
  // A refund made elsewhere (the dashboard) counts while the order has no live refund of its own.
  return !order.refund_id || order.refund_status === "failed";
}

async function runAfterCommit(deps: StripeWebhookDeps, after: AfterCommit): Promise<void> {
  try {
    if (after.customer) await deps.notifier.customer(after.customer.customerId, after.customer.notice);
    for (const alert of after.admins ?? []) await deps.notifier.admins(alert);
    if (after.duplicatePayment) {
      const { orderId, paymentIntentId, amountMinor } = after.duplicatePayment;
      await deps.refundDuplicatePayment(orderId, paymentIntentId, amountMinor);
    }
  } catch (error) {
    // The state change is committed; a failed notice must not make Stripe resend the event.
    deps.logger.error({ err: error }, "notification after a Stripe event failed");
  }
}
