import { sql, type Kysely } from "kysely";
import type { Database, Order, OrderStatus, OrderUpdate } from "../db/schema.ts";

/** The states the fulfilment worker moves on by itself. */
export const WORKABLE_STATUSES: readonly OrderStatus[] = ["paid", "placing", "placed", "ready", "awaiting_balance"];

/**
 * Takes one due order and leases it to this worker in a single short statement.
 * SKIP LOCKED lets several workers claim side by side; an expired lease (a crashed worker) is claimable again.
 */
export async function claimDueOrder(db: Kysely<Database>, workerId: string, now: Date, leaseMs: number): Promise<Order | undefined> {
  const leaseUntil = new Date(now.getTime() + leaseMs);
  const result = await sql<Order>`
    update orders set locked_until = ${leaseUntil}, locked_by = ${workerId}
    where id = (
      select id from orders
      where status in (${sql.join(WORKABLE_STATUSES)})
        and next_attempt_at is not null and next_attempt_at <= ${now}
        and (locked_until is null or locked_until < ${now})
      order by next_attempt_at, id
      limit 1
      for update skip locked
    )
    returning *`.execute(db);
  return result.rows[0];
}

/**
 * Extends a lease this worker still holds (on an order still in `status`, when given); false when it holds it no more
 * (expired and taken, or released) or the order moved on (an operator refunded it).
 */
export async function renewLease(db: Kysely<Database>, orderId: number, workerId: string, until: Date, status?: OrderStatus): Promise<boolean> {
  let renew = db
    .updateTable("orders")
    .set({ locked_until: until })
    .where("id", "=", orderId)
    .where("locked_by", "=", workerId)
    .where("locked_until", "is not", null);
  if (status) renew = renew.where("status", "=", status);
  const renewed = await renew.executeTakeFirst();
  return renewed.numUpdatedRows > 0n;
}

/** Whether a worker holds a live lease on the order. */
export function isLeased(order: Pick<Order, "locked_until">, now: Date): boolean {
  return order.locked_until !== null && order.locked_until.getTime() > now.getTime();
}

export const RELEASED = { locked_until: null, locked_by: null } as const satisfies OrderUpdate;

/** Gives the order back (optionally due again at `nextAttemptAt`) if this worker still holds it. */
export async function releaseLease(db: Kysely<Database>, orderId: number, workerId: string, nextAttemptAt?: Date): Promise<void> {
  await db
    .updateTable("orders")
    .set({ ...RELEASED, ...(nextAttemptAt ? { next_attempt_at: nextAttemptAt } : {}) })
    .where("id", "=", orderId)
    .where("locked_by", "=", workerId)
    .execute();
}
