import type { BundleView } from "./offers.ts";

/** How long the trip is, as a traveller knows it. */
export type TripLength = "w" | "f" | "m" | "l";
/** How much data they think they need. */
export type DataNeed = "s" | "m" | "l" | "u";

export const TRIP_LENGTHS: readonly TripLength[] = ["w", "f", "m", "l"];
export const DATA_NEEDS: readonly DataNeed[] = ["s", "m", "l", "u"];

/** The fewest days a plan must last for each trip length (a week, a fortnight, a month, longer). */
export const TRIP_MIN_DAYS: Record<TripLength, number> = { w: 7, f: 15, m: 30, l: 31 };
/** The least data (eSIM Go counts 1 GB as 1000 MB) a plan must carry for each need; "u" wants unlimited. */
export const DATA_MIN_MB: Record<DataNeed, number> = { s: 1_000, m: 5_000, l: 20_000, u: Number.POSITIVE_INFINITY };

export function isTripLength(value: string): value is TripLength {
  return (TRIP_LENGTHS as readonly string[]).includes(value);
}

export function isDataNeed(value: string): value is DataNeed {
  return (DATA_NEEDS as readonly string[]).includes(value);
}

function dataOf(bundle: BundleView): number {
  return bundle.unlimited ? Number.POSITIVE_INFINITY : (bundle.dataMb ?? 0);
}

/** It lasts the trip and carries the data. */
export function fits(bundle: BundleView, trip: TripLength, data: DataNeed): boolean {
  return bundle.durationDays >= TRIP_MIN_DAYS[trip] && dataOf(bundle) >= DATA_MIN_MB[data];
}

/** `a` is at least as cheap, as big and as long as `b`, and better in one of them. */
export function beats(a: BundleView, b: BundleView): boolean {
  const notWorse = a.priceMinor <= b.priceMinor && dataOf(a) >= dataOf(b) && a.durationDays >= b.durationDays;
  const better = a.priceMinor < b.priceMinor || dataOf(a) > dataOf(b) || a.durationDays > b.durationDays;
  return notWorse && better;
}

/**
 * The offers worth showing for this trip, cheapest first: every plan for the destination that fits, local and regional
 * side by side, without the plans another one beats on price, data and days. Of plans equal in all three, the first
 * (the local one: offers come local first) stays.
 */
export function bestOffers(offers: readonly BundleView[], trip: TripLength, data: DataNeed, limit: number): BundleView[] {
  const fitting = offers.filter((bundle) => fits(bundle, trip, data));
  const kept = fitting.filter(
    (bundle, index) =>
      !fitting.some((other, otherIndex) => beats(other, bundle) || (otherIndex < index && sameDeal(other, bundle))),
  );
  return kept.sort((a, b) => a.priceMinor - b.priceMinor || dataOf(b) - dataOf(a) || b.durationDays - a.durationDays).slice(0, limit);
}

function sameDeal(a: BundleView, b: BundleView): boolean {
  return a.priceMinor === b.priceMinor && dataOf(a) === dataOf(b) && a.durationDays === b.durationDays;
}
