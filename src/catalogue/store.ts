import { sql, type Kysely, type Transaction } from "kysely";
import type { CatalogueBundleRow, Database } from "../db/schema.ts";

/** One provider bundle as it is stored: base countries as ISO2, cost in the account currency. */
export interface StoredBundle {
  name: string;
  description: string;
  groups: string[];
  countries: string[];
  dataMb: number | null;
  unlimited: boolean;
  durationDays: number;
  speed: string[];
  autostart: boolean;
  roamingCountries: string[];
  costMinor: number;
  imageUrl: string | null;
}

export interface SyncRecord {
  at: Date;
  ok: boolean;
  bundleCount: number | null;
  error: string | null;
}

// 16 columns per row: 500 rows stay far below PostgreSQL's 65 535 parameters.
const UPSERT_BATCH = 500;
const COUNTRY_BATCH = 2000;

export async function startSyncRecord(db: Kysely<Database>): Promise<number> {
  const row = await db.insertInto("catalogue_syncs").defaultValues().returning("id").executeTakeFirstOrThrow();
  return row.id;
}

export async function recordSyncFailure(db: Kysely<Database>, syncId: number, error: string): Promise<void> {
  await db.updateTable("catalogue_syncs").set({ finished_at: new Date(), ok: false, error }).where("id", "=", syncId).execute();
}

/**
 * Replaces the offered catalogue in one transaction: every fetched bundle active, every other one
 * inactive (kept for past orders), the country index rebuilt, the sync recorded.
 */
export async function replaceCatalogue(db: Kysely<Database>, syncId: number, bundles: StoredBundle[], currency: string): Promise<void> {
  const syncedAt = new Date();
  await db.transaction().execute(async (trx) => {
    // Two instances syncing at once would interleave their deactivations.
    await sql`select pg_advisory_xact_lock(hashtext('catalogue_sync'))`.execute(trx);
    await upsertBundles(trx, bundles, currency, syncedAt);
    await trx.updateTable("catalogue_bundles").set({ active: false }).where("active", "=", true).where("synced_at", "<>", syncedAt).execute();
    await rebuildCountryIndex(trx, bundles);
    await trx
      .updateTable("catalogue_syncs")
      .set({ finished_at: new Date(), ok: true, bundle_count: bundles.length, error: null })
      .where("id", "=", syncId)
      .execute();
  });
}

async function upsertBundles(trx: Transaction<Database>, bundles: StoredBundle[], currency: string, syncedAt: Date): Promise<void> {
  for (let start = 0; start < bundles.length; start += UPSERT_BATCH) {
    const rows = bundles.slice(start, start + UPSERT_BATCH).map((bundle) => toRow(bundle, currency, syncedAt));
    await trx
      .insertInto("catalogue_bundles")
      .values(rows)
      .onConflict((oc) =>
        oc.column("name").doUpdateSet((eb) => ({
          description: eb.ref("excluded.description"),
          groups: eb.ref("excluded.groups"),
          countries: eb.ref("excluded.countries"),
          data_mb: eb.ref("excluded.data_mb"),
          unlimited: eb.ref("excluded.unlimited"),
          duration_days: eb.ref("excluded.duration_days"),
          speed: eb.ref("excluded.speed"),
          autostart: eb.ref("excluded.autostart"),
          roaming_countries: eb.ref("excluded.roaming_countries"),
          cost_minor: eb.ref("excluded.cost_minor"),
          currency: eb.ref("excluded.currency"),
          image_url: eb.ref("excluded.image_url"),
          active: true,
          synced_at: eb.ref("excluded.synced_at"),
        })),
      )
      .execute();
  }
}

function toRow(bundle: StoredBundle, currency: string, syncedAt: Date) {
  return {
    name: bundle.name,
    description: bundle.description,
    groups: JSON.stringify(bundle.groups),
    countries: JSON.stringify(bundle.countries),
    data_mb: bundle.dataMb,
    unlimited: bundle.unlimited,
    duration_days: bundle.durationDays,
    speed: JSON.stringify(bundle.speed),
    autostart: bundle.autostart,
    roaming_countries: JSON.stringify(bundle.roamingCountries),
    cost_minor: bundle.costMinor,
    currency,
    image_url: bundle.imageUrl,
    active: true,
    synced_at: syncedAt,
  };
}

async function rebuildCountryIndex(trx: Transaction<Database>, bundles: StoredBundle[]): Promise<void> {
  await trx.deleteFrom("catalogue_bundle_countries").execute();
  const pairs = bundles.flatMap((bundle) => [...new Set(bundle.countries)].map((iso) => ({ bundle_name: bundle.name, iso })));
  for (let start = 0; start < pairs.length; start += COUNTRY_BATCH) {
    await trx.insertInto("catalogue_bundle_countries").values(pairs.slice(start, start + COUNTRY_BATCH)).execute();
  }
}

export async function activeBundleRows(db: Kysely<Database>): Promise<CatalogueBundleRow[]> {
  return db.selectFrom("catalogue_bundles").selectAll().where("active", "=", true).orderBy("name").execute();
}

export async function bundleRow(db: Kysely<Database>, name: string): Promise<CatalogueBundleRow | undefined> {
  return db.selectFrom("catalogue_bundles").selectAll().where("name", "=", name).executeTakeFirst();
}

export async function latestSync(db: Kysely<Database>): Promise<SyncRecord | undefined> {
  const row = await db
    .selectFrom("catalogue_syncs")
    .select(["started_at", "finished_at", "ok", "bundle_count", "error"])
    .where("finished_at", "is not", null)
    .orderBy("id", "desc")
    .limit(1)
    .executeTakeFirst();
  return row && { at: row.finished_at ?? row.started_at, ok: row.ok === true, bundleCount: row.bundle_count, error: row.error };
}

export async function lastSuccessfulSyncAt(db: Kysely<Database>): Promise<Date | undefined> {
  const row = await db.selectFrom("catalogue_syncs").select("finished_at").where("ok", "=", true).orderBy("id", "desc").limit(1).executeTakeFirst();
  return row?.finished_at ?? undefined;
}

/** The provider's cost as it quoted it at checkout: newer than the last sync. */
export async function recordBundleCost(db: Kysely<Database>, name: string, costMinor: number): Promise<void> {
  await db.updateTable("catalogue_bundles").set({ cost_minor: costMinor }).where("name", "=", name).execute();
}

/** The provider no longer sells it: no new checkout until a sync brings it back. */
export async function withdrawBundle(db: Kysely<Database>, name: string): Promise<void> {
  await db.updateTable("catalogue_bundles").set({ active: false }).where("name", "=", name).execute();
}

/** An active bundle's stored row. */
export async function activeBundleRow(db: Kysely<Database>, name: string): Promise<CatalogueBundleRow | undefined> {
  return db.selectFrom("catalogue_bundles").selectAll().where("name", "=", name).where("active", "=", true).executeTakeFirst();
}

/** The account currency as the catalogue records it (eSIM Go bills in one currency). */
export async function catalogueCurrency(db: Kysely<Database>): Promise<string | undefined> {
  return (await db.selectFrom("catalogue_bundles").select("currency").limit(1).executeTakeFirst())?.currency;
}
