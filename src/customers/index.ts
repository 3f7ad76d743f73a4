import type { Kysely } from "kysely";
import type { Customer, Database } from "../db/schema.ts";

export const SUPPORTED_LANGUAGES = ["en", "ru", "tr"] as const;
export type Language = (typeof SUPPORTED_LANGUAGES)[number];

export function toLanguage(code: string | null | undefined): Language {
  const base = (code ?? "").slice(0, 2).toLowerCase();
  return (SUPPORTED_LANGUAGES as readonly string[]).includes(base) ? (base as Language) : "en";
}

export interface TelegramProfile {
  telegramId: number;
  firstName?: string;
  username?: string;
  languageCode?: string;
}

/** Finds or creates the customer in one statement; the language is only set the first time. */
export async function upsertCustomer(db: Kysely<Database>, profile: TelegramProfile): Promise<Customer> {
  return db
    .insertInto("customers")
    .values({
      telegram_id: profile.telegramId,
      first_name: profile.firstName ?? null,
      username: profile.username ?? null,
      language: toLanguage(profile.languageCode),
    })
    .onConflict((oc) =>
      oc.column("telegram_id").doUpdateSet((eb) => ({
        first_name: eb.ref("excluded.first_name"),
        username: eb.ref("excluded.username"),
        blocked_at: null,
        updated_at: new Date(),
      })),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function setCustomerLanguage(db: Kysely<Database>, customerId: number, language: Language): Promise<void> {
  await db.updateTable("customers").set({ language, updated_at: new Date() }).where("id", "=", customerId).execute();
}

export async function findCustomer(db: Kysely<Database>, customerId: number): Promise<Customer | undefined> {
  return db.selectFrom("customers").selectAll().where("id", "=", customerId).executeTakeFirst();
}

export async function markCustomerBlocked(db: Kysely<Database>, customerId: number): Promise<void> {
  await db.updateTable("customers").set({ blocked_at: new Date() }).where("id", "=", customerId).execute();
}
