import { sql, type Kysely, type Transaction } from "kysely";
import type { Database, EsimRow, OrderStatus } from "../db/schema.ts";
import type { EsimBundleUsage, EsimGoClient, EsimInstall } from "../esimgo/index.ts";
import type { Logger } from "../logger.ts";
import type { DeliveredEsim } from "../notify/index.ts";
import { appleInstallUrlOf, lpaOf, qrPng } from "./qr.ts";

export interface UsageView {
  bundles: EsimBundleUsage[];
  checkedAt: Date;
  stale: boolean;
}

export interface EsimSummary {
  iccid: string;
  orderId: number;
  bundleName: string;
  bundleDescription: string;
  status: OrderStatus;
  createdAt: Date;
  lastUsage?: UsageView;
}

export interface EsimsDeps {
  db: Kysely<Database>;
  esimgo: Pick<EsimGoClient, "listEsimBundles" | "checkCompatibility">;
  logger: Logger;
  settings: { usageCacheSeconds: number };
  now: () => Date;
}

export interface Esims {
  customerEsims(customerId: number, page: { offset: number; limit: number }): Promise<{ total: number; items: EsimSummary[] }>;
  esimUsage(customerId: number, iccid: string, opts?: { refresh?: boolean }): Promise<UsageView | undefined>;
  installDetails(customerId: number, iccid: string): Promise<DeliveredEsim | undefined>;
  topUpOffers(customerId: number, iccid: string, candidates: string[]): Promise<string[]>;
  ownedEsim(customerId: number, iccid: string): Promise<EsimRow | undefined>;
  /** The customer's eSIM with its order's plan and status; undefined for anyone else's (or an unknown) ICCID. */
  customerEsim(customerId: number, iccid: string): Promise<OwnedEsim | undefined>;
}

export interface OwnedEsim {
  iccid: string;
  orderId: number;
  bundleName: string;
  bundleDescription: string;
  status: OrderStatus;
}

/** What eSIM Go said of a bundle on an eSIM changes rarely: asked once per half hour, not per tap. */
const COMPATIBILITY_TTL_MS = 30 * 60_000;
const COMPATIBILITY_ENTRIES = 20_000;

export function createEsims(deps: EsimsDeps): Esims {
  const compatibility = new Map<string, { compatible: boolean; until: number }>();
  const compatible = async (iccid: string, bundle: string): Promise<boolean> => {
    const key = `${iccid}:${bundle}`;
    const known = compatibility.get(key);
    if (known && known.until > deps.now().getTime()) return known.compatible;
    const answer = await deps.esimgo.checkCompatibility(iccid, bundle);
    compatibility.delete(key);
    if (compatibility.size >= COMPATIBILITY_ENTRIES) compatibility.delete(compatibility.keys().next().value as string);
    compatibility.set(key, { compatible: answer, until: deps.now().getTime() + COMPATIBILITY_TTL_MS });
    return answer;
  };
  return {
    customerEsims: (customerId, page) => customerEsims(deps, customerId, page),
    esimUsage: (customerId, iccid, opts) => esimUsage(deps, customerId, iccid, opts?.refresh ?? false),
    installDetails: (customerId, iccid) => installDetails(deps, customerId, iccid),
    topUpOffers: (customerId, iccid, candidates) => topUpOffers(deps, compatible, customerId, iccid, candidates),
    ownedEsim: (customerId, iccid) => ownedEsim(deps.db, customerId, iccid),
    customerEsim: (customerId, iccid) => customerEsim(deps.db, customerId, iccid),
  };
}

async function ownedEsim(db: Kysely<Database>, customerId: number, iccid: string): Promise<EsimRow | undefined> {
  if (!/^[0-9]{10,22}F?$/i.test(iccid)) return undefined;
  return db.selectFrom("esims").selectAll().where("iccid", "=", iccid).where("customer_id", "=", customerId).executeTakeFirst();
}

