import type { Order } from "../db/schema.ts";
import { claimDueOrder, releaseLease, renewLease } from "../orders/index.ts";
import { recheckBalance } from "./balance.ts";
import { deliver } from "./deliver.ts";
import { fetchInstallDetails } from "./install.ts";
import { startPlacing } from "./place.ts";
import { reconcile } from "./reconcile.ts";
import { createLaneTools, DONE, type FulfilmentDeps, type Lane, type StepResult } from "./tools.ts";

export interface Fulfilment {
  /** Claims and advances due orders until none is due, every lane at once; resolves how many orders changed status. */
  runDueOnce(): Promise<number>;
  /**
   * Each lane's own pass, for a worker loop per lane: a lane busy with a long queue (or a slow provider) never holds
   * back another that could take an order paid meanwhile.
   */
  readonly lanes: readonly (() => Promise<number>)[];
}

const MAX_STEPS_PER_CLAIM = 8;
/**
 * A lease is renewed every third of its length while a step runs, for as long as a step can take (the provider client
 * times out every request; a rate-limited queue can still be long): a hung step holds an order at most this long.
 */
const MAX_HOLD_MS = 30 * 60_000;

/** The fulfilment worker: `concurrency` lanes, each claiming due orders like a separate worker. */
export function createFulfilment(deps: FulfilmentDeps): Fulfilment {
  const count = Math.max(1, Math.floor(deps.settings.concurrency ?? 1));
  const lanes = count === 1 ? [createLane(deps)] : Array.from({ length: count }, (_, i) => createLane({ ...deps, settings: { ...deps.settings, workerId: `${deps.settings.workerId}#${i + 1}` } }));
  return {
    async runDueOnce() {
      const advanced = await Promise.all(lanes.map((lane) => lane()));
      return advanced.reduce((sum, n) => sum + n, 0);
    },
    lanes,
  };
}

/** One claimer: takes due orders one at a time and moves each as far as it can go now; resolves how many changed. */
function createLane(deps: FulfilmentDeps): () => Promise<number> {
  const { settings } = deps;
  const leaseMs = settings.leaseSeconds * 1000;
  const lane = createLaneTools(deps, deps.logger.child({ worker: settings.workerId }));

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
    let renewal: Promise<unknown> = Promise.resolve();
    const every = Math.max(Math.floor(leaseMs / 3), 50);
    let renewals = Math.ceil(MAX_HOLD_MS / every);
    const timer = setInterval(() => {
      if (--renewals < 0) return clearInterval(timer);
      renewal = renewLease(deps.db, orderId, settings.workerId, new Date(deps.now().getTime() + leaseMs)).then(
        // Lost (expired and taken): the steps check their lease again before any provider call.
        (held) => held || lane.log.warn({ orderId }, "lease lost while working on the order"),
        (error: unknown) => lane.log.warn({ orderId, err: error }, "lease renewal failed"),
      );
    }, every);
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
        result = await step(lane, order);
      } catch (error) {
        lane.log.error({ orderId: order.id, status: order.status, err: error }, "fulfilment step crashed");
        await lane.scheduleRetry(order, error);
        return moved;
      }
      if ("done" in result) return moved;
      moved ||= result.next.status !== order.status;
      order = result.next;
    }
    await releaseLease(deps.db, order.id, settings.workerId);
    return moved;
  }

  return runDueOnce;
}

/** The step machine: what an order needs next follows from its status alone, so a restart continues where it stopped. */
function step(lane: Lane, order: Order): Promise<StepResult> {
  switch (order.status) {
    case "paid":
      return startPlacing(lane, order);
    case "placing":
      return reconcile(lane, order);
    case "awaiting_balance":
      return recheckBalance(lane, order);
    case "placed":
      return fetchInstallDetails(lane, order);
    case "ready":
      return deliver(lane, order);
    default:
      return releaseLease(lane.deps.db, order.id, lane.settings.workerId).then(() => DONE);
  }
}
