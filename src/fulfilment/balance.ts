import type { Order } from "../db/schema.ts";
import { releaseLease } from "../orders/index.ts";
import { DONE, type Lane, type StepResult } from "./tools.ts";

/** `awaiting_balance`: re-checks the provider balance and resumes placing once it covers the order. */
export async function recheckBalance(lane: Lane, order: Order): Promise<StepResult> {
  const { deps, settings } = lane;
  if (lane.deadlinePassed(order)) return lane.fail(order, `order ${order.id}: provider balance stayed too low until the deadline`, "deadline");
  let balanceMinor: number;
  try {
    balanceMinor = (await deps.esimgo.getOrganisation()).balanceMinor;
  } catch (error) {
    await lane.scheduleRetry(order, error, { atMs: settings.balanceRecheckSeconds * 1000, silent: true });
    return DONE;
  }
  if (balanceMinor < order.provider_cost_minor) {
    await releaseLease(deps.db, order.id, settings.workerId, new Date(deps.now().getTime() + settings.balanceRecheckSeconds * 1000));
    return DONE;
  }
  const resumed = await lane.moveTo(order, ["awaiting_balance"], { status: "paid", attempts: 0, last_error: null, ...lane.lease() }, { type: "balance_restored", detail: { balanceMinor } });
  return resumed ? { next: resumed } : DONE;
}
