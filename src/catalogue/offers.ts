import type { CatalogueBundleRow } from "../db/schema.ts";
import { retailPriceMinor, type PricingSettings } from "../pricing/index.ts";
import type { RegionId } from "./regions.ts";
import { scopeOf, type BundleScope } from "./scope.ts";

export interface BundleView {
  name: string;
  description: string;
  dataMb: number | null;
  unlimited: boolean;
  durationDays: number;
  speed: string[];
  autostart: boolean;
  /** Base countries, ISO2. */
  countries: string[];
  costMinor: number;
  /** Retail price from the pricing settings; the only price a customer is ever charged. */
  priceMinor: number;
  currency: string;
  scope: BundleScope;
  /** "Europe" for regional, "Global" for global bundles. */
  regionLabel?: string;
  /** The travel region of a regional bundle, for translated labels. */
  region?: RegionId;
  active: boolean;
}

export interface CostStats {
  cheapestMinor: number;
  medianMinor: number;
  currency: string;
}

/** What the shop offers, built once per load and read synchronously on every chat update. */
export interface OfferIndex {
  byName: ReadonlyMap<string, BundleView>;
  byCountry: ReadonlyMap<string, readonly BundleView[]>;
  costStats?: CostStats;
}

export function toBundleView(row: CatalogueBundleRow, pricing: PricingSettings): BundleView {
  const countries = stringList(row.countries);
  const scope = scopeOf({ name: row.name, description: row.description, groups: stringList(row.groups), countries });
  return Object.freeze({
    name: row.name,
    description: row.description,
    dataMb: row.data_mb,
    unlimited: row.unlimited,
    durationDays: row.duration_days,
    speed: stringList(row.speed),
    autostart: row.autostart,
    countries,
    costMinor: row.cost_minor,
    priceMinor: retailPriceMinor(row.cost_minor, pricing, row.currency),
    currency: row.currency,
    scope: scope.scope,
    ...(scope.regionLabel ? { regionLabel: scope.regionLabel } : {}),
    ...(scope.region ? { region: scope.region } : {}),
    active: row.active,
  });
}

export function buildOfferIndex(views: BundleView[]): OfferIndex {
  const byName = new Map(views.map((view) => [view.name, view]));
  const byCountry = new Map<string, BundleView[]>();
  for (const view of views) {
    for (const iso of view.countries) {
      const offers = byCountry.get(iso);
      if (offers) offers.push(view);
      else byCountry.set(iso, [view]);
    }
  }
  for (const offers of byCountry.values()) offers.sort(compareOffers);
  return { byName, byCountry, costStats: costStatsOf(views) };
}

export const EMPTY_OFFER_INDEX: OfferIndex = { byName: new Map(), byCountry: new Map() };

const SCOPE_ORDER: Record<BundleScope, number> = { local: 0, regional: 1, global: 2 };

/** Local bundles first, then regional, then global; within each by data (unlimited last), days, price. */
export function compareOffers(a: BundleView, b: BundleView): number {
  return (
    SCOPE_ORDER[a.scope] - SCOPE_ORDER[b.scope] ||
    dataRank(a) - dataRank(b) ||
    a.durationDays - b.durationDays ||
    a.priceMinor - b.priceMinor ||
    a.name.localeCompare(b.name)
  );
}

function dataRank(view: BundleView): number {
  return view.unlimited || view.dataMb === null ? Number.MAX_SAFE_INTEGER : view.dataMb;
}

function costStatsOf(views: BundleView[]): CostStats | undefined {
  const first = views[0];
  if (!first) return undefined;
  const costs = views.map((view) => view.costMinor).sort((a, b) => a - b);
  const middle = Math.floor(costs.length / 2);
  const median = costs.length % 2 === 1 ? costs[middle]! : Math.round((costs[middle - 1]! + costs[middle]!) / 2);
  return { cheapestMinor: costs[0]!, medianMinor: median, currency: first.currency };
}

function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === "string") : [];
}