/** Ownership is checked on every press: an ICCID in a button proves nothing. */
async function customerEsim(db: Kysely<Database>, customerId: number, iccid: string): Promise<OwnedEsim | undefined> {
  if (!/^[0-9]{10,22}F?$/i.test(iccid)) return undefined;
  const row = await db
    .selectFrom("esims")
    .innerJoin("orders", "orders.id", "esims.order_id")
    .select(["esims.iccid", "esims.order_id", "orders.bundle_name", "orders.bundle_description", "orders.status"])
    .where("esims.iccid", "=", iccid)
    .where("esims.customer_id", "=", customerId)
    .executeTakeFirst();
  return row && { iccid: row.iccid, orderId: row.order_id, bundleName: row.bundle_name, bundleDescription: row.bundle_description, status: row.status };
}

async function customerEsims(deps: EsimsDeps, customerId: number, page: { offset: number; limit: number }) {
  const limit = Math.min(Math.max(Math.trunc(page.limit), 1), 50);
  const offset = Math.max(Math.trunc(page.offset), 0);
  const [count, rows] = await Promise.all([
    deps.db.selectFrom("esims").select(sql<number>`count(*)::int`.as("n")).where("customer_id", "=", customerId).executeTakeFirstOrThrow(),
    deps.db
      .selectFrom("esims")
      .innerJoin("orders", "orders.id", "esims.order_id")
      .select(["esims.iccid", "esims.order_id", "esims.created_at", "esims.usage", "esims.usage_checked_at", "orders.bundle_name", "orders.bundle_description", "orders.status"])
      .where("esims.customer_id", "=", customerId)
      .orderBy("esims.created_at", "desc")
      .orderBy("esims.iccid", "desc")
      .limit(limit)
      .offset(offset)
      .execute(),
  ]);
  const items = rows.map((row): EsimSummary => {
    const lastUsage = cachedUsage(row.usage, row.usage_checked_at, deps.now(), deps.settings.usageCacheSeconds);
    return {
      iccid: row.iccid,
      orderId: row.order_id,
      bundleName: row.bundle_name,
      bundleDescription: row.bundle_description,
      status: row.status,
      createdAt: row.created_at,
      ...(lastUsage ? { lastUsage } : {}),
    };
  });
  return { total: count.n, items };
}

function cachedUsage(usage: unknown, checkedAt: Date | null, now: Date, maxAgeSeconds: number): UsageView | undefined {
  if (!Array.isArray(usage) || !checkedAt) return undefined;
  const stale = now.getTime() - checkedAt.getTime() > maxAgeSeconds * 1000;
  return { bundles: usage as EsimBundleUsage[], checkedAt, stale };
}

async function esimUsage(deps: EsimsDeps, customerId: number, iccid: string, refresh: boolean): Promise<UsageView | undefined> {
  const esim = await ownedEsim(deps.db, customerId, iccid);
  if (!esim) return undefined;
  const now = deps.now();
  const cached = cachedUsage(esim.usage, esim.usage_checked_at, now, deps.settings.usageCacheSeconds);
  if (cached && !cached.stale && !refresh) return cached;
  try {
    const bundles = await deps.esimgo.listEsimBundles(iccid);
    await storeUsage(deps.db, iccid, bundles, now);
    return { bundles, checkedAt: now, stale: false };
  } catch (error) {
    deps.logger.warn({ iccid, err: error }, "usage lookup failed; showing the last known figure");
    return cached ? { ...cached, stale: true } : { bundles: [], checkedAt: esim.usage_checked_at ?? esim.created_at, stale: true };
  }
}

export async function storeUsage(db: Kysely<Database>, iccid: string, bundles: EsimBundleUsage[], checkedAt: Date): Promise<void> {
  await db
    .updateTable("esims")
    .set({ usage: JSON.stringify(bundles), usage_checked_at: checkedAt })
    .where("iccid", "=", iccid)
    .where((eb) => eb.or([eb("usage_checked_at", "is", null), eb("usage_checked_at", "<=", checkedAt)]))
    .execute();
}

