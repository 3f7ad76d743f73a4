import { randomBytes } from "node:crypto";

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

function randomToken(length: number): string {
  const bytes = randomBytes(length);
  let token = "";
  for (const byte of bytes) token += ALPHABET[byte % ALPHABET.length];
  return token;
}

/** Ids shaped like Stripe's test-mode ids (prefix + random base62). */
export const newId = {
  session: () => `cs_test_${randomToken(58)}`,
  paymentIntent: () => `pi_${randomToken(24)}`,
  charge: () => `ch_${randomToken(24)}`,
  refund: () => `re_${randomToken(24)}`,
  paymentMethod: () => `pm_${randomToken(24)}`,
  balanceTransaction: () => `txn_${randomToken(24)}`,
  /** The 23-digit ARN a card network gives a refund. */
  acquirerReference: () => Array.from(randomBytes(23), (byte) => String(byte % 10)).join(""),
  clientSecret: (paymentIntentId: string) => `${paymentIntentId}_secret_${randomToken(25)}`,
  event: () => `evt_${randomToken(24)}`,
  request: () => `req_${randomToken(14)}`,
  promotionCode: () => `promo_${randomToken(24)}`,
  coupon: () => randomToken(8),
  lineItem: () => `li_${randomToken(24)}`,
};
