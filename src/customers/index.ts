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

/** The customers of one chat channel, with the rows of recent senders kept in memory. */
export interface CustomerDirectory {
  /** The sender's row: from memory while it is fresh and the profile is unchanged, otherwise one upsert. */
  resolve(profile: TelegramProfile): Promise<Customer>;
  setLanguage(customer: Customer, language: Language): Promise<Customer>;
}

export interface CustomerDirectoryOptions {
  /** How long a row is reused. Another instance's language change shows here after at most this long. */
  ttlMs?: number;
  maxEntries?: number;
  now?: () => number;
}

interface CachedCustomer {
  customer: Customer;
  profile: string;
  expiresAt: number;
}

/**
 * Every update needs its sender's row, and a busy chat sends several updates a second: writing the same row each
 * time was one database round trip per update for nothing.
 */
export function createCustomerDirectory(db: Kysely<Database>, options: CustomerDirectoryOptions = {}): CustomerDirectory {
  const { ttlMs = 30_000, maxEntries = 10_000, now = Date.now } = options;
  const cache = new Map<number, CachedCustomer>();
  const remember = (customer: Customer, profile: string): Customer => {
    cache.delete(customer.telegram_id);
    if (cache.size >= maxEntries) cache.delete(cache.keys().next().value as number);
    cache.set(customer.telegram_id, { customer, profile, expiresAt: now() + ttlMs });
    return customer;
  };
  return {
    async resolve(profile) {
      const key = `${profile.firstName ?? ""}\u0000${profile.username ?? ""}`;
      const cached = cache.get(profile.telegramId);
      if (cached && cached.profile === key && cached.expiresAt > now()) return cached.customer;
      return remember(await upsertCustomer(db, profile), key);
    },
    async setLanguage(customer, language) {
      await setCustomerLanguage(db, customer.id, language);
      const updated = { ...customer, language };
      const cached = cache.get(customer.telegram_id);
      if (cached) cached.customer = updated;
      return updated;
    },
  };
}

export async function findCustomer(db: Kysely<Database>, customerId: number): Promise<Customer | undefined> {
  return db.selectFrom("customers").selectAll().where("id", "=", customerId).executeTakeFirst();
}

export async function markCustomerBlocked(db: Kysely<Database>, customerId: number): Promise<void> {
  await db.updateTable("customers").set({ blocked_at: new Date() }).where("id", "=", customerId).execute();
}
