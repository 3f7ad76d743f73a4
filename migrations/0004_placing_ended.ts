import { type Kysely, sql } from "kysely";

/**
 * When the last POST /orders of an order ended without a clear answer (a timeout, a dropped connection, a 5xx): the
 * wait before re-placing counts from then, not from before the request queued; an answered 5xx needs no wait at all.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table orders add column placing_ended_at timestamptz`.execute(db);
  await sql`alter table orders add column placing_answered boolean not null default false`.execute(db);
}
