import pino from "pino";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createCatalogue, type BundleView, type Catalogue, type CatalogueDeps } from "../../src/catalogue/index.ts";
import { createEsimGoClient, type EsimGoClient } from "../../src/esimgo/index.ts";
import { startEsimGoSim } from "@esim-shop/esimgo-sim";
import { RecordingNotifier } from "../../src/notify/index.ts";
import type { PricingSettings } from "../../src/pricing/index.ts";
import { testDatabaseTargets, type TestDatabase } from "../helpers/db.ts";

type Simulator = Awaited<ReturnType<typeof startEsimGoSim>>;

const HOUR = 3_600_000;
// Plain +50 % so expected prices can be worked out by hand.
const halfMarkup: PricingSettings = { markupPercent: 50, fixedFeeMinor: 0, minMarginMinor: 0, rounding: "none" };

describe.each(testDatabaseTargets())("catalogue on $kind", (target) => {
  let sim: Simulator;
  let client: EsimGoClient;
  let database: TestDatabase;
  let notifier: RecordingNotifier;

  beforeEach(async () => {
    sim = await startEsimGoSim({ port: 0, catalogueSize: "small", rateLimitPerSecond: 0, currency: "USD" });
    client = createEsimGoClient({ baseUrl: sim.baseUrl, apiKey: sim.apiKey });
    database = await target.create();
    notifier = new RecordingNotifier();
  });

  afterEach(async () => {
    client.close();
    await sim.close();
    await database.close();
  });

  function catalogue(overrides: Partial<CatalogueDeps> = {}): Catalogue {
    return createCatalogue({
      db: database.db,
      esimgo: client,
      notifier,
      logger: pino({ level: "silent" }),
      pricing: halfMarkup,
      maxAgeMs: 6 * HOUR,
      ...overrides,
    });
  }

  // Small pages so a fault "after page 1" lands half-way through the catalogue.
  function smallPages(): CatalogueDeps["esimgo"] {
    return { listCatalogue: () => client.listCatalogue({ perPage: 3 }), getOrganisation: () => client.getOrganisation() };
  }

  const simulatorNames = () => sim.control.catalogue().map((b) => b.name).sort();

  async function activeNames(): Promise<string[]> {
    const rows = await database.db.selectFrom("catalogue_bundles").select("name").where("active", "=", true).orderBy("name").execute();
    return rows.map((r) => r.name).sort();
  }

  async function syncRows() {
    return database.db.selectFrom("catalogue_syncs").select(["ok", "bundle_count", "error", "finished_at"]).orderBy("id").execute();
  }

  it("stores the whole provider catalogue: bundles, country index and a successful sync record", async () => {
    const shop = catalogue();
    const result = await shop.sync();

    const expected = simulatorNames();
    expect(result).toEqual({ ok: true, bundleCount: expected.length });
    expect(await activeNames()).toEqual(expected);
    const countryRows = await database.db.selectFrom("catalogue_bundle_countries").select(["bundle_name", "iso"]).execute();
    const expectedPairs = sim.control.catalogue().reduce((sum, b) => sum + new Set(b.countries.map((c) => c.iso)).size, 0);
    expect(countryRows).toHaveLength(expectedPairs);
    expect(countryRows).toContainEqual({ bundle_name: "esim_1GB_7D_DE_V2", iso: "DE" });
    expect(await syncRows()).toEqual([{ ok: true, bundle_count: expected.length, error: null, finished_at: expect.any(Date) }]);
    expect(await shop.lastSync()).toMatchObject({ ok: true, bundleCount: expected.length, error: null });
    expect(shop.isAvailable()).toBe(true);
    expect(notifier.adminAlerts).toEqual([]);
  });

  it("offers for Germany: local first, then the Europe regional, then global, each sorted by data then days", async () => {
    const shop = catalogue();
    await shop.sync();

    const offers = shop.offersForCountry("de");
    const scopes = offers.map((o) => o.scope);
    expect(scopes).toContain("local");
    expect(scopes).toContain("regional");
    expect(scopes).toContain("global");
    expect(scopes).toEqual([...scopes].sort((a, b) => scopeRank(a) - scopeRank(b)));
    for (const offer of offers) expect(offer.countries).toContain("DE");

    const local = offers.filter((o) => o.scope === "local");
    expect(local.every((o) => o.countries.length === 1 && o.regionLabel === undefined)).toBe(true);
    const regional = offers.filter((o) => o.scope === "regional");
    expect(regional.every((o) => o.regionLabel === "Europe" && o.region === "europe" && o.countries.length > 1)).toBe(true);
    const global = offers.filter((o) => o.scope === "global");
    expect(global.every((o) => o.regionLabel === "Global")).toBe(true);

    for (const group of [local, regional, global]) expectSortedByDataThenDays(group);
    expect(shop.offersForCountry("JP").some((o) => o.scope === "regional" && o.regionLabel === "Europe")).toBe(false);
  });

  it("retail prices follow the pricing settings and a provider price change", async () => {
    const shop = catalogue();
    await shop.sync();
    const germany = shop.bundle("esim_1GB_7D_DE_V2");
    expect(germany).toBeDefined();
    const stored = await database.db.selectFrom("catalogue_bundles").select(["cost_minor", "currency"]).where("name", "=", "esim_1GB_7D_DE_V2").executeTakeFirstOrThrow();
    expect(germany).toMatchObject({ costMinor: stored.cost_minor, currency: "USD", priceMinor: Math.ceil(stored.cost_minor * 1.5) });

    sim.control.setBundlePrice("esim_1GB_7D_DE_V2", 4.2);
    await shop.sync();
    expect(shop.bundle("esim_1GB_7D_DE_V2")).toMatchObject({ costMinor: 420, priceMinor: 630 });

    const rounded = catalogue({ pricing: { markupPercent: 35, fixedFeeMinor: 50, minMarginMinor: 100, rounding: "99" } });
    await rounded.load();
    // 420 + 147 + 50 = 617 -> 699
    expect(rounded.bundle("esim_1GB_7D_DE_V2")?.priceMinor).toBe(699);
    for (const name of simulatorNames()) {
      const view = rounded.bundle(name)!;
      expect(view.priceMinor % 100).toBe(99);
      expect(view.priceMinor - view.costMinor).toBeGreaterThanOrEqual(100);
    }
  });

  it("a withdrawn bundle becomes inactive, leaves the offers and stays readable for past orders", async () => {
    const shop = catalogue();
    await shop.sync();
    sim.control.withdrawBundle("esim_1GB_7D_DE_V2");
    const result = await shop.sync();

    expect(result.ok).toBe(true);
    const row = await database.db.selectFrom("catalogue_bundles").select("active").where("name", "=", "esim_1GB_7D_DE_V2").executeTakeFirstOrThrow();
    expect(row.active).toBe(false);
    expect(await activeNames()).toEqual(simulatorNames());
    expect(shop.bundle("esim_1GB_7D_DE_V2")).toBeUndefined();
    expect(shop.offersForCountry("DE").map((o) => o.name)).not.toContain("esim_1GB_7D_DE_V2");
    expect(await shop.bundleRecord("esim_1GB_7D_DE_V2")).toMatchObject({ name: "esim_1GB_7D_DE_V2", active: false, countries: ["DE"], scope: "local" });
    const countryRows = await database.db.selectFrom("catalogue_bundle_countries").select("iso").where("bundle_name", "=", "esim_1GB_7D_DE_V2").execute();
    expect(countryRows).toEqual([]);
  });

  it("a sync failing half-way keeps the previous catalogue, records the failure and alerts the admins", async () => {
    const shop = catalogue({ esimgo: smallPages() });
    await shop.sync();
    const before = await activeNames();
    const offersBefore = shop.offersForCountry("DE").map((o) => o.name);
    sim.control.withdrawBundle("esim_1GB_7D_DE_V2");
    sim.faults.inject({ method: "GET", path: "/catalogue", skip: 1, times: "always", answer: "http500" });

    const result = await shop.sync();

    expect(result.ok).toBe(false);
    expect(result.error).toBeTruthy();
    expect(sim.control.requestCount("GET /catalogue")).toBeGreaterThan(1);
    expect(await activeNames()).toEqual(before);
    expect(shop.offersForCountry("DE").map((o) => o.name)).toEqual(offersBefore);
    const syncs = await syncRows();
    expect(syncs.map((s) => s.ok)).toEqual([true, false]);
    expect(syncs[1]?.error).toBe(result.error);
    expect(await shop.lastSync()).toMatchObject({ ok: false, error: result.error });
    expect(notifier.adminAlerts).toEqual([{ type: "sync_failed", cause: result.error }]);
  });

  it.each([
    ["a 404", { answer: "notfound404" }, /not_found: .*HTTP 404/],
    ["a malformed page", { answer: "malformed" }, /transient: .*unreadable response/],
    ["a timeout", { delayMs: 1_000 }, /transient: .*timed out/],
  ] as const)("%s half-way through keeps the previous catalogue; the alert names the cause", async (_label, fault, cause) => {
    const quick = createEsimGoClient({ baseUrl: sim.baseUrl, apiKey: sim.apiKey, timeoutMs: 250 });
    try {
      const shop = catalogue({ esimgo: { listCatalogue: () => quick.listCatalogue({ perPage: 3 }), getOrganisation: () => quick.getOrganisation() } });
      await shop.sync();
      const before = await activeNames();
      sim.control.withdrawBundle("esim_1GB_7D_DE_V2");
      sim.faults.inject({ method: "GET", path: "/catalogue", skip: 1, times: "always", ...fault });

      const result = await shop.sync();

      expect(result.ok).toBe(false);
      expect(result.error).toMatch(cause);
      expect(await activeNames()).toEqual(before);
      expect(shop.bundle("esim_1GB_7D_DE_V2")).toBeDefined();
      expect(notifier.adminAlerts).toEqual([{ type: "sync_failed", cause: result.error }]);
    } finally {
      await quick.close();
    }
  });

  it("an empty provider catalogue is a failure, not a reason to withdraw everything", async () => {
    const shop = catalogue();
    await shop.sync();
    const before = await activeNames();
    for (const name of simulatorNames()) sim.control.withdrawBundle(name);

    const result = await shop.sync();

    expect(result).toMatchObject({ ok: false, bundleCount: 0 });
    expect(result.error).toMatch(/no usable bundles/);
    expect(await activeNames()).toEqual(before);
    expect(shop.isAvailable()).toBe(true);
    expect(notifier.adminAlerts).toEqual([{ type: "sync_failed", cause: result.error }]);
  });

  it("an account currency Stripe publishes no minimum charge for is refused: nothing is offered at a price Stripe may refuse", async () => {
    const lira = await startEsimGoSim({ port: 0, catalogueSize: "small", rateLimitPerSecond: 0, currency: "TRY" });
    const liraClient = createEsimGoClient({ baseUrl: lira.baseUrl, apiKey: lira.apiKey });
    try {
      const result = await catalogue({ esimgo: liraClient }).sync();
      expect(result).toMatchObject({ ok: false, bundleCount: 0 });
      expect(result.error).toMatch(/currency TRY has no published Stripe minimum charge/);
      expect(await activeNames()).toEqual([]);
    } finally {
      await liraClient.close();
      await lira.close();
    }
  });

  it("first start with a failing provider: no catalogue, no throw, admins told; the next good sync opens the shop", async () => {
    sim.faults.inject({ method: "GET", path: "/catalogue", times: "always", answer: "forbidden403" });
    const shop = catalogue();
    await shop.load();

    const result = await shop.sync();

    expect(result.ok).toBe(false);
    expect(shop.isAvailable()).toBe(false);
    expect(shop.offersForCountry("DE")).toEqual([]);
    expect(shop.countriesWithOffers()).toEqual([]);
    expect(shop.costStats()).toBeUndefined();
    expect(await database.db.selectFrom("catalogue_bundles").select("name").execute()).toEqual([]);
    expect((await syncRows()).map((s) => s.ok)).toEqual([false]);
    expect(notifier.adminAlerts.map((a) => a.type)).toEqual(["sync_failed"]);

    sim.faults.clear();
    expect((await shop.sync()).ok).toBe(true);
    expect(shop.isAvailable()).toBe(true);
  });

  it("a restart with the provider down serves the catalogue stored by the previous run", async () => {
    await catalogue().sync();
    sim.faults.inject({ method: "GET", path: "/catalogue", times: "always", answer: "http500" });

    const restarted = catalogue();
    await restarted.syncIfStale(); // still fresh: no provider call needed
    expect(restarted.isAvailable()).toBe(true);

    const again = catalogue({ maxAgeMs: 0 });
    await again.syncIfStale(); // stale: tries, fails, falls back to the stored catalogue
    expect(again.isAvailable()).toBe(true);
    expect(again.offersForCountry("DE").length).toBeGreaterThan(0);
    expect(notifier.adminAlerts.map((a) => a.type)).toEqual(["sync_failed"]);
  });

  it("syncIfStale fetches only when there is no recent successful sync", async () => {
    const shop = catalogue();
    await shop.syncIfStale();
    const fetched = sim.control.requestCount("GET /catalogue");
    expect(fetched).toBeGreaterThan(0);
    expect(shop.isAvailable()).toBe(true);

    await shop.syncIfStale();
    expect(sim.control.requestCount("GET /catalogue")).toBe(fetched);

    await catalogue({ maxAgeMs: 0 }).syncIfStale();
    expect(sim.control.requestCount("GET /catalogue")).toBeGreaterThan(fetched);
    expect((await syncRows()).map((s) => s.ok)).toEqual([true, true]);
  });

  it("a second instance loads the catalogue another instance synced since, without fetching it itself", async () => {
    const here = catalogue();
    const elsewhere = catalogue();
    await here.sync();
    await elsewhere.syncIfStale();
    const before = elsewhere.revision();
    const name = sim.control.catalogue()[0]!.name;
    sim.control.withdrawBundle(name);
    await new Promise((resolve) => setTimeout(resolve, 5));
    await here.sync();
    const fetched = sim.control.requestCount("GET /catalogue");
    await elsewhere.syncIfStale();
    expect(sim.control.requestCount("GET /catalogue")).toBe(fetched);
    expect(elsewhere.revision()).toBeGreaterThan(before);
    expect(elsewhere.bundle(name)).toBeUndefined();
  });

  it("the periodic check syncs a stale catalogue until stopped", async () => {
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] });
    try {
      const shop = catalogue({ maxAgeMs: 0 });
      const periodic = shop.startPeriodicSync();
      vi.advanceTimersToNextTimer();
      // The sync's row is written just before the catalogue is loaded into memory: wait for both.
      await vi.waitFor(async () => {
        expect((await syncRows()).map((s) => s.ok)).toEqual([true]);
        expect(shop.isAvailable()).toBe(true);
      });

      periodic.stop();
      vi.advanceTimersByTime(60 * 60_000);
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it("overlapping sync calls share one run", async () => {
    const shop = catalogue();
    const [a, b] = await Promise.all([shop.sync(), shop.sync()]);
    expect(a).toEqual(b);
    expect(await syncRows()).toHaveLength(1);
  });

  it("lists countries with offers and cost statistics over active bundles", async () => {
    const shop = catalogue();
    await shop.sync();

    const isos = shop.countriesWithOffers().map((c) => c.iso2);
    expect(isos).toEqual(expect.arrayContaining(["DE", "FR", "TR", "US", "GB", "AT", "AU", "JP"]));
    for (const iso of isos) expect(shop.offersForCountry(iso).length).toBeGreaterThan(0);

    const costs = (await database.db.selectFrom("catalogue_bundles").select("cost_minor").where("active", "=", true).execute()).map((r) => r.cost_minor);
    const stats = shop.costStats();
    expect(stats?.cheapestMinor).toBe(Math.min(...costs));
    expect(stats?.currency).toBe("USD");
    expect(stats!.medianMinor).toBeGreaterThanOrEqual(Math.min(...costs));
    expect(stats!.medianMinor).toBeLessThanOrEqual(Math.max(...costs));
  });
});

function scopeRank(scope: BundleView["scope"]): number {
  return { local: 0, regional: 1, global: 2 }[scope];
}

function expectSortedByDataThenDays(offers: BundleView[]): void {
  const data = (o: BundleView) => (o.unlimited ? Number.POSITIVE_INFINITY : (o.dataMb ?? Number.POSITIVE_INFINITY));
  for (let i = 1; i < offers.length; i++) {
    const [a, b] = [offers[i - 1]!, offers[i]!];
    expect(data(a)).toBeLessThanOrEqual(data(b));
    if (data(a) === data(b)) expect(a.durationDays).toBeLessThanOrEqual(b.durationDays);
  }
}
