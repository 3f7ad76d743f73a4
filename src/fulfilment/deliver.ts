import type { Order } from "../db/schema.ts";
import { markBlocked } from "../customers/index.ts";
import { installsOfOrder } from "../esims/index.ts";
import type { CustomerNotice } from "../notify/index.ts";
import { causeOf, RELEASED } from "../orders/index.ts";
import { DONE, type Lane, type StepResult } from "./tools.ts";

/** Step 3: `ready` → the QR and install details told to the customer → `delivered`. */
export async function deliver(lane: Lane, order: Order): Promise<StepResult> {
  const notice = await readyNotice(lane, order);
  let outcome: "delivered" | "blocked";
  try {
    outcome = await lane.deps.notifier.customer(order.customer_id, notice);
  } catch (error) {
    if (order.attempts + 1 < lane.settings.maxDeliveryAttempts) {
      await lane.scheduleRetry(order, error);
      return DONE;
    }
    return markDelivered(lane, order, `delivery failed ${order.attempts + 1} times: ${causeOf(error)}`);
  }
  if (outcome === "blocked") {
    await markBlocked(lane.deps.db, order.customer_id);
    return markDelivered(lane, order, "the customer cannot be reached on their channel (blocked the bot, or undeliverable)");
  }
  return markDelivered(lane, order, null);
}

async function readyNotice(lane: Lane, order: Order): Promise<CustomerNotice> {
  const base = { orderId: order.id, bundleName: order.bundle_name, bundleDescription: order.bundle_description };
  if (order.kind === "topup" && order.target_iccid) return { type: "topup_ready", ...base, iccid: order.target_iccid };
  const esims = await installsOfOrder(lane.deps.db, order.id);
  if (esims.length === 0) throw new Error(`order ${order.id} is ready but has no stored eSIM`);
  return { type: "esim_ready", ...base, esims };
}

/** Delivered, also when the customer could not be reached: the eSIM is theirs and /myesims shows it. */
async function markDelivered(lane: Lane, order: Order, deliveryError: string | null): Promise<StepResult> {
  const deliveredAt = lane.deps.now();
  const delivered = await lane.moveTo(
    order,
    ["ready"],
    // A failure the channel reported while the messages were going out (WhatsApp's status) is kept.
    { status: "delivered", delivered_at: deliveredAt, ...(deliveryError ? { delivery_error: deliveryError } : {}), next_attempt_at: null, ...RELEASED },
    { type: "delivered", detail: deliveryError ? { deliveryError } : undefined },
  );
  if (!delivered) return DONE;
  const elapsedSeconds = (deliveredAt.getTime() - (order.paid_at ?? order.created_at).getTime()) / 1000;
  lane.deps.metrics?.fulfilled(elapsedSeconds);
  const seconds = Math.round(elapsedSeconds);
  if (deliveryError) await lane.deps.notifier.admins({ type: "delivery_failed", orderId: order.id, cause: `order ${order.id}: ${deliveryError}` });
  await lane.deps.notifier.admins({ type: "delivered", orderId: order.id, seconds });
  return { next: delivered };
}
