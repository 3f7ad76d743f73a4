import type { Kysely } from "kysely";
import type { Channel, Database } from "../db/schema.ts";
import { identitiesCreatedSince, type Identity } from "./store.ts";

/** Identities are re-read from this long before the last read: a row committed late by a slow transaction is not missed. */
const CREATED_OVERLAP_MS = 60_000;
/** A full reload this often drops erased identities and finds a row whose transaction began before the overlap. */
const FULL_RELOAD_MS = 10 * 60_000;
/** Past this many identities on a channel no set is kept: its memory would outweigh one read per first contact. */
const MAX_KEPT = 200_000;
/** A set not refreshed for this many periods (its reads failing or stuck) is no longer trusted. */
const TRUSTED_PERIODS = 3;

/** Which identities have a customer row, known without a read; never waits on the database. */
export interface KnownIdentities {
  /** False only when a fresh enough set says this identity has no row; true when it has one or the set cannot tell. */
  mayHaveRow(identity: Identity): boolean;
  add(identity: Identity): void;
  delete(identity: Identity): void;
}

interface ChannelSet {
  /** Undefined until the first full load, or when the channel has more than MAX_KEPT identities. */
  ids: Set<string> | undefined;
  /** Added while a full load was reading: kept when its result replaces the set. */
  addedWhileReading: Set<string> | undefined;
  /** Database clock for the next top-up. */
  since: Date | undefined;
  readAt: number;
  fullAt: number;
  attemptAt: number;
  reading: boolean;
}

/**
 * Per channel, the external ids that have a row: loaded in full in the background on first use (some 250 bytes
 * each), then topped up at most every `ttlMs` with those created since, by this process or another, and reloaded in
 * full every 10 minutes. Until a set is loaded, and whenever it has not been refreshed for three periods, every
 * identity "may have a row" and is read as before: a slow or failing database never holds an update on the set.
 */
export function knownIdentities(db: Kysely<Database>, ttlMs: number, now: () => number): KnownIdentities {
  const channels = new Map<Channel, ChannelSet>();

  const setOf = (channel: Channel): ChannelSet => {
    let set = channels.get(channel);
    if (!set) {
      set = { ids: undefined, addedWhileReading: undefined, since: undefined, readAt: -Infinity, fullAt: -Infinity, attemptAt: -Infinity, reading: false };
      channels.set(channel, set);
    }
    return set;
  };

  /** Time since `at`; a clock stepped back makes it infinite (due, untrusted), never a long "fresh". */
  const age = (at: number) => {
    const elapsed = now() - at;
    return elapsed < 0 ? Infinity : elapsed;
  };

  const read = async (channel: Channel, set: ChannelSet) => {
    const startedAt = now();
    const full = !set.ids || age(set.fullAt) >= FULL_RELOAD_MS;
    if (full) set.addedWhileReading = new Set();
    try {
      const found = await identitiesCreatedSince(db, channel, full ? { limit: MAX_KEPT + 1 } : { since: set.since });
      if (full) {
        set.ids = found.externalIds.length > MAX_KEPT ? undefined : new Set([...found.externalIds, ...set.addedWhileReading!]);
        set.fullAt = startedAt;
      } else for (const id of found.externalIds) set.ids?.add(id);
      set.since = new Date(found.readAt.getTime() - CREATED_OVERLAP_MS);
      set.readAt = startedAt;
    } catch {
      // Nothing to do here: lookups read the database themselves until the set is refreshed, and report its failures.
    } finally {
      set.addedWhileReading = undefined;
      set.reading = false;
    }
  };

  const refreshIfDue = (channel: Channel, set: ChannelSet) => {
    if (set.reading || age(set.attemptAt) < ttlMs) return;
    // Too many identities to keep: look again only when a full reload is due.
    if (!set.ids && set.fullAt > -Infinity && age(set.fullAt) < FULL_RELOAD_MS) return;
    set.reading = true;
    set.attemptAt = now();
    void read(channel, set);
  };

  return {
    mayHaveRow(identity) {
      const set = setOf(identity.channel);
      refreshIfDue(identity.channel, set);
      if (!set.ids || age(set.readAt) > TRUSTED_PERIODS * ttlMs) return true;
      return set.ids.has(identity.externalId);
    },
    add(identity) {
      const set = setOf(identity.channel);
      set.ids?.add(identity.externalId);
      set.addedWhileReading?.add(identity.externalId);
    },
    delete(identity) {
      channels.get(identity.channel)?.ids?.delete(identity.externalId);
    },
  };
}
