import { type Kysely, sql } from "kysely";

/** Each instance reads the identities created since its last look every 30 s: an index keeps that from a full scan. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index customer_identities_created_idx on customer_identities (channel, created_at)`.execute(db);
}
