import { type Kysely, sql } from "kysely";

/**
 * Customers become channel-neutral: who they are on Telegram (or WhatsApp) is an identity row, no longer a column of
 * the customer. Every Telegram-era customer keeps its id (and so its orders and eSIMs) and gets its identity.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table customer_identities (
      channel text not null check (channel in ('telegram', 'whatsapp')),
      external_id text not null check (external_id <> ''),
      customer_id bigint not null references customers(id),
      created_at timestamptz not null default now(),
      primary key (channel, external_id)
    )`.execute(db);
  // One identity per customer: the same person on two channels is two customers, each told on their own channel.
  await sql`create unique index customer_identities_customer_idx on customer_identities (customer_id)`.execute(db);
  await sql`
    insert into customer_identities (channel, external_id, customer_id, created_at)
    select 'telegram', telegram_id::text, id, created_at from customers`.execute(db);
  await sql`alter table customers drop column telegram_id`.execute(db);
  await sql`update customers set language = 'en' where language is not null and language not in ('en', 'ru', 'tr')`.execute(db);
  await sql`alter table customers add constraint customers_language_check check (language in ('en', 'ru', 'tr'))`.execute(db);
}
