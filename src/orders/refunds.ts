import type { Kysely } from "kysely";
import type { Database, Order, RefundStatus } from "../db/schema.ts";
import type { Logger } from "../logger.ts";
import type { CustomerNotice, Notifier } from "../notify/index.ts";
import { PaymentRefusedError, STARS_ALREADY_REFUNDED, StarRefundRefusedError, type Payments, type RefundResult, type StarRefunds } from "../payments/index.ts";
import { STARS_CURRENCY } from "../pricing/index.ts";
import { paidAmountOf, type StrayStarPayment } from "./payment-events.ts";
import { claimRefundRetry, dueRefundRetries, markNothingToRefund, markRefundedElsewhere, markRefundFailed, recordRefundCreated, releaseRefundRetry } from "./refund-records.ts";
import { isLeased } from "./lease.ts";
import { appendOrderEvent, causeOf, countOrderEvents, findOrder, NEW_REFUND, transitionOrder, updateOrderFields } from "./store.ts";

export type RefundReason = Extract<CustomerNotice, { type: "refunded" }>["reason"];

export interface RefunderDeps {
  db: Kysely<Database>;
  payments: Pick<Payments, "refund" | "refundsOf">;
  /** Refunds in Telegram Stars; absent when no Telegram channel runs (a Stars order's refund then fails, alerted). */
  stars?: StarRefunds;
  notifier: Notifier;
  logger: Logger;
  now: () => Date;
}

/** `busy`: a worker is placing the order at eSIM Go this moment; whether an eSIM gets bought is not known yet. */
export type OperatorRefundOutcome = "refunding" | "already" | "not_refundable" | "busy" | "not_found";

export interface Refunder {
  /** The order carries refund_status "pending": ask Stripe, record it, tell the customer and the admins. */
  refund(order: Order, cause: string, reason: RefundReason): Promise<void>;
  /** Refunds whose Stripe call failed (still pending, no refund id) are asked again, idempotently. */
  retryPending(): Promise<number>;
  operatorRefund(orderId: number): Promise<OperatorRefundOutcome>;
  /** A second payment for an order that was already paid goes back at once. */
  refundDuplicatePayment(orderId: number, paymentIntentId: string, amountMinor: number): Promise<void>;
  /** A payment in Stars that paid no order goes back to its payer at once. */
  refundStrayStarPayment(stray: StrayStarPayment): Promise<void>;
}

/** Whether the order was paid for: a Stripe payment, a payment in Stars, or a no-cost order (a code took the whole price). */
export function hasPayment(order: Pick<Order, "stripe_payment_intent_id" | "telegram_charge_id" | "paid_minor">): boolean {
  return order.stripe_payment_intent_id !== null || order.telegram_charge_id !== null || order.paid_minor === 0;
}

const RETRY_AFTER_MS = 60_000;
const LEASE_MS = 60_000;
const RETRIES_PER_PASS = 20;

/**
 * One key per order, deployment and attempt. Stripe replays the first answer given under a key (errors included) for
 * a day, so a new attempt needs a new key; a lost answer is never retried under a new key before looking for the
 * refund it may have made (`refundsOf`).
 */
export function refundIdempotencyKey(order: Pick<Order, "id" | "created_at">, attempt: number): string {
  return `refund:${order.id}:${order.created_at.getTime()}:${attempt}`;
}

/** Stripe's answer when the charge was refunded already (the dashboard, another integration): the money is back. */
const ALREADY_REFUNDED = "charge_already_refunded";

