import type { Kysely } from "kysely";
import type { Database } from "../db/schema.ts";
import type { Logger } from "../logger.ts";
import type { Notifier } from "../notify/index.ts";
import { countOrderEvents, transitionOrder } from "./store.ts";

/** A link is expired here only after its own expiry plus this, so a last-second payment still lands first. */
const EXPIRY_GRACE_MS = 60_000;
const ABANDONED_WITHOUT_LINK_MS = 60 * 60_000;

export interface ExpiryDeps {
  db: Kysely<Database>;
  notifier: Notifier;
  logger: Logger;
  now: () => Date;
}

/**
 * Unpaid orders whose link is past its expiry (Stripe's `checkout.session.expired` may never come) or that never got
 * a link: `expired`, the customer told that the link expired (unless a payment for it came that could not be applied).
 */
export async function expireStalePending(deps: ExpiryDeps): Promise<number> {
  const at = deps.now();
  const stale = await deps.db
    .selectFrom("orders")
    .select("id")
    .where("status", "=", "pending_payment")
    .where((eb) =>
      eb.or([
        eb("stripe_session_expires_at", "<", new Date(at.getTime() - EXPIRY_GRACE_MS)),
        // A Stars invoice: Telegram keeps it payable, so only our pre-checkout answer (and this) ends it.
        eb("stars_expires_at", "<", new Date(at.getTime() - EXPIRY_GRACE_MS)),
        eb.and([eb("payment_method", "=", "card"), eb("stripe_session_id", "is", null), eb("created_at", "<", new Date(at.getTime() - ABANDONED_WITHOUT_LINK_MS))]),
      ]),
    )
    .limit(100)
    .execute();
  let expired = 0;
  for (const { id } of stale) {
    const order = await transitionOrder(deps.db, id, { from: ["pending_payment"], set: { status: "expired" }, event: { type: "expired", detail: { by: "worker" } } });
    if (!order) continue;
    expired++;
    if (!order.stripe_session_id && order.payment_method !== "stars") continue;
    // Money came for it that could not be applied (the admins were told): "your link expired" would mislead the payer.
    if ((await countOrderEvents(deps.db, order.id, ["payment_mismatch", "payment_unmatched"])) > 0) continue;
    await deps.notifier.customer(order.customer_id, { type: "link_expired", orderId: order.id }).catch((error: unknown) => {
      deps.logger.warn({ orderId: order.id, err: error }, "link-expired notice not delivered");
    });
  }
  return expired;
}
