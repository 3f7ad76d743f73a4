import { type Kysely, sql } from "kysely";

/**
 * Messages waiting for a customer's reply are claimed while they are sent and deleted only once sent: a process that
 * dies half-way leaves them to be sent again (a QR twice beats a QR never), not gone.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table whatsapp_pending add column claimed_until timestamptz`.execute(db);
}
