import type { Kysely } from "kysely";
import type { Database } from "../db/schema.ts";
import type { EsimGoClient } from "../esimgo/index.ts";
import type { Logger } from "../logger.ts";
import type { Notifier } from "../notify/index.ts";
import { stripeMinimumChargeMinor, type PricingSettings } from "../pricing/index.ts";
import { allCountries, type Country } from "./countries.ts";
import { buildOfferIndex, EMPTY_OFFER_INDEX, toBundleView, type BundleView, type CostStats, type OfferIndex } from "./offers.ts";
import { checkProviderBundles } from "./provider-bundles.ts";
import {
  activeBundleRows,
  bundleRow,
  lastSuccessfulSyncAt,
  latestSync,
  recordSyncFailure,
  replaceCatalogue,
  startSyncRecord,
  type StoredBundle,
  type SyncRecord,
} from "./store.ts";

export interface CatalogueDeps {
  db: Kysely<Database>;
  esimgo: Pick<EsimGoClient, "listCatalogue" | "getOrganisation">;
  notifier: Notifier;
  logger: Logger;
  pricing: PricingSettings;
  /** A catalogue older than this is fetched again (6 h is usual). */
  maxAgeMs: number;
}

export interface SyncOutcome {
  ok: boolean;
  bundleCount: number;
  error?: string;
}

export interface Catalogue {
  /** Fetches the provider catalogue and replaces the stored one. Never throws: a failure keeps the last good catalogue. */
  sync(): Promise<SyncOutcome>;
  /** Syncs when the last successful sync is older than maxAgeMs, or there is none. */
  syncIfStale(): Promise<void>;
  /** Checks staleness on an unref'd timer (a quarter of maxAgeMs, at most every 15 min) so failures are retried soon. */
  startPeriodicSync(): { stop(): void };
  /** Rebuilds the in-memory offers from the database. */
  load(): Promise<void>;
  /** False while there is no catalogue at all: the shop is briefly unavailable. */
  isAvailable(): boolean;
  /** Changes whenever the offers are rebuilt: what was derived from the old ones is stale. */
  revision(): number;
  /** Offers for a country: local bundles first, then regional, then global; by data (unlimited last), then days. */
  offersForCountry(iso2: string): BundleView[];
  /** Countries at least one active bundle covers, by English name. */
  countriesWithOffers(): Country[];
  /** An active bundle. */
  bundle(name: string): BundleView | undefined;
  /** Any stored bundle, withdrawn ones included (for past orders). */
  bundleRecord(name: string): Promise<BundleView | undefined>;
  /** Provider costs over active bundles. */
  costStats(): CostStats | undefined;
  lastSync(): Promise<SyncRecord | undefined>;
}

const MAX_CHECK_INTERVAL_MS = 15 * 60_000;
const MIN_CHECK_INTERVAL_MS = 1_000;

