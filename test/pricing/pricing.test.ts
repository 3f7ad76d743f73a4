import { describe, expect, it } from "vitest";
import { MINIMUM_CHARGE_MINOR, SUPPORTED_CURRENCIES } from "@esim-shop/stripe-sim";
import { formatMoney, marginMinor, retailPriceMinor, STRIPE_MINIMUM_CHARGE_MINOR, stripeMinimumChargeMinor, type PricingSettings } from "../../src/pricing/index.ts";

const standard: PricingSettings = { markupPercent: 35, fixedFeeMinor: 50, minMarginMinor: 100, rounding: "99" };
const exact: PricingSettings = { ...standard, rounding: "none" };

describe("retailPriceMinor", () => {
  it.each([
    // cost, settings, expected, why
    [1000, exact, 1400, "1000 + 35 % (350) + 50"],
    [1000, standard, 1499, "1400 rounded up to x.99"],
    [1399, standard, 1999, "1399 + 490 (489.65 rounded up) + 50 = 1939 -> 1999"],
    [100, exact, 200, "markup 35 + fee 50 = 85 < min margin 100: cost + 100"],
    [100, standard, 299, "200 rounds up to 299, never down to 199"],
    [1, exact, 101, "a tiny cost still earns the minimum margin"],
    [1, standard, 199, "101 -> 199"],
    [0, exact, 100, "a free bundle costs the minimum margin"],
    [0, { ...exact, minMarginMinor: 0, fixedFeeMinor: 0 }, 50, "nothing added to nothing is raised to Stripe's minimum charge ($0.50)"],
    [10, { ...exact, markupPercent: 0, minMarginMinor: 0, fixedFeeMinor: 0 }, 50, "a 10-cent price is raised to Stripe's minimum"],
    [10, { ...standard, markupPercent: 0, minMarginMinor: 0, fixedFeeMinor: 0 }, 99, "raised to 50, then rounded up to 0.99"],
    [0, { ...standard, minMarginMinor: 0, fixedFeeMinor: 0 }, 99, "x.99 rounding of zero is 0.99"],
    [199, { ...standard, markupPercent: 0, fixedFeeMinor: 0, minMarginMinor: 0 }, 199, "already x.99 stays"],
    [200, { ...standard, markupPercent: 0, fixedFeeMinor: 0, minMarginMinor: 0 }, 299, "one cent above x.99 goes to the next"],
    [1000, { ...exact, markupPercent: 7 }, 1120, "7 % of 1000 is exactly 70 despite binary floats"],
    [333, { ...exact, markupPercent: 33.3, minMarginMinor: 0 }, 494, "110.889 rounds up to 111"],
    [1901, { ...standard, fixedFeeMinor: 0, minMarginMinor: 1000 }, 2999, "min margin wins over markup (666): 2901 -> 2999"],
    [50_000_000, standard, 67_500_099, "big values stay exact: 67 500 050 -> 67 500 099"],
    [2 ** 40, exact, 1_484_340_697_548, "2^40 + ceil(35 % = 384 829 069 721.6) + 50 stays an exact integer"],
  ])("cost %i, settings %o -> %i", (cost, settings, expected) => {
    const price = retailPriceMinor(cost, settings, "USD");
    expect(price).toBe(expected);
    expect(Number.isInteger(price)).toBe(true);
  });

  it.each([
    [{ markupPercent: 0, fixedFeeMinor: 0, minMarginMinor: 100, rounding: "99" }],
    [{ markupPercent: 35, fixedFeeMinor: 50, minMarginMinor: 100, rounding: "99" }],
    [{ markupPercent: 12.5, fixedFeeMinor: 0, minMarginMinor: 250, rounding: "none" }],
    [{ markupPercent: 200, fixedFeeMinor: 99, minMarginMinor: 1, rounding: "99" }],
  ] as [PricingSettings][])("never goes below cost + minimum margin over a sweep of costs (%o)", (settings) => {
    for (let cost = 0; cost <= 20_000; cost += 7) {
      const price = retailPriceMinor(cost, settings, "USD");
      expect(marginMinor(price, cost)).toBeGreaterThanOrEqual(settings.minMarginMinor);
      if (settings.rounding === "99") expect(price % 100).toBe(99);
    }
  });

  it.each([
    [-1, standard],
    [1.5, standard],
    [Number.NaN, standard],
    [Number.MAX_SAFE_INTEGER, standard],
    [100, { ...standard, markupPercent: -5 }],
    [100, { ...standard, fixedFeeMinor: 0.5 }],
    [100, { ...standard, minMarginMinor: -1 }],
  ] as [number, PricingSettings][])("rejects cost %s with settings %o", (cost, settings) => {
    expect(() => retailPriceMinor(cost, settings, "USD")).toThrow(RangeError);
  });
});

