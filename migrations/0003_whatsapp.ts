import { type Kysely, sql } from "kysely";

/**
 * The WhatsApp channel's own state: when each contact last wrote (the 24-hour window), inbound messages kept until
 * handled (Meta retries for days; its message id dedupes), and what waits for a contact to write again.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table whatsapp_contacts (
      external_id text primary key,
      last_inbound_at timestamptz not null
    )`.execute(db);
  await sql`
    create table whatsapp_inbound (
      message_id text primary key,
      external_id text not null,
      wa_id text,
      kind jsonb not null,
      received_at timestamptz not null default now(),
      claimed_at timestamptz,
      handled_at timestamptz
    )`.execute(db);
  await sql`create index whatsapp_inbound_open_idx on whatsapp_inbound (external_id, received_at) where handled_at is null`.execute(db);
  await sql`
    create table whatsapp_pending (
      id bigserial primary key,
      external_id text not null,
      language text not null,
      messages jsonb not null,
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index whatsapp_pending_contact_idx on whatsapp_pending (external_id, id)`.execute(db);
}
