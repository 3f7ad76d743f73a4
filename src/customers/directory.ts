import type { Kysely } from "kysely";
import type { Customer, Database, Language } from "../db/schema.ts";
import { knownIdentities } from "./known-identities.ts";
import { ensureCustomer, findByIdentity, identityKey, setCustomerLanguage, type Identity } from "./store.ts";

/** The customers of the chat channels, with what is known of recent senders kept in memory. */
export interface CustomerDirectory {
  /** The sender's row if they have one. Reads only: browsing never writes a row. */
  lookup(identity: Identity): Promise<Customer | undefined>;
  /** The sender's row as the database has it now, past what this process remembers: for what must not act on a stale answer (an erasure). */
  current(identity: Identity): Promise<Customer | undefined>;
  /** The sender's row, created now (in `language`) if this is the first time they need one (an order, a setting). */
  ensure(identity: Identity, language: Language): Promise<Customer>;
  setLanguage(identity: Identity, customer: Customer, language: Language): Promise<Customer>;
  /** Drops what this process remembers of a sender (their data was erased). */
  forget(identity: Identity): void;
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
  expiresAt: number;
}

/**
 * Every update needs to know its sender, and a busy chat sends several updates a second: reading (let alone
 * writing) the same row each time was a database round trip per update for nothing. Most people who open the bot
 * only look around, so a row is written only when they first need one, and a stranger's updates read nothing: the
 * directory knows which identities have a row at all.
 */
export function createCustomerDirectory(db: Kysely<Database>, options: CustomerDirectoryOptions = {}): CustomerDirectory {
  const { ttlMs = 30_000, maxEntries = 10_000, now = Date.now } = options;
  const known = new Map<string, Known>();
  const withRows = knownIdentities(db, ttlMs, now);
  const fresh = (identity: Identity): Known | undefined => {
    const entry = known.get(identityKey(identity));
    // A clock stepped back would leave an entry "fresh" for as long as the step: it is then read again.
    const left = entry ? entry.expiresAt - now() : 0;
    return left > 0 && left <= ttlMs ? entry : undefined;
  };
  const remember = <T extends Customer | undefined>(identity: Identity, customer: T): T => {
    const key = identityKey(identity);
    known.delete(key);
    if (known.size >= maxEntries) known.delete(known.keys().next().value as string);
    known.set(key, { customer, expiresAt: now() + ttlMs });
    return customer;
  };

  return {
    async lookup(identity) {
      const entry = fresh(identity);
      if (entry) return entry.customer;
      if (!withRows.mayHaveRow(identity)) return undefined;
      return remember(identity, await findByIdentity(db, identity));
    },
    async current(identity) {
      const customer = await findByIdentity(db, identity);
      if (customer) withRows.add(identity);
      return remember(identity, customer);
    },
    async ensure(identity, language) {
      const customer = fresh(identity)?.customer ?? remember(identity, await ensureCustomer(db, identity, language));
      withRows.add(identity);
      return customer;
    },
    forget(identity) {
      known.delete(identityKey(identity));
      withRows.delete(identity);
    },
    async setLanguage(identity, customer, language) {
      await setCustomerLanguage(db, customer.id, language);
      return remember(identity, { ...customer, language });
    },
  };
}