describe("retailPriceMinor and Stripe's minimum charge", () => {
  const bare: PricingSettings = { markupPercent: 0, fixedFeeMinor: 0, minMarginMinor: 0, rounding: "none" };

  it.each([
    ["GBP", 5, 30],
    ["JPY", 1, 50],
    ["HUF", 1_000, 17_500],
    ["MXN", 500, 1_000],
    ["EUR", 49, 50],
    ["EUR", 51, 51],
    ["usd", 0, 50],
  ])("never quotes under Stripe's minimum: %s cost %i -> %i", (currency, cost, expected) => {
    expect(retailPriceMinor(cost, bare, currency)).toBe(expected);
  });

  it("refuses a currency Stripe publishes no minimum for: the shop cannot know what Stripe would accept", () => {
    expect(() => retailPriceMinor(100, bare, "TRY")).toThrow(RangeError);
    expect(stripeMinimumChargeMinor("TRY")).toBeUndefined();
    expect(stripeMinimumChargeMinor("gbp")).toBe(30);
  });

  it("keeps the same table as the Stripe stand-in, whose currencies Stripe all supports", () => {
    expect(Object.fromEntries(Object.entries(STRIPE_MINIMUM_CHARGE_MINOR).map(([code, minimum]) => [code.toLowerCase(), minimum]))).toEqual(MINIMUM_CHARGE_MINOR);
    expect(Object.keys(STRIPE_MINIMUM_CHARGE_MINOR).filter((code) => !SUPPORTED_CURRENCIES.has(code.toLowerCase()))).toEqual([]);
  });
});

describe("marginMinor", () => {
  it.each([
    [1499, 1000, 499],
    [1000, 1000, 0],
    [900, 1000, -100],
  ])("price %i, cost %i -> %i", (price, cost, expected) => {
    expect(marginMinor(price, cost)).toBe(expected);
  });
});

describe("formatMoney", () => {
  it.each([
    [499, "USD", "en", "$4.99"],
    [499, "usd", undefined, "$4.99"],
    [499, "EUR", "ru", "4,99\u00a0€"],
    [499, "EUR", "en", "€4.99"],
    [123456, "USD", "en", "$1,234.56"],
    [499, "TRY", "tr", "₺4,99"],
    [0, "GBP", "en", "£0.00"],
    [500, "JPY", "en", "¥500"],
  ])("%i %s in %s -> %s", (minor, currency, locale, expected) => {
    expect(formatMoney(minor, currency, locale)).toBe(expected);
  });
});

describe("price in Telegram Stars", () => {
  it("rounds the dollar price up to a whole Star, and has none for another currency or beyond an invoice's cap", async () => {
    const { starsPrice } = await import("../../src/pricing/index.ts");
    expect(starsPrice(499, "USD", 0.013)).toBe(384);
    expect(starsPrice(390, "USD", 0.013)).toBe(300);
    expect(starsPrice(391, "usd", 0.013)).toBe(301);
    expect(starsPrice(499, "EUR", 0.013)).toBeUndefined();
    expect(starsPrice(0, "USD", 0.013)).toBeUndefined();
    expect(starsPrice(10_000_000, "USD", 0.013)).toBeUndefined();
  });
});
