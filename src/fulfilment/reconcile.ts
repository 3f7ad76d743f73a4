import type { Order } from "../db/schema.ts";
import type { OrderSummary } from "../esimgo/index.ts";
import { knownIccids } from "../esims/index.ts";
import { appendOrderEventOnce, causeOf } from "../orders/index.ts";
import { placeAtProvider, POST_IN_FLIGHT, recordPlaced, refundedBeforePlacing } from "./place.ts";
import { DONE, type Lane, type StepResult } from "./tools.ts";

/** eSIM Go stamps createdAt with its own clock: the order list is searched from this long before placing began. */
const RECONCILE_CLOCK_SKEW_MS = 5 * 60_000;

/**
 * Step 1b: an order left in `placing` (a crash, a lost answer). eSIM Go takes no idempotency key, so the order list
 * decides: a provider order for the same product that no order of ours has recorded is adopted; only once our POST
 * can no longer be in flight and none exists is the order placed again.
 */
export async function reconcile(lane: Lane, order: Order): Promise<StepResult> {
  const { deps } = lane;
  const startedAt = order.placing_started_at ?? order.updated_at;
  const settledAt = settledTime(lane, order, startedAt);
  let summaries: OrderSummary[];
  try {
    summaries = await deps.esimgo.listOrders({ createdFrom: new Date(startedAt.getTime() - RECONCILE_CLOCK_SKEW_MS) });
  } catch (error) {
    if (lane.deadlinePassed(order)) await alertStuckOnce(lane, order, error);
    await lane.scheduleRetry(order, error);
    return DONE;
  }
  const match = await findUnlinkedMatch(lane, order, summaries);
  if (match) return recordPlaced(lane, order, match.orderReference, "adopted", match.totalMinor, match.currency);
  if (deps.now().getTime() < settledAt) {
    // Our POST may still be in flight: look again once it cannot be any more.
    await lane.scheduleRetry(order, new Error("placing outcome not settled yet"), { atMs: settledAt - deps.now().getTime(), silent: true });
    return DONE;
  }
  if (lane.deadlinePassed(order)) return lane.fail(order, `order ${order.id}: no provider order exists and the deadline passed`, "deadline");
  if (refundedBeforePlacing(order)) return lane.fail(order, `order ${order.id}: refunded before it was fulfilled`, "unavailable");
  const again = await lane.moveTo(order, ["placing"], { placing_started_at: deps.now(), ...POST_IN_FLIGHT, ...lane.lease() }, { type: "replacing", detail: { listed: summaries.length } });
  return again ? placeAtProvider(lane, again) : DONE;
}

/**
 * From when no POST of ours can still become an order at eSIM Go: at once after a refusal (4xx); the grace after a
 * 5xx, a timeout or a dropped connection (counted from its end); the grace after placing began when a worker crashed
 * mid-POST.
 */
function settledTime(lane: Lane, order: Order, startedAt: Date): number {
  if (order.placing_answered && order.placing_ended_at) return order.placing_ended_at.getTime();
  return (order.placing_ended_at ?? startedAt).getTime() + lane.settings.reconcileGraceSeconds * 1000;
}

/**
 * Past its deadline and eSIM Go's order list still unreadable: whether an eSIM was bought is unknown, so nothing is
 * refunded by itself. The admins are told once, with what to do (check eSIM Go, then /refund or /retry).
 */
async function alertStuckOnce(lane: Lane, order: Order, error: unknown): Promise<void> {
  if (!(await appendOrderEventOnce(lane.deps.db, order.id, "placing_stuck", { cause: causeOf(error) }))) return;
  await lane.deps.notifier.admins({
    type: "fulfilment_failed",
    orderId: order.id,
    cause: `order ${order.id}: past its deadline and eSIM Go's order list cannot be read (${causeOf(error)}); check eSIM Go for an order of ${order.bundle_name}, then /retry ${order.id} or /refund ${order.id}`,
    willRetry: true,
  });
}

/**
 * The oldest provider order for the same product that no order of ours has recorded. A new-eSIM order never adopts
 * one that went onto an ICCID we already know: that is someone's top-up, and its install details are theirs.
 */
async function findUnlinkedMatch(lane: Lane, order: Order, summaries: OrderSummary[]): Promise<OrderSummary | undefined> {
  const candidates = summaries
    .filter((summary) => summary.orderReference && isSameProduct(order, summary))
    .sort((a, b) => timeOf(a.createdAt) - timeOf(b.createdAt));
  if (candidates.length === 0) return undefined;
  const linked = await lane.deps.db
    .selectFrom("orders")
    .select("esimgo_order_reference")
    .where("esimgo_order_reference", "in", candidates.map((c) => c.orderReference))
    .execute();
  const taken = new Set(linked.map((row) => row.esimgo_order_reference));
  const known = order.kind === "new" ? await knownIccids(lane.deps.db, candidates.flatMap(iccidsOf)) : new Set<string>();
  return candidates.find((candidate) => !taken.has(candidate.orderReference) && !iccidsOf(candidate).some((iccid) => known.has(iccid)));
}

function isSameProduct(order: Order, summary: OrderSummary): boolean {
  return summary.items.some(
    (item) =>
      item.bundle === order.bundle_name &&
      item.quantity === order.quantity &&
      (!order.target_iccid || (item.iccids ?? []).includes(order.target_iccid)),
  );
}

function iccidsOf(summary: OrderSummary): string[] {
  return summary.items.flatMap((item) => item.iccids ?? []);
}

function timeOf(value: Date | string | undefined | null): number {
  if (!value) return 0;
  const time = new Date(value).getTime();
  return Number.isNaN(time) ? 0 : time;
}
