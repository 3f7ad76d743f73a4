import type { Kysely } from "kysely";
import { markCustomerBlocked } from "../customers/index.ts";
import type { Database, Order, OrderStatus, OrderUpdate } from "../db/schema.ts";
import { EsimGoError, type EsimGoClient, type EsimInstall, type OrderItem, type OrderSummary } from "../esimgo/index.ts";
import { deliverableEsim } from "../esims/index.ts";
import type { Logger } from "../logger.ts";
import type { CustomerNotice, Notifier } from "../notify/index.ts";
import { causeOf, countOrderEvents, NEW_REFUND, transitionOrder, transitionWithin, type Transition } from "../orders/store.ts";
import { backoffMs } from "./backoff.ts";
import { claimDueOrder } from "./claim.ts";

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
}

export interface Fulfilment {
  /** Claims and advances due orders until none is due; resolves how many orders changed status. */
  runDueOnce(): Promise<number>;
}

type StepResult = { next: Order } | { done: true };
const DONE: StepResult = { done: true };
const MAX_STEPS_PER_CLAIM = 8;
/** A lease is renewed every third of its length for at most ten lengths: a hung step cannot hold an order forever. */
const MAX_LEASE_RENEWALS = 30;
/** eSIM Go stamps createdAt with its own clock: the order list is searched from this long before placing began. */
const RECONCILE_CLOCK_SKEW_MS = 5 * 60_000;

export function createFulfilment(deps: FulfilmentDeps): Fulfilment {
  const lanes = Math.max(1, Math.floor(deps.settings.concurrency ?? 1));
  if (lanes === 1) return createLane(deps);
  const workers = Array.from({ length: lanes }, (_, i) => createLane({ ...deps, settings: { ...deps.settings, workerId: `${deps.settings.workerId}#${i + 1}` } }));
  return {
    async runDueOnce() {
      const advanced = await Promise.all(workers.map((worker) => worker.runDueOnce()));
      return advanced.reduce((sum, count) => sum + count, 0);
    },
  };
}

