import type { Kysely } from "kysely";
import type { Database, Order, OrderStatus, OrderUpdate } from "../db/schema.ts";
import { EsimGoError, type EsimGoClient } from "../esimgo/index.ts";
import type { Logger } from "../logger.ts";
import type { Metrics } from "../metrics/port.ts";
import type { Notifier } from "../notify/index.ts";
import { causeOf, KEEP_SETTLED_REFUND, RELEASED, transitionOrder, type OrderSet, type Transition } from "../orders/index.ts";
import { backoffMs } from "./backoff.ts";

export interface FulfilmentSettings {
  workerId: string;
  leaseSeconds: number;
  /** Before re-placing an order whose first POST had no clear answer: longer than any request can still be in flight. */
  reconcileGraceSeconds: number;
  balanceRecheckSeconds: number;
  retryBaseMs: number;
  retryMaxMs: number;
  /** Delivery attempts before the order counts as delivered with a recorded delivery error. */
  maxDeliveryAttempts: number;
  /** Claims per pass and lane, so one pass always ends. */
  maxOrdersPerPass: number;
  /**
   * Orders advanced side by side (default 1). Each step waits on eSIM Go, so one lane cannot use the provider's
   * request budget; lanes claim like separate workers (each its own lease id `<workerId>#<n>`).
   */
  concurrency?: number;
}

export type FailureReason = "unavailable" | "deadline";

export interface FulfilmentDeps {
  db: Kysely<Database>;
  esimgo: Pick<EsimGoClient, "placeOrder" | "listOrders" | "getAssignments" | "getOrganisation">;
  notifier: Notifier;
  logger: Logger;
  settings: FulfilmentSettings;
  now: () => Date;
  /** Called once the order is `failed` with refund_status pending: refunds and tells people. */
  onFailed(order: Order, cause: string, reason: FailureReason): Promise<void>;
  metrics?: Pick<Metrics, "fulfilled">;
}

/** A step either hands on the order as it now is (the lane takes the next step at once) or is done with it for now. */
export type StepResult = { next: Order } | { done: true };
export const DONE: StepResult = { done: true };

/** What every step of one lane shares: its dependencies, its lease, and the moves every step makes. */
export interface Lane {
  deps: FulfilmentDeps;
  settings: FulfilmentSettings;
  log: Logger;
  /** A fresh lease held by this lane, for an update that keeps the order. */
  lease(): OrderUpdate;
  /** A guarded transition that happens only while this lane holds the order. */
  moveTo(order: Order, from: OrderStatus[], set: OrderSet, event: Transition["event"]): Promise<Order | undefined>;
  /** Leaves the order where it is, due again after a backoff (or at `atMs`), lease released; `also` sets more fields. */
  scheduleRetry(order: Order, error: unknown, options?: { atMs?: number; silent?: boolean; also?: OrderSet }): Promise<void>;
  /** The order cannot be served: `failed`, a fresh refund pending, people told by `onFailed`. */
  fail(order: Order, cause: string, reason: FailureReason): Promise<StepResult>;
  deadlinePassed(order: Order): boolean;
}

export function createLaneTools(deps: FulfilmentDeps, log: Logger): Lane {
  const { settings } = deps;
  const leaseMs = settings.leaseSeconds * 1000;

  const lease = (): OrderUpdate => ({ locked_until: new Date(deps.now().getTime() + leaseMs), locked_by: settings.workerId });

  const moveTo: Lane["moveTo"] = (order, from, set, event) => transitionOrder(deps.db, order.id, { from, set, event, lockedBy: settings.workerId });

  const scheduleRetry: Lane["scheduleRetry"] = async (order, error, options = {}) => {
    const attempts = order.attempts + 1;
    const retryAfter = error instanceof EsimGoError && error.retryAfterMs ? error.retryAfterMs : 0;
    const delay = options.atMs ?? Math.max(backoffMs(attempts, { baseMs: settings.retryBaseMs, maxMs: settings.retryMaxMs }), retryAfter);
    const cause = causeOf(error);
    const updated = await moveTo(
      order,
      [order.status],
      { ...options.also, attempts, last_error: cause, next_attempt_at: new Date(deps.now().getTime() + delay), ...RELEASED },
      { type: "retry_scheduled", detail: { status: order.status, attempts, cause, inMs: delay } },
    );
    if (!updated) return;
    log.warn({ orderId: order.id, status: order.status, attempts, cause }, "fulfilment step will be retried");
    // The third failure in a row is worth a human look; later ones would only be noise.
    if (attempts === 3 && !options.silent) {
      await deps.notifier.admins({ type: "fulfilment_failed", orderId: order.id, cause: `order ${order.id} (${order.status}): ${cause}`, willRetry: true });
    }
  };

  const fail: Lane["fail"] = async (order, cause, reason) => {
    const failed = await moveTo(
      order,
      ["paid", "placing", "awaiting_balance"],
      // A fresh refund: an earlier one that failed (before an operator /retry) must not stand in for it. A refund
      // Stripe already reports settled (made in the dashboard) stays as it is: that money is back.
      { status: "failed", last_error: cause, next_attempt_at: null, ...KEEP_SETTLED_REFUND, ...RELEASED },
      { type: "failed", detail: { cause, reason } },
    );
    if (!failed) return DONE;
    if (failed.refund_status === "succeeded") {
      log.warn({ orderId: order.id, cause }, "order failed; its payment was refunded already");
      await deps.notifier.admins({ type: "fulfilment_failed", orderId: order.id, cause: `order ${order.id}: ${cause}; its payment was refunded already`, willRetry: false });
      return { next: failed };
    }
    log.error({ orderId: order.id, cause, reason }, "order failed; refunding");
    await deps.onFailed(failed, cause, reason);
    return { next: failed };
  };

  const deadlinePassed = (order: Order) => order.deadline_at !== null && deps.now() > order.deadline_at;

  return { deps, settings, log, lease, moveTo, scheduleRetry, fail, deadlinePassed };
}