async function installDetails(deps: EsimsDeps, customerId: number, iccid: string): Promise<DeliveredEsim | undefined> {
  const esim = await ownedEsim(deps.db, customerId, iccid);
  return esim ? deliverableEsim(esim) : undefined;
}

/** What the customer needs to install: LPA, QR PNG, manual codes and the iOS one-tap link. */
export async function deliverableEsim(esim: Pick<EsimRow, "iccid" | "matching_id" | "smdp_address" | "apple_install_url">): Promise<DeliveredEsim> {
  const lpa = lpaOf(esim.smdp_address, esim.matching_id);
  return {
    iccid: esim.iccid,
    matchingId: esim.matching_id,
    smdpAddress: esim.smdp_address,
    lpa,
    appleInstallUrl: esim.apple_install_url ?? appleInstallUrlOf(lpa),
    qrPng: await qrPng(lpa),
  };
}

async function topUpOffers(
  deps: EsimsDeps,
  isCompatible: (iccid: string, bundle: string) => Promise<boolean>,
  customerId: number,
  iccid: string,
  candidates: string[],
): Promise<string[]> {
  if (!(await ownedEsim(deps.db, customerId, iccid))) return [];
  const compatible: string[] = [];
  // One at a time: the provider allows 10 requests/s for the whole shop.
  for (const bundle of candidates.slice(0, 20)) {
    try {
      if (await isCompatible(iccid, bundle)) compatible.push(bundle);
    } catch (error) {
      deps.logger.warn({ iccid, bundle, err: error }, "compatibility check failed; offer left out");
    }
  }
  return compatible;
}

/** Stores a new-eSIM order's eSIMs, inside the caller's transaction (the order moves to `ready` in the same one). */
export async function recordInstalls(trx: Transaction<Database>, owner: { customerId: number; orderId: number }, installs: EsimInstall[]): Promise<void> {
  if (installs.length === 0) return;
  await trx
    .insertInto("esims")
    .values(
      installs.map((install) => ({
        iccid: install.iccid,
        customer_id: owner.customerId,
        order_id: owner.orderId,
        matching_id: install.matchingId,
        smdp_address: install.smdpAddress,
        apple_install_url: install.appleInstallUrl ?? null,
      })),
    )
    .onConflict((oc) => oc.column("iccid").doNothing())
    .execute();
}

/** What the customer needs to install every eSIM of an order, QR codes included. */
export async function installsOfOrder(db: Kysely<Database>, orderId: number): Promise<DeliveredEsim[]> {
  const rows = await db.selectFrom("esims").selectAll().where("order_id", "=", orderId).orderBy("iccid").execute();
  return Promise.all(rows.map(deliverableEsim));
}

/** Of these ICCIDs, the ones we already know: sold as eSIMs, or the target of a top-up. */
export async function knownIccids(db: Kysely<Database>, iccids: string[]): Promise<Set<string>> {
  if (iccids.length === 0) return new Set();
  const [stored, targeted] = await Promise.all([
    db.selectFrom("esims").select("iccid").where("iccid", "in", iccids).execute(),
    db.selectFrom("orders").select("target_iccid").where("target_iccid", "in", iccids).execute(),
  ]);
  return new Set([...stored.map((row) => row.iccid), ...targeted.map((row) => row.target_iccid ?? "")]);
}

/** Erases a customer's eSIMs (their install codes and usage), inside the caller's transaction. */
export async function eraseEsimsOf(trx: Transaction<Database>, customerId: number): Promise<void> {
  const iccids = (await trx.selectFrom("esims").select("iccid").where("customer_id", "=", customerId).execute()).map((row) => row.iccid);
  if (iccids.length > 0) await trx.deleteFrom("usage_alerts").where("iccid", "in", iccids).execute();
  await trx.deleteFrom("esims").where("customer_id", "=", customerId).execute();
}