/** One claimer: takes due orders one at a time and moves each as far as it can go now. */
function createLane(deps: FulfilmentDeps): Fulfilment {
  const { settings } = deps;
  const leaseMs = settings.leaseSeconds * 1000;
  const log = deps.logger.child({ worker: settings.workerId });

  async function runDueOnce(): Promise<number> {
    let advanced = 0;
    for (let i = 0; i < settings.maxOrdersPerPass; i++) {
      const order = await claimDueOrder(deps.db, settings.workerId, deps.now(), leaseMs);
      if (!order) break;
      const stopRenewing = keepLease(order.id);
      try {
        if (await advance(order)) advanced++;
      } finally {
        await stopRenewing();
      }
    }
    return advanced;
  }

  /**
   * Renews this worker's lease while it works on the order, so a step that waits on the network longer than the
   * lease (a slow or rate-limited POST /orders) is never taken over and repeated by another worker. A crashed worker
   * renews nothing and its lease runs out; a renewal only extends a lease this worker still holds.
   */
  function keepLease(orderId: number): () => Promise<void> {
    let renewal: Promise<void> = Promise.resolve();
    let renewals = 0;
    const timer = setInterval(() => {
      if (++renewals > MAX_LEASE_RENEWALS) return clearInterval(timer);
      renewal = deps.db
        .updateTable("orders")
        .set({ locked_until: new Date(deps.now().getTime() + leaseMs) })
        .where("id", "=", orderId)
        .where("locked_by", "=", settings.workerId)
        .where("locked_until", "is not", null)
        .execute()
        .then(
          () => undefined,
          (error: unknown) => log.warn({ orderId, err: error }, "lease renewal failed"),
        );
    }, Math.max(Math.floor(leaseMs / 3), 50));
    timer.unref();
    return async () => {
      clearInterval(timer);
      await renewal;
    };
  }

  async function advance(claimed: Order): Promise<boolean> {
    let order = claimed;
    let moved = false;
    // Bounded: every step either moves the order forward or schedules it and stops.
    for (let steps = 0; steps < MAX_STEPS_PER_CLAIM; steps++) {
      let result: StepResult;
      try {
        result = await step(order);
      } catch (error) {
        log.error({ orderId: order.id, status: order.status, err: error }, "fulfilment step crashed");
        await scheduleRetry(order, error);
        return moved;
      }
      if ("done" in result) return moved;
      moved ||= result.next.status !== order.status;
      order = result.next;
    }
    await releaseLease(order);
    return moved;
  }

  function step(order: Order): Promise<StepResult> {
    switch (order.status) {
      case "paid":
        return startPlacing(order);
      case "placing":
        return reconcile(order);
      case "awaiting_balance":
        return recheckBalance(order);
      case "placed":
        return fetchInstallDetails(order);
      case "ready":
        return deliver(order);
      default:
        return releaseLease(order).then(() => DONE);
    }
  }

  // ---- lease and scheduling -------------------------------------------------------------------

  const lease = (): OrderUpdate => ({ locked_until: new Date(deps.now().getTime() + leaseMs), locked_by: settings.workerId });
  const released: OrderUpdate = { locked_until: null, locked_by: null };

  function moveTo(order: Order, from: OrderStatus[], set: OrderUpdate, event: Transition["event"]): Promise<Order | undefined> {
    return transitionOrder(deps.db, order.id, { from, set, event, lockedBy: settings.workerId });
  }

  async function releaseLease(order: Order): Promise<void> {
    await deps.db.updateTable("orders").set(released).where("id", "=", order.id).where("locked_by", "=", settings.workerId).execute();
  }

  async function scheduleRetry(order: Order, error: unknown, options: { atMs?: number; silent?: boolean } = {}): Promise<void> {
    const attempts = order.attempts + 1;
    const retryAfter = error instanceof EsimGoError && error.retryAfterMs ? error.retryAfterMs : 0;
    const delay = options.atMs ?? Math.max(backoffMs(attempts, { baseMs: settings.retryBaseMs, maxMs: settings.retryMaxMs }), retryAfter);
    const cause = causeOf(error);
    const updated = await moveTo(
      order,
      [order.status],
      { attempts, last_error: cause, next_attempt_at: new Date(deps.now().getTime() + delay), ...released },
      { type: "retry_scheduled", detail: { status: order.status, attempts, cause, inMs: delay } },
    );
    if (!updated) return;
    log.warn({ orderId: order.id, status: order.status, attempts, cause }, "fulfilment step will be retried");
    // The third failure in a row is worth a human look; later ones would only be noise.
    if (attempts === 3 && !options.silent) {
      await deps.notifier.admins({ type: "fulfilment_failed", orderId: order.id, cause: `order ${order.id} (${order.status}): ${cause}`, willRetry: true });
    }
  }

  const deadlinePassed = (order: Order) => order.deadline_at !== null && deps.now() > order.deadline_at;

  async function fail(order: Order, cause: string, reason: FailureReason): Promise<StepResult> {
    const failed = await moveTo(
      order,
      ["paid", "placing", "awaiting_balance"],
      // A fresh refund: an earlier one that failed (before an operator /retry) must not stand in for it.
      { status: "failed", last_error: cause, next_attempt_at: null, ...NEW_REFUND, ...released },
      { type: "failed", detail: { cause, reason } },
    );
    if (!failed) return DONE;
    log.error({ orderId: order.id, cause, reason }, "order failed; refunding");
    await deps.onFailed(failed, cause, reason);
    return { next: failed };
  }

  // ---- step 1: place the provider order -------------------------------------------------------

  async function startPlacing(order: Order): Promise<StepResult> {
    if (deadlinePassed(order)) return fail(order, `order ${order.id}: not fulfilled before its deadline`, "deadline");
    // Recorded BEFORE the POST: a crash from here on is reconciled, never blindly re-sent.
    const placing = await moveTo(order, ["paid"], { status: "placing", placing_started_at: deps.now(), ...lease() }, { type: "placing", detail: { worker: settings.workerId } });
    return placing ? placeAtProvider(placing) : DONE;
  }

  function orderItems(order: Order): OrderItem[] {
    return [{ bundle: order.bundle_name, quantity: order.quantity, ...(order.target_iccid ? { iccids: [order.target_iccid] } : {}) }];
  }

  async function placeAtProvider(order: Order): Promise<StepResult> {
    let reference: string | null;
    let totalMinor: number | undefined;
    let currency: string | undefined;
    try {
      const result = await deps.esimgo.placeOrder(orderItems(order));
      reference = result.orderReference;
      totalMinor = result.totalMinor;
      currency = result.currency;
    } catch (error) {
      return onPlaceError(order, error);
    }
    if (!reference) {
      await scheduleRetry(order, new Error("eSIM Go answered the order without an order reference"));
      return DONE;
    }
    return recordPlaced(order, reference, "placed", totalMinor, currency);
  }

  async function onPlaceError(order: Order, error: unknown): Promise<StepResult> {
    const kind = error instanceof EsimGoError ? error.kind : undefined;
    if (kind === "insufficient_balance") return awaitBalance(order, causeOf(error));
    if (kind === "invalid_request" || kind === "not_found") {
      return fail(order, `order ${order.id}: eSIM Go refused ${order.bundle_name}: ${causeOf(error)}`, "unavailable");
    }
    // Anything else may have reached the provider: stay in `placing` so the next attempt reconciles first.
    await scheduleRetry(order, error, { atMs: Math.max(settings.reconcileGraceSeconds * 1000, settings.retryBaseMs) });
    return DONE;
  }

  async function recordPlaced(order: Order, reference: string, how: "placed" | "adopted", totalMinor?: number, currency?: string): Promise<StepResult> {
    const actualCost = totalMinor !== undefined && currency?.toUpperCase() === order.provider_currency.toUpperCase() ? { provider_cost_minor: totalMinor } : {};
    try {
      const placed = await moveTo(
        order,
        ["placing"],
        { status: "placed", esimgo_order_reference: reference, attempts: 0, last_error: null, ...actualCost, ...lease() },
        { type: how, detail: { reference, totalMinor, currency } },
      );
      if (placed) return { next: placed };
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      // Another order reconciled first and adopted this provider order (same product): this one looks again
      // and adopts the other's, or re-places once none can still appear. Nothing is lost or bought twice.
      log.warn({ orderId: order.id, reference }, "provider order already recorded on another order; reconciling");
      await scheduleRetry(order, new Error(`eSIM Go order ${reference} is already recorded on another order`), { atMs: 0, silent: true });
      return DONE;
    }
    // Lost the lease: whoever holds it now reconciles and finds this provider order unlinked. Worth a look anyway.
    log.error({ orderId: order.id, reference }, "provider order could not be recorded on its order");
    await deps.notifier.admins({
      type: "fulfilment_failed",
      orderId: order.id,
      cause: `order ${order.id}: eSIM Go order ${reference} was ${how} but could not be recorded (lease lost); check that exactly one provider order is linked to it`,
      willRetry: false,
    });
    return DONE;
  }

  async function awaitBalance(order: Order, cause: string): Promise<StepResult> {
    const waiting = await moveTo(
      order,
      ["placing", "paid"],
      { status: "awaiting_balance", last_error: cause, next_attempt_at: new Date(deps.now().getTime() + settings.balanceRecheckSeconds * 1000), ...released },
      { type: "awaiting_balance", detail: { cause } },
    );
    if (waiting && (await countOrderEvents(deps.db, order.id, "awaiting_balance")) === 1) {
      await deps.notifier.admins({ type: "awaiting_balance", orderId: order.id, neededMinor: order.provider_cost_minor, currency: order.provider_currency });
    }
    // Stop here even if the balance looks fine again: the next check is the scheduled one.
    return DONE;
  }

  // ---- step 1b: an order left in `placing` -----------------------------------------------------

  async function reconcile(order: Order): Promise<StepResult> {
    const startedAt = order.placing_started_at ?? order.updated_at;
    const settledAt = startedAt.getTime() + settings.reconcileGraceSeconds * 1000;
    let summaries: OrderSummary[];
    try {
      summaries = await listProviderOrders(new Date(startedAt.getTime() - RECONCILE_CLOCK_SKEW_MS));
    } catch (error) {
      await scheduleRetry(order, error);
      return DONE;
    }
    const match = await findUnlinkedMatch(order, summaries);
    if (match) return recordPlaced(order, match.orderReference, "adopted", match.totalMinor, match.currency);
    if (deps.now().getTime() < settledAt) {
      // Our POST may still be in flight: look again once it cannot be any more.
      await scheduleRetry(order, new Error("placing outcome not settled yet"), { atMs: settledAt - deps.now().getTime(), silent: true });
      return DONE;
    }
    if (deadlinePassed(order)) return fail(order, `order ${order.id}: no provider order exists and the deadline passed`, "deadline");
    const again = await moveTo(order, ["placing"], { placing_started_at: deps.now(), ...lease() }, { type: "replacing", detail: { listed: summaries.length } });
    return again ? placeAtProvider(again) : DONE;
  }

  function listProviderOrders(createdFrom: Date): Promise<OrderSummary[]> {
    return deps.esimgo.listOrders({ createdFrom });
  }

  /**
   * The oldest provider order for the same product that no order of ours has recorded. A new-eSIM order never adopts
   * one that went onto an ICCID we already know: that is someone's top-up, and its install details are theirs.
   */
  async function findUnlinkedMatch(order: Order, summaries: OrderSummary[]): Promise<OrderSummary | undefined> {
    const candidates = summaries
      .filter((summary) => summary.orderReference && isSameProduct(order, summary))
      .sort((a, b) => timeOf(a.createdAt) - timeOf(b.createdAt));
    if (candidates.length === 0) return undefined;
    const linked = await deps.db
      .selectFrom("orders")
      .select("esimgo_order_reference")
      .where("esimgo_order_reference", "in", candidates.map((c) => c.orderReference))
      .execute();
    const taken = new Set(linked.map((row) => row.esimgo_order_reference));
    const known = order.kind === "new" ? await knownIccids(candidates.flatMap(iccidsOf)) : new Set<string>();
    return candidates.find((candidate) => !taken.has(candidate.orderReference) && !iccidsOf(candidate).some((iccid) => known.has(iccid)));
  }

  async function knownIccids(iccids: string[]): Promise<Set<string>> {
    if (iccids.length === 0) return new Set();
    const [stored, targeted] = await Promise.all([
      deps.db.selectFrom("esims").select("iccid").where("iccid", "in", iccids).execute(),
      deps.db.selectFrom("orders").select("target_iccid").where("target_iccid", "in", iccids).execute(),
    ]);
    return new Set([...stored.map((row) => row.iccid), ...targeted.map((row) => row.target_iccid ?? "")]);
  }

  // ---- step 2: install details ---------------------------------------------------------------

  async function fetchInstallDetails(order: Order): Promise<StepResult> {
    const reference = order.esimgo_order_reference;
    if (!reference) throw new Error(`order ${order.id} is placed without a provider reference`);
    let installs: EsimInstall[];
    try {
      installs = await deps.esimgo.getAssignments(reference);
    } catch (error) {
      await scheduleRetry(order, error);
      return DONE;
    }
    const usable = installs.filter((install) => install.iccid && install.matchingId && install.smdpAddress);
    const needed = order.kind === "topup" ? 1 : order.quantity;
    if (usable.length < needed) {
      await scheduleRetry(order, new Error(`eSIM Go order ${reference} has ${usable.length} of ${needed} eSIMs ready`));
      return DONE;
    }
    const ready = await deps.db.transaction().execute(async (trx) => {
      if (order.kind === "new") {
        await trx
          .insertInto("esims")
          .values(
            usable.map((install) => ({
              iccid: install.iccid,
              customer_id: order.customer_id,
              order_id: order.id,
              matching_id: install.matchingId,
              smdp_address: install.smdpAddress,
              apple_install_url: install.appleInstallUrl ?? null,
            })),
          )
          .onConflict((oc) => oc.column("iccid").doNothing())
          .execute();
      }
      return transitionWithin(trx, order.id, {
        from: ["placed"],
        lockedBy: settings.workerId,
        set: { status: "ready", attempts: 0, last_error: null, ...lease() },
        event: { type: "ready", detail: { iccids: usable.map((install) => install.iccid) } },
      });
    });
    return ready ? { next: ready } : DONE;
  }

  // ---- step 3: deliver -----------------------------------------------------------------------

  async function deliver(order: Order): Promise<StepResult> {
    const notice = await readyNotice(order);
    let outcome: "delivered" | "blocked";
    try {
      outcome = await deps.notifier.customer(order.customer_id, notice);
    } catch (error) {
      if (order.attempts + 1 < settings.maxDeliveryAttempts) {
        await scheduleRetry(order, error);
        return DONE;
      }
      return markDelivered(order, `delivery failed ${order.attempts + 1} times: ${causeOf(error)}`);
    }
    if (outcome === "blocked") {
      await markCustomerBlocked(deps.db, order.customer_id);
      return markDelivered(order, "customer has blocked the bot");
    }
    return markDelivered(order, null);
  }

  async function readyNotice(order: Order): Promise<CustomerNotice> {
    const base = { orderId: order.id, bundleName: order.bundle_name, bundleDescription: order.bundle_description };
    if (order.kind === "topup" && order.target_iccid) return { type: "topup_ready", ...base, iccid: order.target_iccid };
    const esims = await deps.db.selectFrom("esims").selectAll().where("order_id", "=", order.id).orderBy("iccid").execute();
    if (esims.length === 0) throw new Error(`order ${order.id} is ready but has no stored eSIM`);
    return { type: "esim_ready", ...base, esims: await Promise.all(esims.map(deliverableEsim)) };
  }

  async function markDelivered(order: Order, deliveryError: string | null): Promise<StepResult> {
    const deliveredAt = deps.now();
    const delivered = await moveTo(
      order,
      ["ready"],
      { status: "delivered", delivered_at: deliveredAt, delivery_error: deliveryError, next_attempt_at: null, ...released },
      { type: "delivered", detail: deliveryError ? { deliveryError } : undefined },
    );
    if (!delivered) return DONE;
    const seconds = Math.round((deliveredAt.getTime() - (order.paid_at ?? order.created_at).getTime()) / 1000);
    if (deliveryError) await deps.notifier.admins({ type: "delivery_failed", orderId: order.id, cause: `order ${order.id}: ${deliveryError}` });
    await deps.notifier.admins({ type: "delivered", orderId: order.id, seconds });
    return { next: delivered };
  }

  // ---- waiting for the provider balance ------------------------------------------------------

  async function recheckBalance(order: Order): Promise<StepResult> {
    if (deadlinePassed(order)) return fail(order, `order ${order.id}: provider balance stayed too low until the deadline`, "deadline");
    let balanceMinor: number;
    try {
      balanceMinor = (await deps.esimgo.getOrganisation()).balanceMinor;
    } catch (error) {
      await scheduleRetry(order, error, { atMs: settings.balanceRecheckSeconds * 1000, silent: true });
      return DONE;
    }
    if (balanceMinor < order.provider_cost_minor) {
      const recheckAt = new Date(deps.now().getTime() + settings.balanceRecheckSeconds * 1000);
      await deps.db.updateTable("orders").set({ next_attempt_at: recheckAt, ...released }).where("id", "=", order.id).where("locked_by", "=", settings.workerId).execute();
      return DONE;
    }
    const resumed = await moveTo(order, ["awaiting_balance"], { status: "paid", attempts: 0, last_error: null, ...lease() }, { type: "balance_restored", detail: { balanceMinor } });
    return resumed ? { next: resumed } : DONE;
  }

  return { runDueOnce };
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

function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === "23505";
}
