import { sql, type Kysely } from "kysely";
import type { Database } from "../db/schema.ts";
import type { RefundResult } from "../payments/index.ts";
import { appendOrderEvent, type Executor } from "./store.ts";

/**
 * What Stripe answered to our refund request. This refund is the order's newest attempt, so it replaces whatever an
 * earlier one left; only a later state of this same refund, already recorded by its webhook, or a refund that already
 * succeeded, is kept.
 */
export async function recordRefundCreated(db: Kysely<Database>, orderId: number, result: RefundResult): Promise<void> {
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
    if (updated.numUpdatedRows > 0n) await appendOrderEvent(trx, orderId, "refund_created", { refundId: result.refundId, status: result.status, amountMinor: result.amountMinor });
  });
}

/** Records that this refund failed; false when that was already recorded (Stripe reported it first). */
export async function markRefundFailed(db: Kysely<Database>, orderId: number, cause: string, refundId: string): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    await trx.selectFrom("orders").select("id").where("id", "=", orderId).forUpdate().executeTakeFirst();
    if (await refundFailureRecorded(trx, orderId, refundId)) return false;
    await trx.updateTable("orders").set({ refund_status: "failed", last_error: `refund: ${cause}`, updated_at: new Date() }).where("id", "=", orderId).execute();
    await appendOrderEvent(trx, orderId, "refund_failed", { refundId, cause });
    return true;
  });
}

/** Each refund that failed is one `refund_failed` event, told to the admins once. */
export async function refundFailureRecorded(db: Executor, orderId: number, refundId: string): Promise<boolean> {
  const row = await db
    .selectFrom("order_events")
    .select("id")
    .where("order_id", "=", orderId)
    .where("type", "=", "refund_failed")
    .where(sql<string>`detail->>'refundId'`, "=", refundId)
    .executeTakeFirst();
  return row !== undefined;
}

/** Stripe holds the money as refunded already: the order's refund is settled, with no refund of ours. */
export async function markRefundedElsewhere(db: Kysely<Database>, orderId: number, now: Date): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable("orders")
      .set({ refund_status: "succeeded", refunded_at: now, updated_at: now })
      .where("id", "=", orderId)
      .where((eb) => eb.or([eb("refund_status", "is", null), eb("refund_status", "!=", "succeeded")]))
      .execute();
    await appendOrderEvent(trx, orderId, "refund_succeeded", { by: "already refunded in Stripe" });
  });
}

/** A failed order that took no money (a no-cost order): its refund is settled with nothing to give back. */
export async function markNothingToRefund(db: Kysely<Database>, orderId: number, now: Date): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const settled = await trx
      .updateTable("orders")
      .set({ refund_status: "succeeded", refunded_at: now, updated_at: now })
      .where("id", "=", orderId)
      .where((eb) => eb.or([eb("refund_status", "is", null), eb("refund_status", "!=", "succeeded")]))
      .executeTakeFirst();
    if (Number(settled.numUpdatedRows) > 0) await appendOrderEvent(trx, orderId, "refund_succeeded", { by: "nothing was paid" });
  });
}

const REFUND_LEASE_OWNER = "refunds";

/** Refunds whose Stripe call failed (still pending, no refund id) and that nobody is working on, oldest first. */
export async function dueRefundRetries(db: Kysely<Database>, now: Date, idleMs: number, limit: number): Promise<number[]> {
  const rows = await db
    .selectFrom("orders")
    .select("id")
    .where("refund_status", "=", "pending")
    .where("refund_id", "is", null)
    .where("updated_at", "<", new Date(now.getTime() - idleMs))
    .where((eb) => eb.or([eb("locked_until", "is", null), eb("locked_until", "<", now)]))
    .orderBy("updated_at")
    .limit(limit)
    .execute();
  return rows.map((row) => row.id);
}

/** Leases a pending refund for one retry; undefined when it is no longer pending or someone else holds it. */
export async function claimRefundRetry(db: Kysely<Database>, orderId: number, now: Date, leaseMs: number) {
  return db
    .updateTable("orders")
    .set({ locked_until: new Date(now.getTime() + leaseMs), locked_by: REFUND_LEASE_OWNER, updated_at: now })
    .where("id", "=", orderId)
    .where("refund_status", "=", "pending")
    .where("refund_id", "is", null)
    .where((eb) => eb.or([eb("locked_until", "is", null), eb("locked_until", "<", now)]))
    .returningAll()
    .executeTakeFirst();
}

export async function releaseRefundRetry(db: Kysely<Database>, orderId: number): Promise<void> {
  await db.updateTable("orders").set({ locked_until: null, locked_by: null }).where("id", "=", orderId).where("locked_by", "=", REFUND_LEASE_OWNER).execute();
}
