/**
 * Stripe's minimum charge per presentment currency, in minor units (docs.stripe.com/currencies, "Minimum and maximum
 * charge amounts"). Stripe refuses a Checkout Session below it, so no price under it is ever quoted. The Stripe
 * stand-in keeps the same table (test/pricing/stripe-minimums.test.ts compares them).
 */
export const STRIPE_MINIMUM_CHARGE_MINOR: Readonly<Record<string, number>> = {
  USD: 50,
  AED: 200,
  AUD: 50,
  BGN: 100,
  BRL: 50,
  CAD: 50,
  CHF: 50,
  CZK: 1500,
  DKK: 250,
  EUR: 50,
  GBP: 30,
  HKD: 400,
  HUF: 17500,
  INR: 50,
  JPY: 50,
  MXN: 1000,
  MYR: 200,
  NOK: 300,
  NZD: 50,
  PLN: 200,
  RON: 200,
  SEK: 300,
  SGD: 50,
  THB: 1000,
};

/**
 * The smallest amount Stripe charges in this currency; undefined when Stripe publishes none (it then converts to the
 * account's settlement currency and applies that minimum, which the shop cannot know).
 */
export function stripeMinimumChargeMinor(currency: string): number | undefined {
  return STRIPE_MINIMUM_CHARGE_MINOR[currency.toUpperCase()];
}