export function createRefunder(deps: RefunderDeps): Refunder {
  /** Through the Telegram channel, when it runs; without it Stars cannot go back (refused for good). */
  async function refundInStars(payerId: string, chargeId: string): Promise<void> {
    if (!deps.stars) throw new StarRefundRefusedError("NO_TELEGRAM", "the Telegram channel is not running, so Stars cannot be refunded");
    await deps.stars.refund(payerId, chargeId);
  }

  async function refund(order: Order, cause: string, reason: RefundReason): Promise<void> {
    if (order.payment_method === "stars") return refundStars(order, cause, reason);
    const paymentIntentId = order.stripe_payment_intent_id;
    if (!paymentIntentId && order.paid_minor === 0) return settleFree(order, cause);
    if (!paymentIntentId) {
      await updateOrderFields(deps.db, order.id, { refund_status: "failed", last_error: "refund: no payment to refund" });
      await alertAdmins(order, "failed", `order ${order.id}: ${cause}; no payment to refund`);
      return;
    }
    const attempts = await countOrderEvents(deps.db, order.id, "refund_attempt");
    // An earlier attempt's answer was lost: the refund may exist. Adopt it rather than make a second one.
    if (attempts > 0) {
      const existing = (await deps.payments.refundsOf(paymentIntentId)).find((r) => r.orderId === order.id && r.status !== "failed");
      if (existing) return settle(order, existing, cause, reason);
    }
    const attempt = attempts + 1;
    await appendOrderEvent(deps.db, order.id, "refund_attempt", { attempt });
    let result: RefundResult;
    try {
      result = await deps.payments.refund({ orderId: order.id, paymentIntentId, amountMinor: paidAmountOf(order), idempotencyKey: refundIdempotencyKey(order, attempt), attempt });
    } catch (error) {
      if (error instanceof PaymentRefusedError) return refused(order, error, cause);
      deps.logger.error({ orderId: order.id, err: error }, "refund request failed; it will be retried");
      await updateOrderFields(deps.db, order.id, { last_error: `refund: ${causeOf(error)}`, updated_at: deps.now() });
      // Told once; the order stays listed in /orders until its refund is settled.
      if (attempt === 1) await alertAdmins(order, "pending", `order ${order.id}: ${cause}; refund request failed (${causeOf(error)}), retrying`);
      return;
    }
    await settle(order, result, cause, reason);
  }

  /**
   * A payment in Stars goes back whole with refundStarPayment, which answers at once: done, refused for good, or
   * unknown (then retried by retryPending, like a Stripe call that failed). Telegram's "already refunded" means the
   * Stars are back: settled, never refunded twice.
   */
  async function refundStars(order: Order, cause: string, reason: RefundReason): Promise<void> {
    const chargeId = order.telegram_charge_id;
    const payerId = order.telegram_payer_id;
    if (!chargeId || !payerId) {
      await updateOrderFields(deps.db, order.id, { refund_status: "failed", last_error: "refund: no payment in Stars to refund" });
      await alertAdmins(order, "failed", `order ${order.id}: ${cause}; no payment in Stars to refund`);
      return;
    }
    const attempt = (await countOrderEvents(deps.db, order.id, "refund_attempt")) + 1;
    await appendOrderEvent(deps.db, order.id, "refund_attempt", { attempt, chargeId });
    try {
      await refundInStars(payerId, chargeId);
    } catch (error) {
      // Only this bot can refund its Stars: "already refunded" is an earlier call of ours whose outcome was not recorded.
      if (error instanceof StarRefundRefusedError && error.code === STARS_ALREADY_REFUNDED) return settleStars(order, chargeId, cause, reason);
      if (error instanceof StarRefundRefusedError) {
        if (await markRefundFailed(deps.db, order.id, `Telegram refused the refund in Stars: ${error.code}: ${error.message}`, `refused:${error.code}`)) {
          await alertAdmins(order, "failed", `order ${order.id}: ${cause}; Telegram refused the refund in Stars (${error.code})`);
        }
        return;
      }
      deps.logger.error({ orderId: order.id, err: error }, "refund in Stars failed; it will be retried");
      await updateOrderFields(deps.db, order.id, { last_error: `refund: ${causeOf(error)}`, updated_at: deps.now() });
      if (attempt === 1) await alertAdmins(order, "pending", `order ${order.id}: ${cause}; refund in Stars failed (${causeOf(error)}), retrying`);
      return;
    }
    return settleStars(order, chargeId, cause, reason);
  }

  /** A no-cost order (a promotion code took the whole price): nothing was paid, so nothing goes back. */
  async function settleFree(order: Order, cause: string): Promise<void> {
    await markNothingToRefund(deps.db, order.id, deps.now());
    await alertAdmins(order, "succeeded", `order ${order.id}: ${cause}; nothing was paid (a promotion code took the whole price), nothing to refund`);
  }

  /** The Stars are back with the payer: recorded, the customer and the admins told. */
  async function settleStars(order: Order, chargeId: string, cause: string, reason: RefundReason): Promise<void> {
    const amount = order.stars_amount ?? 0;
    await recordRefundCreated(deps.db, order.id, { refundId: `stars:${chargeId}`, status: "succeeded", amountMinor: order.price_minor, currency: order.currency });
    try {
      await deps.notifier.customer(order.customer_id, { type: "refunded", orderId: order.id, amountMinor: amount, currency: STARS_CURRENCY, reason });
    } catch (error) {
      deps.logger.warn({ orderId: order.id, err: error }, "refund notice not delivered");
    }
    await alertAdmins(order, "succeeded", `order ${order.id}: ${cause}; ${amount} Stars refunded`);
  }

  /** What Stripe said of the refund, recorded; the customer and the admins told. */
  async function settle(order: Order, result: RefundResult, cause: string, reason: RefundReason): Promise<void> {
    await recordRefundCreated(deps.db, order.id, result);
    if (result.status === "failed") {
      // Its refund.failed webhook may have recorded (and announced) the failure already.
      if (await markRefundFailed(deps.db, order.id, `Stripe refund ${result.refundId} failed`, result.refundId)) {
        await alertAdmins(order, "failed", `order ${order.id}: ${cause}; refund ${result.refundId} failed`);
      }
      return;
    }
    try {
      await deps.notifier.customer(order.customer_id, { type: "refunded", orderId: order.id, amountMinor: result.amountMinor, currency: order.currency, reason });
    } catch (error) {
      deps.logger.warn({ orderId: order.id, err: error }, "refund notice not delivered");
    }
    await alertAdmins(order, result.status, `order ${order.id}: ${cause}`);
  }

  /** Stripe refused: asking again would get the same answer, so the refund ends here, with one alert. */
  async function refused(order: Order, error: PaymentRefusedError, cause: string): Promise<void> {
    if (error.code === ALREADY_REFUNDED) {
      await markRefundedElsewhere(deps.db, order.id, deps.now());
      await alertAdmins(order, "succeeded", `order ${order.id}: ${cause}; Stripe says the payment was refunded already (${error.code})`);
      return;
    }
    if (await markRefundFailed(deps.db, order.id, `Stripe refused the refund: ${error.code}: ${error.message}`, `refused:${error.code}`)) {
      await alertAdmins(order, "failed", `order ${order.id}: ${cause}; Stripe refused the refund (${error.code}): refund it by hand`);
    }
  }

  function alertAdmins(order: Order, status: RefundStatus, cause: string): Promise<void> {
    return deps.notifier.admins({ type: "refund", orderId: order.id, amountMinor: paidAmountOf(order), currency: order.currency, status, cause });
  }

  async function retryPending(): Promise<number> {
    const now = deps.now();
    let retried = 0;
    for (const id of await dueRefundRetries(deps.db, now, RETRY_AFTER_MS, RETRIES_PER_PASS)) {
      const claimed = await claimRefundRetry(deps.db, id, now, LEASE_MS);
      if (!claimed) continue;
      await refund(claimed, claimed.last_error ?? "refund retry", "unavailable");
      await releaseRefundRetry(deps.db, id);
      retried++;
    }
    return retried;
  }

  async function operatorRefund(orderId: number): Promise<OperatorRefundOutcome> {
    const order = await findOrder(deps.db, orderId);
    if (!order) return "not_found";
    if (order.refund_status === "pending" || order.refund_status === "succeeded") return "already";
    if (!hasPayment(order)) return "not_refundable";
    const marked = await markForOperatorRefund(order);
    if (!marked) return whyNotMarked(orderId);
    await refund(marked, "refund requested by the operator", "operator");
    return "refunding";
  }

  async function whyNotMarked(orderId: number): Promise<OperatorRefundOutcome> {
    const now = await findOrder(deps.db, orderId);
    if (now?.refund_status) return "already";
    return now?.status === "placing" && isLeased(now, deps.now()) ? "busy" : "not_refundable";
  }

  async function markForOperatorRefund(order: Order): Promise<Order | undefined> {
    const notYetRefunded = { ...NEW_REFUND, updated_at: deps.now() };
    const event = { type: "refund_requested", detail: { by: "operator", status: order.status } } as const;
    // Nothing was bought at the provider yet (or, for `placing`, the operator checked eSIM Go and found nothing, and
    // no worker is sending the order there this moment): stop fulfilment and refund.
    const stopped = await transitionOrder(deps.db, order.id, {
      from: ["paid", "awaiting_balance", "placing"],
      unleasedAt: deps.now(),
      set: { ...notYetRefunded, status: "failed", last_error: "refunded by the operator", next_attempt_at: null },
      event,
    });
    if (stopped) return stopped;
    // Already failed, or the eSIM exists but is not delivered yet (delivery goes on): refund only.
    return deps.db.transaction().execute(async (trx) => {
      const updated = await trx
        .updateTable("orders")
        .set(notYetRefunded)
        .where("id", "=", order.id)
        .where("status", "in", ["failed", "placed", "ready"])
        .where((eb) => eb.or([eb("refund_status", "is", null), eb("refund_status", "=", "failed")]))
        .returningAll()
        .executeTakeFirst();
      if (updated) await appendOrderEvent(trx, order.id, event.type, event.detail);
      return updated;
    });
  }

  async function refundDuplicatePayment(orderId: number, paymentIntentId: string, amountMinor: number): Promise<void> {
    const cause = `order ${orderId}: paid a second time (payment ${paymentIntentId})`;
    try {
      const result = await deps.payments.refund({ orderId, paymentIntentId, amountMinor, idempotencyKey: `refund:duplicate:${paymentIntentId}` });
      await appendOrderEvent(deps.db, orderId, "duplicate_payment_refunded", { refundId: result.refundId, status: result.status });
      await deps.notifier.admins({ type: "refund", orderId, amountMinor, currency: result.currency, status: result.status === "succeeded" ? "succeeded" : "pending", cause });
    } catch (error) {
      await deps.notifier.admins({ type: "refund", orderId, amountMinor, currency: "", status: "failed", cause: `${cause}; refund it by hand: ${causeOf(error)}` });
    }
  }

  async function refundStrayStarPayment(stray: StrayStarPayment): Promise<void> {
    const orderId = stray.orderId ?? 0;
    try {
      await refundInStars(stray.payerId, stray.chargeId);
      if (stray.orderId !== undefined) await appendOrderEvent(deps.db, stray.orderId, "duplicate_payment_refunded", { chargeId: stray.chargeId, stars: stray.amount });
      await deps.notifier.admins({ type: "refund", orderId, amountMinor: stray.amount, currency: STARS_CURRENCY, status: "succeeded", cause: stray.cause });
    } catch (error) {
      const already = error instanceof StarRefundRefusedError && error.code === STARS_ALREADY_REFUNDED;
      const cause = already ? `${stray.cause}; refunded already` : `${stray.cause}; refund it by hand (user ${stray.payerId}, charge ${stray.chargeId}): ${causeOf(error)}`;
      await deps.notifier.admins({ type: "refund", orderId, amountMinor: stray.amount, currency: STARS_CURRENCY, status: already ? "succeeded" : "failed", cause });
    }
  }

  return { refund, retryPending, operatorRefund, refundDuplicatePayment, refundStrayStarPayment };
}
