import { stripeMinimumChargeMinor } from "./stripe-minimums.ts";

export { STRIPE_MINIMUM_CHARGE_MINOR, stripeMinimumChargeMinor } from "./stripe-minimums.ts";
export { STARS_CURRENCY, starsPrice } from "./stars.ts";

/** How a provider cost becomes a retail price. All money is integer minor units (cents). */
export interface PricingSettings {
  /** Percentage added on top of the cost, e.g. 35 for +35 %. */
  markupPercent: number;
  /** Added to every price after the markup. */
  fixedFeeMinor: number;
  /** The price is never less than cost + this. */
  minMarginMinor: number;
  /** "99": round UP to the next x.99 (4.99, 12.99); "none": keep the exact amount. */
  rounding: "none" | "99";
}

/**
 * cost × (1 + markup %) + fee, raised to at least cost + minimum margin and to Stripe's minimum charge for the
 * currency, then rounded up. Every step rounds up, so the result never falls below either floor.
 * Throws for a currency Stripe publishes no minimum for: the shop sells only where it knows Stripe takes its prices.
 */
export function retailPriceMinor(costMinor: number, settings: PricingSettings, currency: string): number {
  assertMinorAmount(costMinor, "costMinor");
  assertSettings(settings);
  const stripeMinimum = stripeMinimumChargeMinor(currency);
  if (stripeMinimum === undefined) throw new RangeError(`no known Stripe minimum charge for currency ${currency}`);
  const markedUp = costMinor + markupMinor(costMinor, settings.markupPercent) + settings.fixedFeeMinor;
  const floor = costMinor + settings.minMarginMinor;
  const price = roundPrice(Math.max(markedUp, floor, stripeMinimum), settings.rounding);
  if (!Number.isSafeInteger(price)) throw new RangeError(`retail price for cost ${costMinor} is too large`);
  return price;
}

export function marginMinor(priceMinor: number, costMinor: number): number {
  return priceMinor - costMinor;
}

/** "$4.99" (en, USD), "4,99 €" (ru, EUR); the currency's own number of decimals (JPY has none). */
export function formatMoney(minor: number, currency: string, locale = "en"): string {
  // Telegram Stars are whole units with no ISO currency: "384 ⭐".
  if (currency.toUpperCase() === "XTR") return `${minor} ⭐`;
  const { format, digits } = moneyFormat(locale, currency.toUpperCase());
  return format.format(minor / 10 ** digits);
}

// Building an Intl.NumberFormat costs tens of microseconds and every offers screen shows several prices.
const moneyFormats = new Map<string, { format: Intl.NumberFormat; digits: number }>();

function moneyFormat(locale: string, currency: string): { format: Intl.NumberFormat; digits: number } {
  const key = `${locale}|${currency}`;
  let cached = moneyFormats.get(key);
  if (!cached) {
    const format = new Intl.NumberFormat(locale, { style: "currency", currency });
    cached = { format, digits: format.resolvedOptions().maximumFractionDigits ?? 2 };
    moneyFormats.set(key, cached);
  }
  return cached;
}

function markupMinor(costMinor: number, markupPercent: number): number {
  // toFixed removes binary noise (e.g. 1000 × 0.07 = 70.00000000000001) before rounding up.
  return Math.ceil(Number(((costMinor * markupPercent) / 100).toFixed(6)));
}

function roundPrice(minor: number, rounding: PricingSettings["rounding"]): number {
  if (rounding === "none") return minor;
  return Math.ceil((minor - 99) / 100) * 100 + 99;
}

function assertMinorAmount(value: number, what: string): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${what} must be a non-negative integer of minor units, got ${value}`);
}

function assertSettings(settings: PricingSettings): void {
  if (!Number.isFinite(settings.markupPercent) || settings.markupPercent < 0) {
    throw new RangeError(`markupPercent must be a non-negative number, got ${settings.markupPercent}`);
  }
  assertMinorAmount(settings.fixedFeeMinor, "fixedFeeMinor");
  assertMinorAmount(settings.minMarginMinor, "minMarginMinor");
  if (settings.rounding !== "none" && settings.rounding !== "99") throw new RangeError(`unknown rounding ${String(settings.rounding)}`);
}
