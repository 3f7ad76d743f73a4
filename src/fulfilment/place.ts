import type { Order } from "../db/schema.ts";
import { EsimGoError, type OrderItem } from "../esimgo/index.ts";
import { findCustomer } from "../customers/index.ts";
import { causeOf, countOrderEvents, RELEASED, renewLease } from "../orders/index.ts";
import { DONE, type Lane, type StepResult } from "./tools.ts";

/** Step 1: `paid` → `placing` (recorded BEFORE the POST) → the provider order → `placed`. */
export async function startPlacing(lane: Lane, order: Order): Promise<StepResult> {
  if (lane.deadlinePassed(order)) return lane.fail(order, `order ${order.id}: not fulfilled before its deadline`, "deadline");
  if (refundedBeforePlacing(order)) return lane.fail(order, `order ${order.id}: refunded before it was fulfilled`, "unavailable");
  // Paid through a link still open when its customer erased their data: the eSIM could reach nobody.
  if ((await findCustomer(lane.deps.db, order.customer_id))?.erased_at) {
    return lane.fail(order, `order ${order.id}: its customer erased their data before paying; nobody to deliver to`, "unavailable");
  }
  // Recorded BEFORE the POST: a crash from here on is reconciled, never blindly re-sent.
  const placing = await lane.moveTo(
    order,
    ["paid"],
    { status: "placing", placing_started_at: lane.deps.now(), ...POST_IN_FLIGHT, ...lane.lease() },
    { type: "placing", detail: { worker: lane.settings.workerId } },
  );
  return placing ? placeAtProvider(lane, placing) : DONE;
}

/** A refund made (or under way) before the eSIM is bought: nothing is bought for money that went back. */
export function refundedBeforePlacing(order: Order): boolean {
  return order.refund_status === "succeeded" || order.refund_status === "pending";
}

function orderItems(order: Order): OrderItem[] {
  return [{ bundle: order.bundle_name, quantity: order.quantity, ...(order.target_iccid ? { iccids: [order.target_iccid] } : {}) }];
}

/** What `placing` records while a POST /orders may be running: no end, no answer yet. */
/** How long after a 500 on POST /orders the order list is read before placing again. */
const SERVER_ERROR_GRACE_MS = 8_000;

export const POST_IN_FLIGHT = { placing_ended_at: null, placing_answered: false } as const;

/** POST /orders for an order in `placing`; never called twice for one attempt (reconciliation decides on a re-POST). */
export async function placeAtProvider(lane: Lane, order: Order): Promise<StepResult> {
  // A worker that lost its lease (it stalled; another took the order over) must not buy anything.
  const until = new Date(lane.deps.now().getTime() + lane.settings.leaseSeconds * 1000);
  if (!(await renewLease(lane.deps.db, order.id, lane.settings.workerId, until, "placing"))) {
    lane.log.warn({ orderId: order.id }, "lease lost (or the order refunded) before POST /orders; nothing is bought");
    return DONE;
  }
  let result: { orderReference: string | null; totalMinor?: number; currency?: string };
  try {
    result = await lane.deps.esimgo.placeOrder(orderItems(order));
  } catch (error) {
    return onPlaceError(lane, order, error);
  }
  if (!result.orderReference) {
    await lane.scheduleRetry(order, new Error("eSIM Go answered the order without an order reference"));
    return DONE;
  }
  return recordPlaced(lane, order, result.orderReference, "placed", result.totalMinor, result.currency);
}

async function onPlaceError(lane: Lane, order: Order, error: unknown): Promise<StepResult> {
  const kind = error instanceof EsimGoError ? error.kind : undefined;
  if (kind === "insufficient_balance") return awaitBalance(lane, order, causeOf(error));
  if (kind === "invalid_request" || kind === "not_found") {
    return lane.fail(order, `order ${order.id}: eSIM Go refused ${order.bundle_name}: ${causeOf(error)}`, "unavailable");
  }
  // Anything else may have reached the provider: stay in `placing` so the next attempt reconciles first. A 4xx (a 429)
  // was refused before any work, and a 500 is eSIM Go's own answer that the request ended in an error: look again at
  // once (after a 429's wait). A 503 "Processing", a gateway's 502/504 or a timeout may still become an order there:
  // look once the grace has passed, counted from now (the request ended only now).
  // A 500 still gets a few seconds: an order written just before the error shows in the order list by then.
  const status = error instanceof EsimGoError ? (error.status ?? 0) : 0;
  const answered = (status >= 400 && status < 500) || status === 500;
  const refusedFor = error instanceof EsimGoError ? (error.retryAfterMs ?? 0) : 0;
  const shortGrace = status === 500 ? SERVER_ERROR_GRACE_MS : 0;
  const wait = answered ? Math.max(lane.settings.retryBaseMs, refusedFor, shortGrace) : Math.max(lane.settings.reconcileGraceSeconds * 1000, lane.settings.retryBaseMs);
  await lane.scheduleRetry(order, error, { atMs: wait, also: { placing_ended_at: lane.deps.now(), placing_answered: answered } });
  return DONE;
}

/** The provider order we placed, or found unlinked while reconciling, becomes the order's. */
export async function recordPlaced(lane: Lane, order: Order, reference: string, how: "placed" | "adopted", totalMinor?: number, currency?: string): Promise<StepResult> {
  const actualCost = totalMinor !== undefined && currency?.toUpperCase() === order.provider_currency.toUpperCase() ? { provider_cost_minor: totalMinor } : {};
  try {
    const placed = await lane.moveTo(
      order,
      ["placing"],
      { status: "placed", esimgo_order_reference: reference, attempts: 0, last_error: null, ...actualCost, ...lane.lease() },
      { type: how, detail: { reference, totalMinor, currency } },
    );
    if (placed) return { next: placed };
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    // Another order reconciled first and adopted this provider order (same product): this one looks again
    // and adopts the other's, or re-places once none can still appear. Nothing is lost or bought twice.
    lane.log.warn({ orderId: order.id, reference }, "provider order already recorded on another order; reconciling");
    await lane.scheduleRetry(order, new Error(`eSIM Go order ${reference} is already recorded on another order`), { atMs: 0, silent: true });
    return DONE;
  }
  // Lost the lease: whoever holds it now reconciles and finds this provider order unlinked. Worth a look anyway.
  lane.log.error({ orderId: order.id, reference }, "provider order could not be recorded on its order");
  await lane.deps.notifier.admins({
    type: "fulfilment_failed",
    orderId: order.id,
    cause: `order ${order.id}: eSIM Go order ${reference} was ${how} but could not be recorded (lease lost); check that exactly one provider order is linked to it`,
    willRetry: false,
  });
  return DONE;
}

/** The balance cannot cover it: wait, re-checking on a timer; the admins hear of it once. */
async function awaitBalance(lane: Lane, order: Order, cause: string): Promise<StepResult> {
  const { deps, settings } = lane;
  const waiting = await lane.moveTo(
    order,
    ["placing", "paid"],
    { status: "awaiting_balance", last_error: cause, next_attempt_at: new Date(deps.now().getTime() + settings.balanceRecheckSeconds * 1000), ...RELEASED },
    { type: "awaiting_balance", detail: { cause } },
  );
  if (waiting && (await countOrderEvents(deps.db, order.id, "awaiting_balance")) === 1) {
    await deps.notifier.admins({ type: "awaiting_balance", orderId: order.id, neededMinor: order.provider_cost_minor, currency: order.provider_currency });
  }
  // Stop here even if the balance looks fine again: the next check is the scheduled one.
  return DONE;
}

function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === "23505";
}
