import { randomBytes } from "node:crypto";
import type { Kysely } from "kysely";
import type { Database, OrderStatus } from "../db/schema.ts";
import { STARS_CURRENCY } from "../pricing/index.ts";

/**
 * Telegram asks before it takes Stars (`pre_checkout_query`): is this invoice still payable, at exactly this amount,
 * by this person? `reason` says why not, for the customer: the price changed, it is paid already, it expired, or it is
 * not theirs (someone else's invoice, a forged or unknown reference).
 */
export type StarsPreCheckout = { ok: true; orderId: number } | { ok: false; reason: "price_changed" | "paid" | "expired" | "not_yours" };

export interface StarsPreCheckoutInput {
  /** The invoice's payload, as Telegram gives it back. */
  payload: string;
  /** The Telegram user id of the person about to pay. */
  payerId: string;
  currency: string;
  /** In Stars. */
  amount: number;
}

const PAID_OR_LATER: readonly OrderStatus[] = ["payment_processing", "paid", "placing", "awaiting_balance", "placed", "ready", "delivered", "failed"];

/** An opaque, unguessable reference for a Stars invoice: it names the order only to our database. */
export function newStarsPayload(): string {
  return `s1_${randomBytes(18).toString("base64url")}`;
}

/** Answers the pre-checkout question from the database only (nothing is written: the payment itself decides). */
export async function checkStarsPayable(db: Kysely<Database>, input: StarsPreCheckoutInput, now: Date): Promise<StarsPreCheckout> {
  const order = await db
    .selectFrom("orders")
    .innerJoin("customer_identities", "customer_identities.customer_id", "orders.customer_id")
    .select(["orders.id", "orders.status", "orders.stars_amount", "orders.stars_expires_at", "orders.payment_method", "customer_identities.external_id"])
    .where("orders.stars_payload", "=", input.payload)
    .where("customer_identities.channel", "=", "telegram")
    .executeTakeFirst();
  if (!order || order.payment_method !== "stars" || order.external_id !== input.payerId) return { ok: false, reason: "not_yours" };
  if (PAID_OR_LATER.includes(order.status)) return { ok: false, reason: "paid" };
  if (order.status !== "pending_payment" || !order.stars_expires_at || order.stars_expires_at.getTime() <= now.getTime()) return { ok: false, reason: "expired" };
  if (input.currency !== STARS_CURRENCY || input.amount !== order.stars_amount) return { ok: false, reason: "price_changed" };
  return { ok: true, orderId: order.id };
}
