import { sql, type Kysely, type Transaction } from "kysely";
import type { Database, Order, RefundStatus } from "../db/schema.ts";
import type { Logger } from "../logger.ts";
import type { CustomerNotice, Notifier } from "../notify/index.ts";
import type { Payments, RefundResult } from "../payments/index.ts";
import { causeOf, countOrderEvents, findOrder, NEW_REFUND, transitionOrder } from "./store.ts";

type RefundReason = Extract<CustomerNotice, { type: "refunded" }>["reason"];

export interface RefunderDeps {
  db: Kysely<Database>;
  payments: Pick<Payments, "refund">;
  notifier: Notifier;
  logger: Logger;
  now: () => Date;
}

export interface Refunder {
  /** The order carries refund_status "pending": ask Stripe, record it, tell the customer and the admins. */
  refund(order: Order, cause: string, reason: RefundReason): Promise<void>;
  /** Refunds whose Stripe call failed (still pending, no refund id) are asked again, idempotently. */
  retryPending(): Promise<number>;
  operatorRefund(orderId: number): Promise<"refunding" | "already" | "not_refundable" | "not_found">;
}

const RETRY_AFTER_MS = 60_000;
const LEASE_MS = 60_000;

export function createRefunder(deps: RefunderDeps): Refunder {
  async function refund(order: Order, cause: string, reason: RefundReason): Promise<void> {
    // Each earlier refund that Stripe reported failed needs a fresh idempotency key; a lost answer reuses the same one.
    const attempt = (await countOrderEvents(deps.db, order.id, "refund_failed")) + 1;
    let result: RefundResult;
    try {
      result = await deps.payments.refund(order, attempt);
    } catch (error) {
      deps.logger.error({ orderId: order.id, err: error }, "refund request failed; it will be retried");
      await deps.db.updateTable("orders").set({ last_error: `refund: ${causeOf(error)}`, updated_at: deps.now() }).where("id", "=", order.id).execute();
      await alertAdmins(order, "pending", `order ${order.id}: ${cause}; refund request failed (${causeOf(error)}), retrying`);
      return;
    }
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

  function alertAdmins(order: Order, status: RefundStatus, cause: string): Promise<void> {
    return deps.notifier.admins({ type: "refund", orderId: order.id, amountMinor: order.price_minor, currency: order.currency, status, cause });
  }

  async function retryPending(): Promise<number> {
    const now = deps.now();
    const due = await deps.db
      .selectFrom("orders")
      .select("id")
      .where("refund_status", "=", "pending")
      .where("refund_id", "is", null)
      .where("updated_at", "<", new Date(now.getTime() - RETRY_AFTER_MS))
      .where((eb) => eb.or([eb("locked_until", "is", null), eb("locked_until", "<", now)]))
      .limit(20)
      .execute();
    let retried = 0;
    for (const { id } of due) {
      const claimed = await deps.db
        .updateTable("orders")
        .set({ locked_until: new Date(now.getTime() + LEASE_MS), locked_by: "refunds", updated_at: now })
        .where("id", "=", id)
        .where("refund_status", "=", "pending")
        .where("refund_id", "is", null)
        .where((eb) => eb.or([eb("locked_until", "is", null), eb("locked_until", "<", now)]))
        .returningAll()
        .executeTakeFirst();
      if (!claimed) continue;
      await refund(claimed, claimed.last_error ?? "refund retry", "unavailable");
      await deps.db.updateTable("orders").set({ locked_until: null, locked_by: null }).where("id", "=", id).where("locked_by", "=", "refunds").execute();
      retried++;
    }
    return retried;
  }

  async function operatorRefund(orderId: number): Promise<"refunding" | "already" | "not_refundable" | "not_found"> {
    const order = await findOrder(deps.db, orderId);
    if (!order) return "not_found";
    if (order.refund_status === "pending" || order.refund_status === "succeeded") return "already";
    if (!order.stripe_payment_intent_id) return "not_refundable";
    const marked = await markForOperatorRefund(order);
    if (!marked) return (await findOrder(deps.db, orderId))?.refund_status ? "already" : "not_refundable";
    await refund(marked, "refund requested by the operator", "operator");
    return "refunding";
  }

  async function markForOperatorRefund(order: Order): Promise<Order | undefined> {
    const notYetRefunded = { ...NEW_REFUND, updated_at: deps.now() };
    const event = { type: "refund_requested", detail: { by: "operator", status: order.status } };
    // Nothing was bought at the provider yet: stop fulfilment and refund.
    const stopped = await transitionOrder(deps.db, order.id, {
      from: ["paid", "awaiting_balance"],
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
      if (updated) await trx.insertInto("order_events").values({ order_id: order.id, type: event.type, detail: JSON.stringify(event.detail) }).execute();
      return updated;
    });
  }

  return { refund, retryPending, operatorRefund };
}

/** Records that this refund failed; false when that was already recorded (Stripe reported it first). */
export async function markRefundFailed(db: Kysely<Database>, orderId: number, cause: string, refundId: string): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    await trx.selectFrom("orders").select("id").where("id", "=", orderId).forUpdate().executeTakeFirst();
    if (await refundFailureRecorded(trx, orderId, refundId)) return false;
    await trx.updateTable("orders").set({ refund_status: "failed", last_error: `refund: ${cause}`, updated_at: new Date() }).where("id", "=", orderId).execute();
    await trx.insertInto("order_events").values({ order_id: orderId, type: "refund_failed", detail: JSON.stringify({ refundId, cause }) }).execute();
    return true;
  });
}

/** Each refund that failed is one `refund_failed` event: the count of them numbers the next attempt's idempotency key. */
export async function refundFailureRecorded(db: Kysely<Database> | Transaction<Database>, orderId: number, refundId: string): Promise<boolean> {
  const row = await db
    .selectFrom("order_events")
    .select("id")
    .where("order_id", "=", orderId)
    .where("type", "=", "refund_failed")
    .where(sql<string>`detail->>'refundId'`, "=", refundId)
    .executeTakeFirst();
  return row !== undefined;
}
