import type { Kysely } from "kysely";
import { ensureCustomer, findByIdentity } from "../../src/customers/index.ts";
import type { Customer, Database, Language } from "../../src/db/schema.ts";

/** A customer known on Telegram by this user id, created if new (as /start does). */
export function telegramCustomer(db: Kysely<Database>, telegramId: number, language: Language = "en"): Promise<Customer> {
  return ensureCustomer(db, { channel: "telegram", externalId: String(telegramId) }, language);
}

/** The customer id behind a Telegram user id. */
export async function customerIdOfTelegram(db: Kysely<Database>, telegramId: number): Promise<number> {
  const row = await db
    .selectFrom("customer_identities")
    .select("customer_id")
    .where("channel", "=", "telegram")
    .where("external_id", "=", String(telegramId))
    .executeTakeFirstOrThrow();
  return row.customer_id;
}

/** The customer row behind a Telegram user id; throws when there is none. */
export async function customerOfTelegram(db: Kysely<Database>, telegramId: number): Promise<Customer> {
  const customer = await findByIdentity(db, { channel: "telegram", externalId: String(telegramId) });
  if (!customer) throw new Error(`no customer for Telegram user ${telegramId}`);
  return customer;
}

/** Every customer row behind a Telegram user id (there must never be more than one). */
export async function customersOfTelegram(db: Kysely<Database>, telegramId: number): Promise<{ id: number }[]> {
  return db
    .selectFrom("customer_identities")
    .select("customer_id as id")
    .where("channel", "=", "telegram")
    .where("external_id", "=", String(telegramId))
    .execute();
}

/** The ids of the orders of a Telegram user. */
export async function orderIdsOfTelegram(db: Kysely<Database>, telegramId: number): Promise<{ id: number }[]> {
  return db
    .selectFrom("orders")
    .innerJoin("customer_identities", "customer_identities.customer_id", "orders.customer_id")
    .select("orders.id")
    .where("customer_identities.channel", "=", "telegram")
    .where("customer_identities.external_id", "=", String(telegramId))
    .execute();
}
