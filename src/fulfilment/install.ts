import type { Order } from "../db/schema.ts";
import type { EsimInstall } from "../esimgo/index.ts";
import { recordInstalls } from "../esims/index.ts";
import { transitionWithin } from "../orders/index.ts";
import { DONE, type Lane, type StepResult } from "./tools.ts";

/** Step 2: `placed` → the eSIMs' install details stored → `ready` (one transaction). Waits while eSIM Go is processing. */
export async function fetchInstallDetails(lane: Lane, order: Order): Promise<StepResult> {
  const reference = order.esimgo_order_reference;
  if (!reference) throw new Error(`order ${order.id} is placed without a provider reference`);
  let installs: EsimInstall[];
  try {
    installs = await lane.deps.esimgo.getAssignments(reference);
  } catch (error) {
    await lane.scheduleRetry(order, error);
    return DONE;
  }
  const usable = installs.filter((install) => install.iccid && install.matchingId && install.smdpAddress);
  const needed = order.kind === "topup" ? 1 : order.quantity;
  if (usable.length < needed) {
    await lane.scheduleRetry(order, new Error(`eSIM Go order ${reference} has ${usable.length} of ${needed} eSIMs ready`));
    return DONE;
  }
  const ready = await lane.deps.db.transaction().execute(async (trx) => {
    // A top-up adds a bundle to an eSIM the customer already has: nothing new to store.
    if (order.kind === "new") await recordInstalls(trx, { customerId: order.customer_id, orderId: order.id }, usable);
    return transitionWithin(trx, order.id, {
      from: ["placed"],
      lockedBy: lane.settings.workerId,
      set: { status: "ready", attempts: 0, last_error: null, ...lane.lease() },
      event: { type: "ready", detail: { iccids: usable.map((install) => install.iccid) } },
    });
  });
  return ready ? { next: ready } : DONE;
}