export function createCatalogue(deps: CatalogueDeps): Catalogue {
  const { db, logger } = deps;
  let offers: OfferIndex = EMPTY_OFFER_INDEX;
  let countriesCache: Country[] | undefined;
  let loaded = false;
  /** When the sync behind the loaded offers finished: another instance's newer sync is loaded when seen. */
  let loadedSyncAt: number | undefined;
  let revision = 0;
  let running: Promise<SyncOutcome> | undefined;

  async function load(): Promise<void> {
    // Read before the rows: a sync finishing in between is then newer than what is loaded, and loaded next time.
    const syncAt = (await lastSuccessfulSyncAt(db))?.getTime();
    const rows = await activeBundleRows(db);
    // Rows stored in a currency the shop can no longer price (see fetchCatalogue) are never offered.
    offers = buildOfferIndex(rows.filter((row) => stripeMinimumChargeMinor(row.currency) !== undefined).map((row) => toBundleView(row, deps.pricing)));
    countriesCache = undefined;
    revision++;
    loaded = true;
    loadedSyncAt = syncAt;
  }

  async function fetchCatalogue(): Promise<{ bundles: StoredBundle[]; currency: string }> {
    const [provided, organisation] = await Promise.all([deps.esimgo.listCatalogue(), deps.esimgo.getOrganisation()]);
    const { bundles, rejected } = checkProviderBundles(provided);
    if (rejected.length > 0) logger.warn({ rejected: rejected.slice(0, 20), rejectedCount: rejected.length }, "catalogue: skipped invalid bundles");
    if (bundles.length === 0) throw new Error(`provider returned no usable bundles (${provided.length} received)`);
    const currency = organisation.currency.trim().toUpperCase();
    if (!/^[A-Z]{3}$/.test(currency)) throw new Error(`provider returned an invalid account currency "${currency.slice(0, 10)}"`);
    if (stripeMinimumChargeMinor(currency) === undefined) throw new Error(`account currency ${currency} has no published Stripe minimum charge: prices in it cannot be checked against what Stripe accepts`);
    return { bundles, currency };
  }

  async function failed(syncId: number | undefined, error: unknown): Promise<SyncOutcome> {
    const cause = causeOf(error);
    logger.error({ err: error, cause }, "catalogue sync failed: keeping the previous catalogue");
    if (syncId !== undefined) await recordSyncFailure(db, syncId, cause).catch((e: unknown) => logger.error({ err: e }, "catalogue: could not record the failed sync"));
    await deps.notifier.admins({ type: "sync_failed", cause }).catch((e: unknown) => logger.error({ err: e }, "catalogue: could not alert admins"));
    // First start with the provider down: still serve whatever an earlier run stored.
    if (!loaded) await load().catch((e: unknown) => logger.error({ err: e }, "catalogue: could not load the stored catalogue"));
    return { ok: false, bundleCount: 0, error: cause };
  }

  async function runSync(): Promise<SyncOutcome> {
    let syncId: number | undefined;
    try {
      syncId = await startSyncRecord(db);
      const { bundles, currency } = await fetchCatalogue();
      await replaceCatalogue(db, syncId, bundles, currency);
      await load();
      logger.info({ bundleCount: bundles.length, currency }, "catalogue synced");
      return { ok: true, bundleCount: bundles.length };
    } catch (error) {
      return failed(syncId, error);
    }
  }

  function sync(): Promise<SyncOutcome> {
    running ??= runSync().finally(() => (running = undefined));
    return running;
  }

  async function syncIfStale(): Promise<void> {
    try {
      const last = await lastSuccessfulSyncAt(db);
      if (last && Date.now() - last.getTime() < deps.maxAgeMs) {
        // Fresh, but perhaps synced by another instance since this one loaded: load what it stored.
        if (!loaded || last.getTime() > (loadedSyncAt ?? -Infinity)) await load();
        return;
      }
    } catch (error) {
      logger.error({ err: error }, "catalogue: could not read the last sync");
    }
    await sync();
  }

  function startPeriodicSync(): { stop(): void } {
    const every = Math.max(MIN_CHECK_INTERVAL_MS, Math.min(deps.maxAgeMs / 4, MAX_CHECK_INTERVAL_MS));
    const timer = setInterval(() => void syncIfStale(), every);
    timer.unref();
    return { stop: () => clearInterval(timer) };
  }

  function countriesWithOffers(): Country[] {
    countriesCache ??= allCountries()
      .filter((country) => offers.byCountry.has(country.iso2))
      .sort((a, b) => a.names.en.localeCompare(b.names.en, "en"));
    return countriesCache;
  }

  return {
    sync,
    syncIfStale,
    startPeriodicSync,
    load,
    isAvailable: () => offers.byName.size > 0,
    revision: () => revision,
    offersForCountry: (iso2) => [...(offers.byCountry.get(iso2.trim().toUpperCase()) ?? [])],
    countriesWithOffers: () => [...countriesWithOffers()],
    bundle: (name) => offers.byName.get(name),
    bundleRecord: async (name) => {
      const row = await bundleRow(db, name);
      return row && toBundleView(row, deps.pricing);
    },
    costStats: () => offers.costStats,
    lastSync: () => latestSync(db),
  };
}

function causeOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error).slice(0, 500);
  const kind = "kind" in error && typeof error.kind === "string" ? `${error.kind}: ` : "";
  return `${kind}${error.message}`.slice(0, 500);
}
