import { sql, type Kysely } from "kysely";
import type { Database, OrderStatus } from "../db/schema.ts";

const EVERY_STATUS = {
  pending_payment: true,
  expired: true,
  payment_processing: true,
  payment_failed: true,
  paid: true,
  placing: true,
  awaiting_balance: true,
  placed: true,
  ready: true,
  delivered: true,
  failed: true,
} satisfies Record<OrderStatus, true>;

export const ORDER_STATUSES = Object.keys(EVERY_STATUS) as OrderStatus[];

/** Paid and on the way: the states `/orders` lists as stuck once paid longer ago than the stuck limit. */
export const IN_FULFILMENT: readonly OrderStatus[] = ["paid", "placing", "placed", "ready"];

export interface OrderCounts {
  /** Every status, zero included. */
  byStatus: Record<OrderStatus, number>;
  /** Paid before `stuckSince` and still not delivered. */
  stuck: number;
}

/** One grouped read of the orders table, cheap enough for every metrics scrape. */
export async function countOrders(db: Kysely<Database>, stuckSince: Date): Promise<OrderCounts> {
  const rows = await db
    .selectFrom("orders")
    .select((eb) => [
      "status",
      eb.fn.countAll<number>().as("count"),
      sql<number>`count(*) filter (where ${eb("status", "in", IN_FULFILMENT)} and ${eb("paid_at", "<", stuckSince)})`.as("stuck"),
    ])
    .groupBy("status")
    .execute();
  const byStatus = Object.fromEntries(ORDER_STATUSES.map((status) => [status, 0])) as Record<OrderStatus, number>;
  let stuck = 0;
  for (const row of rows) {
    byStatus[row.status] = Number(row.count);
    stuck += Number(row.stuck);
  }
  return { byStatus, stuck };
}
