import { z } from "zod";

// Event payloads are parsed, not trusted: only what the money path reads, checked for shape.
const metadata = z.record(z.string(), z.string()).nullish().transform((m) => m ?? {});
const expandable = z
  .union([z.string(), z.object({ id: z.string() })])
  .nullish()
  .transform((v) => (v == null ? null : typeof v === "string" ? v : v.id));

export const checkoutSessionSchema = z.object({
  id: z.string().min(1),
  object: z.literal("checkout.session"),
  client_reference_id: z.string().nullish(),
  metadata,
  payment_status: z.string(),
  payment_intent: expandable,
  amount_total: z.number().int().nullish(),
  amount_subtotal: z.number().int().nullish(),
  total_details: z.object({ amount_discount: z.number().int().nonnegative() }).nullish(),
  presentment_details: z.object({ presentment_amount: z.number().int(), presentment_currency: z.string() }).nullish(),
  currency: z.string().nullish(),
});
export type CheckoutSessionObject = z.infer<typeof checkoutSessionSchema>;

export const chargeSchema = z.object({
  id: z.string().min(1),
  object: z.literal("charge"),
  payment_intent: expandable,
  amount: z.number().int(),
  amount_refunded: z.number().int(),
  refunded: z.boolean(),
  currency: z.string(),
  metadata,
});
export type ChargeObject = z.infer<typeof chargeSchema>;

export const refundSchema = z.object({
  id: z.string().min(1),
  object: z.literal("refund"),
  amount: z.number().int(),
  currency: z.string(),
  status: z.string().nullish(),
  payment_intent: expandable,
  metadata,
  failure_reason: z.string().nullish(),
});
export type RefundObject = z.infer<typeof refundSchema>;

/** Our order id, from metadata first (we always set it), then client_reference_id. */
export function orderIdOf(source: { metadata: Record<string, string>; client_reference_id?: string | null }): number | undefined {
  const raw = source.metadata.order_id ?? source.client_reference_id ?? undefined;
  if (raw === undefined || !/^[1-9][0-9]{0,14}$/.test(raw)) return undefined;
  return Number(raw);
}

/** The refund attempt our refunds carry in metadata (1, 2, ...); undefined for refunds made elsewhere (the dashboard). */
export function refundAttemptOf(metadata: Record<string, string>): number | undefined {
  const raw = metadata.attempt;
  return raw !== undefined && /^[1-9][0-9]{0,5}$/.test(raw) ? Number(raw) : undefined;
}
