import { type Kysely, sql } from "kysely";

/**
 * Promotion codes and Adaptive Pricing: an order records what was actually paid in its own currency (its price less
 * the discount Stripe applied) and the discount, and, when the buyer paid in another currency, that amount and
 * currency. Orders paid before this migration have none: their paid amount is their price.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table orders add column paid_minor integer`.execute(db);
  await sql`alter table orders add column discount_minor integer not null default 0`.execute(db);
  await sql`alter table orders add column presentment_minor integer`.execute(db);
  await sql`alter table orders add column presentment_currency text`.execute(db);
  await sql`alter table orders add constraint orders_paid_amounts check (paid_minor is null or (paid_minor >= 0 and discount_minor >= 0 and paid_minor + discount_minor = price_minor))`.execute(db);
}
