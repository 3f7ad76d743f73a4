import { sql, type Kysely, type Transaction, type UpdateObject } from "kysely";
import type { Database, Order, OrderEventType, OrderStatus, OrderUpdate, RefundStatus } from "../db/schema.ts";
import { WORKABLE_STATUSES } from "./lease.ts";

/** The database or a transaction: every write here can join a caller's transaction. */
export type Executor = Kysely<Database> | Transaction<Database>;

export async function appendOrderEvent(db: Executor, orderId: number, type: OrderEventType, detail?: unknown): Promise<void> {
  await db
    .insertInto("order_events")
    .values({ order_id: orderId, type, detail: detail === undefined ? null : JSON.stringify(detail) })
    .execute();
}

/** Appends the event unless the order already has one of this type; false when it had. */
export async function appendOrderEventOnce(db: Kysely<Database>, orderId: number, type: OrderEventType, detail?: unknown): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    await trx.selectFrom("orders").select("id").where("id", "=", orderId).forUpdate().executeTakeFirst();
    if ((await countOrderEvents(trx, orderId, type)) > 0) return false;
    await appendOrderEvent(trx, orderId, type, detail);
    return true;
  });
}

export async function findOrder(db: Executor, orderId: number): Promise<Order | undefined> {
  return db.selectFrom("orders").selectAll().where("id", "=", orderId).executeTakeFirst();
}

/** The order locked for the rest of the caller's transaction. */
export async function lockOrder(trx: Transaction<Database>, orderId: number | undefined): Promise<Order | undefined> {
  if (orderId === undefined) return undefined;
  return trx.selectFrom("orders").selectAll().where("id", "=", orderId).forUpdate().executeTakeFirst();
}

export async function lockOrderByPaymentIntent(trx: Transaction<Database>, paymentIntentId: string): Promise<Order | undefined> {
  return trx.selectFrom("orders").selectAll().where("stripe_payment_intent_id", "=", paymentIntentId).forUpdate().executeTakeFirst();
}

/** The order whose Stars invoice carries this reference, locked for the rest of the caller's transaction. */
export async function lockOrderByStarsPayload(trx: Transaction<Database>, payload: string): Promise<Order | undefined> {
  return trx.selectFrom("orders").selectAll().where("stars_payload", "=", payload).forUpdate().executeTakeFirst();
}

/** Columns to set: values, or SQL expressions over the row as it is (decided in the same statement). */
export type OrderSet = UpdateObject<Database, "orders">;

export interface Transition {
  /** The move happens only from these statuses (the guard). */
  from: readonly OrderStatus[];
  set: OrderSet;
  event: { type: OrderEventType; detail?: unknown };
  /** Only while this worker still holds the lease. */
  lockedBy?: string;
  /** Only while no worker holds a live lease on a `placing` order (its POST /orders may be on its way). */
  unleasedAt?: Date;
}

/** The guarded UPDATE and its order_events row, inside the caller's transaction. */
export async function transitionWithin(trx: Transaction<Database>, orderId: number, transition: Transition): Promise<Order | undefined> {
  let update = trx
    .updateTable("orders")
    .set({ updated_at: new Date(), ...transition.set })
    .where("id", "=", orderId)
    .where("status", "in", [...transition.from]);
  if (transition.lockedBy !== undefined) update = update.where("locked_by", "=", transition.lockedBy);
  const unleasedAt = transition.unleasedAt;
  if (unleasedAt) update = update.where((eb) => eb.or([eb("status", "!=", "placing"), eb("locked_until", "is", null), eb("locked_until", "<", unleasedAt)]));
  const order = await update.returningAll().executeTakeFirst();
  if (order) await appendOrderEvent(trx, orderId, transition.event.type, transition.event.detail);
  return order;
}

/**
 * One guarded UPDATE plus its order_events row, in one transaction.
 * Resolves the updated order, or undefined when the guard did not match (someone else moved it first).
 */
export async function transitionOrder(db: Kysely<Database>, orderId: number, transition: Transition): Promise<Order | undefined> {
  return db.transaction().execute((trx) => transitionWithin(trx, orderId, transition));
}

