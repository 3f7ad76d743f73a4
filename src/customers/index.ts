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

/** The customers of one chat channel, with what is known of recent senders kept in memory. */
export interface CustomerDirectory {
  /** The sender's row if they have one. Reads only: browsing never writes a row. */
  lookup(profile: TelegramProfile): Promise<Customer | undefined>;
  /** The sender's row, created now if this is the first time they need one (an order, a setting). */
  ensure(profile: TelegramProfile): Promise<Customer>;
  setLanguage(customer: Customer, language: Language): Promise<Customer>;
}

export interface CustomerDirectoryOptions {
  /** How long what was read is reused. Another instance's change shows here after at most this long. */
  ttlMs?: number;
  maxEntries?: number;
  now?: () => number;
}

interface Known {
  /** Undefined: the sender has no row (yet). */
  customer: Customer | undefined;
  profile: string;
  expiresAt: number;
}

/**
 * Every update needs to know its sender, and a busy chat sends several updates a second: reading (let alone
 * writing) the same row each time was a database round trip per update for nothing. Most people who open the bot
 * only look around, so a row is written only when they first need one.
 */
export function createCustomerDirectory(db: Kysely<Database>, options: CustomerDirectoryOptions = {}): CustomerDirectory {
  const { ttlMs = 30_000, maxEntries = 10_000, now = Date.now } = options;
  const known = new Map<number, Known>();
  const profileKey = (profile: TelegramProfile) => `${profile.firstName ?? ""}\u0000${profile.username ?? ""}`;
  const fresh = (profile: TelegramProfile): Known | undefined => {
    const entry = known.get(profile.telegramId);
    return entry && entry.profile === profileKey(profile) && entry.expiresAt > now() ? entry : undefined;
  };
  const remember = (profile: TelegramProfile, customer: Customer | undefined): Customer | undefined => {
    known.delete(profile.telegramId);
    if (known.size >= maxEntries) known.delete(known.keys().next().value as number);
    known.set(profile.telegramId, { customer, profile: profileKey(profile), expiresAt: now() + ttlMs });
    return customer;
  };
  const upsert = async (profile: TelegramProfile) => remember(profile, await upsertCustomer(db, profile)) as Customer;

  return {
    async lookup(profile) {
      const entry = fresh(profile);
      if (entry) return entry.customer;
      const row = await db.selectFrom("customers").selectAll().where("telegram_id", "=", profile.telegramId).executeTakeFirst();
      const renamed = row && (row.first_name !== (profile.firstName ?? null) || row.username !== (profile.username ?? null));
      return renamed ? upsert(profile) : remember(profile, row);
    },
    async ensure(profile) {
      return fresh(profile)?.customer ?? upsert(profile);
    },
    async setLanguage(customer, language) {
      await setCustomerLanguage(db, customer.id, language);
      const updated = { ...customer, language };
      const entry = known.get(customer.telegram_id);
      if (entry) entry.customer = updated;
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
