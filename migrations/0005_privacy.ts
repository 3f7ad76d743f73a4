import { type Kysely, sql } from "kysely";

/**
 * Store only what is used: names and usernames were written and never read. A customer may erase their data; the
 * row stays (orders point at it for the accounts) with nothing personal left, and says when it was erased.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table customers drop column first_name`.execute(db);
  await sql`alter table customers drop column username`.execute(db);
  await sql`alter table customers add column erased_at timestamptz`.execute(db);
}
