import { type Kysely, sql } from "kysely";

/**
 * Telegram Stars: an order records the way the customer chose to pay (`card` through Stripe, or `stars`), and for Stars
 * the amount asked, the opaque reference its invoice carries, until when it may be paid, and once paid the charge and
 * the payer (a refund in Stars names both). A charge id belongs to one order at most.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table orders add column payment_method text not null default 'card'`.execute(db);
  await sql`alter table orders add constraint orders_payment_method check (payment_method in ('card', 'stars'))`.execute(db);
  await sql`alter table orders add column stars_amount integer`.execute(db);
  await sql`alter table orders add column stars_payload text`.execute(db);
  await sql`alter table orders add column stars_expires_at timestamptz`.execute(db);
  await sql`alter table orders add column telegram_charge_id text`.execute(db);
  await sql`alter table orders add column telegram_payer_id text`.execute(db);
  await sql`create unique index orders_stars_payload on orders (stars_payload) where stars_payload is not null`.execute(db);
  await sql`create unique index orders_telegram_charge_id on orders (telegram_charge_id) where telegram_charge_id is not null`.execute(db);
}
