/** Telegram Stars: the currency code Telegram uses for them in invoices and payments. */
export const STARS_CURRENCY = "XTR";

/** The most Stars one invoice may ask. */
export const MAX_STARS_PER_INVOICE = 100_000;

/**
 * The price in Stars of a retail price in US dollars: what one Star is worth to the shop (`usdPerStar`, e.g. 0.013),
 * rounded up to a whole Star, so the shop never nets less than the card price. Undefined for a price in another
 * currency (Stars are valued in dollars only) or one beyond what an invoice may ask.
 *
 * @example starsPrice(499, "USD", 0.013) // 384
 */
export function starsPrice(priceMinor: number, currency: string, usdPerStar: number): number | undefined {
  if (currency.toUpperCase() !== "USD" || !Number.isSafeInteger(priceMinor) || priceMinor <= 0) return undefined;
  if (!(usdPerStar > 0)) return undefined;
  // In millionths of a dollar, so 0.013 is exactly 13,000 and no float error moves the rounding.
  const microPerStar = Math.round(usdPerStar * 1_000_000);
  const stars = Math.ceil((priceMinor * 10_000) / microPerStar);
  return stars >= 1 && stars <= MAX_STARS_PER_INVOICE ? stars : undefined;
}