/**
 * A channel reported, after accepting it, that a message never reached the customer: their order being delivered
 * right now (`ready`, its messages going out) or delivered since `since` keeps its way (the eSIM is theirs, /myesims
 * shows it) and gets the cause, once. Resolves the order's id, if any.
 */
export async function recordUndelivered(db: Kysely<Database>, customerId: number, since: Date, cause: string): Promise<number | undefined> {
  return db.transaction().execute(async (trx) => {
    const order = await trx
      .updateTable("orders")
      .set({ delivery_error: cause, updated_at: new Date() })
      .where("id", "=", (eb) =>
        eb
          .selectFrom("orders")
          .select("id")
          .where("customer_id", "=", customerId)
          .where((w) => w.or([w("status", "=", "ready"), w.and([w("status", "=", "delivered"), w("delivered_at", ">=", since)])]))
          .orderBy("id", "desc")
          .limit(1),
      )
      .where("delivery_error", "is", null)
      .returning("id")
      .executeTakeFirst();
    if (order) await appendOrderEvent(trx, order.id, "undelivered", { cause });
    return order?.id;
  });
}

/** Writes fields that are no state change (a note, the payment intent) without a story line. */
export async function updateOrderFields(db: Executor, orderId: number, set: OrderUpdate, onlyIn?: readonly OrderStatus[]): Promise<void> {
  let update = db
    .updateTable("orders")
    .set({ ...set, updated_at: set.updated_at ?? new Date() })
    .where("id", "=", orderId);
  if (onlyIn) update = update.where("status", "in", [...onlyIn]);
  await update.execute();
}

/** How many lines of these types (one, or any of several) the order's story has. */
export async function countOrderEvents(db: Executor, orderId: number, type: OrderEventType | readonly OrderEventType[]): Promise<number> {
  const row = await db
    .selectFrom("order_events")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("order_id", "=", orderId)
    .where("type", "in", typeof type === "string" ? [type] : [...type])
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Marks an order for a new refund attempt; what an earlier (failed) attempt left behind is cleared. */
export const NEW_REFUND = { refund_status: "pending", refund_id: null, refund_amount_minor: null, refunded_at: null } as const satisfies OrderUpdate;

/** NEW_REFUND, except that a refund already settled (made in the Stripe dashboard, say) is kept: in the same statement. */
export const KEEP_SETTLED_REFUND = {
  refund_status: sql<RefundStatus>`case when refund_status = 'succeeded' then 'succeeded' else 'pending' end`,
  refund_id: sql<string | null>`case when refund_status = 'succeeded' then refund_id else null end`,
  refund_amount_minor: sql<number | null>`case when refund_status = 'succeeded' then refund_amount_minor else null end`,
  refunded_at: sql<Date | null>`case when refund_status = 'succeeded' then refunded_at else null end`,
} satisfies OrderSet;

/** Errors the operator sees name the order and the cause; never a stack, never a secret. */
export function causeOf(error: unknown): string {
  if (error instanceof Error) {
    const kind = (error as { kind?: unknown }).kind;
    return `${typeof kind === "string" ? `${kind}: ` : ""}${error.message}`.slice(0, 500);
  }
  return String(error).slice(0, 500);
}

/** An order of this customer the shop is still working on (paid, not delivered or ended). */
export async function hasOrderInProgress(db: Executor, customerId: number): Promise<boolean> {
  const row = await db
    .selectFrom("orders")
    .select("id")
    .where("customer_id", "=", customerId)
    .where("status", "in", ["payment_processing", ...WORKABLE_STATUSES])
    .executeTakeFirst();
  return row !== undefined;
}

/** Payment events kept for deduplication, older than any provider still retries: gone after the retention period. */
export async function purgeWebhookEvents(db: Executor, olderThan: Date): Promise<number> {
  const result = await db.deleteFrom("webhook_events").where("received_at", "<", olderThan).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** A customer's unpaid orders end with their data: no link of theirs stays open. */
export async function expireOpenOrdersOf(trx: Transaction<Database>, customerId: number): Promise<void> {
  const open = await trx.selectFrom("orders").select("id").where("customer_id", "=", customerId).where("status", "=", "pending_payment").execute();
  for (const { id } of open) await transitionWithin(trx, id, { from: ["pending_payment"], set: { status: "expired" }, event: { type: "expired", detail: { by: "data erased" } } });
}
