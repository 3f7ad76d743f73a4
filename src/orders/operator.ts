import { sql, type Kysely } from "kysely";
import type { Database, Order, OrderEventType } from "../db/schema.ts";
import type { EsimGoClient } from "../esimgo/index.ts";
import { IN_FULFILMENT } from "./counts.ts";
import { appendOrderEvent, findOrder, transitionOrder } from "./store.ts";

export interface StatsRow {
  period: "today" | "7d" | "30d";
  sales: number;
  revenueMinor: number;
  costMinor: number;
  /** After discounts: what was paid less the provider cost. */
  marginMinor: number;
  /** Promotion codes' discounts; `revenueMinor` is what was paid, after them. */
  discountMinor: number;
  /** Sales with a discount. */
  discountedSales: number;
  currency: string;
}

export interface OrderStory {
  order: Order;
  events: { at: Date; type: OrderEventType; detail: unknown }[];
}

export interface OperatorDeps {
  db: Kysely<Database>;
  esimgo: Pick<EsimGoClient, "getOrganisation">;
  now: () => Date;
  fulfilmentDeadlineMinutes: number;
  lowBalanceThresholdMinor: number;
  /** Paid this long ago and still not delivered counts as stuck. */
  stuckMinutes: number;
}

export function createOperator(deps: OperatorDeps) {
  return {
    recentOrders: (limit: number) =>
      deps.db.selectFrom("orders").selectAll().orderBy("id", "desc").limit(Math.min(Math.max(Math.trunc(limit), 1), 100)).execute(),
    problemOrders: () => problemOrders(deps),
    orderStory: (orderId: number) => orderStory(deps.db, orderId),
    retry: (orderId: number) => retry(deps, orderId),
    stats: (now?: Date) => stats(deps.db, now ?? deps.now()),
    balance: async () => {
      const organisation = await deps.esimgo.getOrganisation();
      return { balanceMinor: organisation.balanceMinor, currency: organisation.currency, low: organisation.balanceMinor < deps.lowBalanceThresholdMinor };
    },
  };
}

function problemOrders(deps: OperatorDeps): Promise<Order[]> {
  const stuckSince = new Date(deps.now().getTime() - deps.stuckMinutes * 60_000);
  return deps.db
    .selectFrom("orders")
    .selectAll()
    .where((eb) =>
      eb.or([
        eb.and([eb("status", "in", [...IN_FULFILMENT]), eb("paid_at", "<", stuckSince)]),
        eb("status", "=", "awaiting_balance"),
        eb.and([eb("status", "=", "failed"), eb.or([eb("refund_status", "is", null), eb("refund_status", "!=", "succeeded")])]),
        eb("refund_status", "=", "failed"),
        eb.and([eb("refund_status", "=", "pending"), eb("updated_at", "<", stuckSince)]),
        // Money arrived that no order took (a session that was not the order's, a wrong amount): someone must look.
        eb.and([
          eb("status", "in", ["pending_payment", "expired"]),
          eb.exists(eb.selectFrom("order_events").select("order_events.id").whereRef("order_events.order_id", "=", "orders.id").where("order_events.type", "in", ["payment_unmatched", "payment_mismatch"])),
        ]),
      ]),
    )
    .orderBy("updated_at", "desc")
    .limit(100)
    .execute();
}

async function orderStory(db: Kysely<Database>, orderId: number): Promise<OrderStory | undefined> {
  const order = await findOrder(db, orderId);
  if (!order) return undefined;
  const events = await db.selectFrom("order_events").select(["at", "type", "detail"]).where("order_id", "=", orderId).orderBy("id").execute();
  return { order, events };
}

export type RetryOutcome = "queued" | "not_retryable" | "not_found";

async function retry(deps: OperatorDeps, orderId: number): Promise<RetryOutcome> {
  const order = await findOrder(deps.db, orderId);
  if (!order) return "not_found";
  const now = deps.now();
  const event = { type: "retry_requested", detail: { status: order.status } } as const;
  // In flight: run it now. A `placing` order goes through reconciliation as always, never a blind re-POST.
  const requeued = await transitionOrder(deps.db, orderId, { from: ["paid", "placing", "placed", "ready", "awaiting_balance"], set: { next_attempt_at: now, attempts: 0 }, event });
  if (requeued) return "queued";
  if (order.status !== "failed") return "not_retryable";
  // A failed order whose money has not gone back may be fulfilled after all, with a fresh deadline.
  const revived = await deps.db.transaction().execute(async (trx) => {
    const updated = await trx
      .updateTable("orders")
      .set({
        status: order.esimgo_order_reference ? "placed" : "paid",
        deadline_at: new Date(now.getTime() + deps.fulfilmentDeadlineMinutes * 60_000),
        next_attempt_at: now,
        attempts: 0,
        refund_status: null,
        updated_at: now,
      })
      .where("id", "=", orderId)
      .where("status", "=", "failed")
      .where((eb) => eb.or([eb("refund_status", "is", null), eb("refund_status", "=", "failed")]))
      .returning("id")
      .executeTakeFirst();
    if (updated) await appendOrderEvent(trx, orderId, event.type, event.detail);
    return updated;
  });
  return revived ? "queued" : "not_retryable";
}

async function stats(db: Kysely<Database>, now: Date): Promise<StatsRow[]> {
  const startOfDay = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  const periods = [
    { period: "today" as const, since: startOfDay },
    { period: "7d" as const, since: new Date(now.getTime() - 7 * 86_400_000) },
    { period: "30d" as const, since: new Date(now.getTime() - 30 * 86_400_000) },
  ];
  const fallbackCurrency = (await db.selectFrom("orders").select("currency").orderBy("id", "desc").limit(1).executeTakeFirst())?.currency ?? "USD";
  const rows: StatsRow[] = [];
  for (const { period, since } of periods) {
    const sums = await db
      .selectFrom("orders")
      .select([
        "currency",
        sql<number>`count(*)::int`.as("sales"),
        sql<number>`coalesce(sum(coalesce(paid_minor, price_minor)), 0)::bigint`.as("revenue"),
        sql<number>`coalesce(sum(discount_minor), 0)::bigint`.as("discount"),
        sql<number>`count(*) filter (where discount_minor > 0)::int`.as("discounted"),
        sql<number>`coalesce(sum(provider_cost_minor), 0)::bigint`.as("cost"),
      ])
      .where("status", "=", "delivered")
      .where("delivered_at", ">=", since)
      .where("delivered_at", "<=", now)
      .where((eb) => eb.or([eb("refund_status", "is", null), eb("refund_status", "!=", "succeeded")]))
      .groupBy("currency")
      .execute();
    if (sums.length === 0) rows.push({ period, sales: 0, revenueMinor: 0, costMinor: 0, marginMinor: 0, discountMinor: 0, discountedSales: 0, currency: fallbackCurrency });
    for (const sum of sums) {
      const revenue = Number(sum.revenue);
      const cost = Number(sum.cost);
      rows.push({
        period,
        sales: Number(sum.sales),
        revenueMinor: revenue,
        costMinor: cost,
        marginMinor: revenue - cost,
        discountMinor: Number(sum.discount),
        discountedSales: Number(sum.discounted),
        currency: sum.currency,
      });
    }
  }
  return rows;
}
