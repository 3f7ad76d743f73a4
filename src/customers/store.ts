import { sql, type Kysely, type Transaction } from "kysely";
import type { Channel, Customer, Database, Language } from "../db/schema.ts";

type Executor = Kysely<Database> | Transaction<Database>;

/** Who a customer is on one channel: a Telegram user id, a WhatsApp business-scoped user id or wa_id. */
export interface Identity {
  channel: Channel;
  externalId: string;
}

/** How an identity is keyed in maps and sets: `channel:externalId`. */
export function identityKey(identity: Identity): string {
  return `${identity.channel}:${identity.externalId}`;
}

/**
 * The external ids of a channel's identities created at or after `since` (all of them without it; at most `limit`),
 * and the database's clock when read.
 */
export async function identitiesCreatedSince(db: Kysely<Database>, channel: Channel, options: { since?: Date; limit?: number } = {}): Promise<{ externalIds: string[]; readAt: Date }> {
  const { rows } = await sql<{ now: Date }>`select now() as now`.execute(db);
  let query = db.selectFrom("customer_identities").select("external_id").where("channel", "=", channel);
  if (options.since) query = query.where("created_at", ">=", options.since);
  if (options.limit !== undefined) query = query.limit(options.limit);
  const externalIds = (await query.execute()).map((row) => row.external_id);
  return { externalIds, readAt: rows[0]!.now };
}

export async function findByIdentity(db: Executor, identity: Identity): Promise<Customer | undefined> {
  return db
    .selectFrom("customer_identities")
    .innerJoin("customers", "customers.id", "customer_identities.customer_id")
    .selectAll("customers")
    .where("customer_identities.channel", "=", identity.channel)
    .where("customer_identities.external_id", "=", identity.externalId)
    .executeTakeFirst();
}

export async function findCustomer(db: Executor, customerId: number): Promise<Customer | undefined> {
  return db.selectFrom("customers").selectAll().where("id", "=", customerId).executeTakeFirst();
}

/** The channel and id a customer is reached through. */
export async function identityOf(db: Executor, customerId: number): Promise<(Identity & { language: Language | null; blocked: boolean }) | undefined> {
  const row = await db
    .selectFrom("customer_identities")
    .innerJoin("customers", "customers.id", "customer_identities.customer_id")
    .select(["customer_identities.channel", "customer_identities.external_id", "customers.language", "customers.blocked_at"])
    .where("customer_identities.customer_id", "=", customerId)
    .executeTakeFirst();
  return row && { channel: row.channel, externalId: row.external_id, language: row.language, blocked: row.blocked_at !== null };
}

class LostRace extends Error {}

/**
 * The customer behind this identity, created now with its identity (one transaction) if there is none. Two updates of
 * a new sender racing each other end with one customer: the loser's insert is rolled back and it reads the winner's.
 */
export async function ensureCustomer(db: Kysely<Database>, identity: Identity, language: Language): Promise<Customer> {
  const existing = await findByIdentity(db, identity);
  if (existing) return existing.blocked_at ? unblock(db, existing) : existing;
  try {
    return await db.transaction().execute(async (trx) => {
      const customer = await trx.insertInto("customers").values({ language }).returningAll().executeTakeFirstOrThrow();
      const linked = await trx
        .insertInto("customer_identities")
        .values({ channel: identity.channel, external_id: identity.externalId, customer_id: customer.id })
        .onConflict((oc) => oc.columns(["channel", "external_id"]).doNothing())
        .returning("customer_id")
        .executeTakeFirst();
      if (!linked) throw new LostRace();
      return customer;
    });
  } catch (error) {
    if (!(error instanceof LostRace)) throw error;
    const winner = await findByIdentity(db, identity);
    if (!winner) throw new Error(`customer identity ${identity.channel}:${identity.externalId} vanished`);
    return winner;
  }
}

/** Someone who talks to us again has evidently unblocked us. */
async function unblock(db: Kysely<Database>, customer: Customer): Promise<Customer> {
  await markBlocked(db, customer.id, false);
  return { ...customer, blocked_at: null };
}

export async function setCustomerLanguage(db: Executor, customerId: number, language: Language): Promise<void> {
  await db.updateTable("customers").set({ language, updated_at: new Date() }).where("id", "=", customerId).execute();
}

/** The customer blocked the bot (or their number cannot receive messages), or came back. */
export async function markBlocked(db: Executor, customerId: number, blocked = true): Promise<void> {
  await db
    .updateTable("customers")
    .set({ blocked_at: blocked ? new Date() : null, updated_at: new Date() })
    .where("id", "=", customerId)
    .execute();
}

/** The same, for a channel's own block report (Telegram's my_chat_member) about someone who may have no row. */
/** Resolves the customer's id, when the identity is known. */
export async function markIdentityBlocked(db: Executor, identity: Identity, blocked: boolean): Promise<number | undefined> {
  const customer = await findByIdentity(db, identity);
  if (customer) await markBlocked(db, customer.id, blocked);
  return customer?.id;
}

/**
 * Erases what is personal about a customer, inside the caller's transaction: how to reach them (their identity) and
 * their language. The row stays, anonymous, for the orders that point at it.
 */
export async function eraseCustomer(trx: Executor, customerId: number, at: Date): Promise<void> {
  await trx.deleteFrom("customer_identities").where("customer_id", "=", customerId).execute();
  await trx.updateTable("customers").set({ language: null, blocked_at: null, erased_at: at, updated_at: at }).where("id", "=", customerId).execute();
}
