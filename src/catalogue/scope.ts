import { regionOf, regionName, type RegionId } from "./regions.ts";

export type BundleScope = "local" | "regional" | "global";

export interface ScopeInfo {
  scope: BundleScope;
  /** The travel region most of a regional bundle's countries belong to. */
  region?: RegionId;
  /** "Europe" for a regional bundle, "Global" for a global one (English; translate `region` for people). */
  regionLabel?: string;
}

/** More base countries than this makes a bundle global whatever its name says. */
export const GLOBAL_MIN_COUNTRIES = 80;

interface ScopeInput {
  name: string;
  description: string;
  groups: readonly string[];
  countries: readonly string[];
}

export function scopeOf(bundle: ScopeInput): ScopeInfo {
  if (saysGlobal(bundle) || bundle.countries.length > GLOBAL_MIN_COUNTRIES) return { scope: "global", regionLabel: "Global" };
  if (bundle.countries.length <= 1) return { scope: "local" };
  const region = mainRegion(bundle.countries);
  return region ? { scope: "regional", region, regionLabel: regionName(region, "en") } : { scope: "regional" };
}

function saysGlobal(bundle: ScopeInput): boolean {
  return [bundle.name, bundle.description, ...bundle.groups].some((text) => /global/i.test(text));
}

function mainRegion(countries: readonly string[]): RegionId | undefined {
  const counts = new Map<RegionId, number>();
  for (const iso of countries) {
    const region = regionOf(iso);
    if (region) counts.set(region, (counts.get(region) ?? 0) + 1);
  }
  let best: RegionId | undefined;
  for (const [region, count] of counts) if (best === undefined || count > (counts.get(best) ?? 0)) best = region;
  return best;
}
