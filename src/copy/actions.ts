import { createHash } from "node:crypto";
import type { Language } from "../customers/index.ts";

/**
 * Callback data is opaque, short and carries no prices: a bundle travels as a short stable hash of its
 * name, looked up again among the current offers of the country in the same data.
 */
export const MAX_CALLBACK_BYTES = 64;

export type NavTarget = "menu" | "buy" | "esims" | "help" | "lang" | "regions";

// Every offers screen hashes each of its bundles; names come from the catalogue, so the map stays small.
const bundleKeys = new Map<string, string>();

export function bundleKey(bundleName: string): string {
  let key = bundleKeys.get(bundleName);
  if (key === undefined) {
    key = createHash("sha256").update(bundleName).digest("base64url").slice(0, 10);
    bundleKeys.set(bundleName, key);
  }
  return key;
}

function checked(data: string): string {
  if (Buffer.byteLength(data, "utf8") > MAX_CALLBACK_BYTES) throw new RangeError(`callback data longer than ${MAX_CALLBACK_BYTES} bytes: ${data}`);
  return data;
}

export const callbackData = {
  nav: (target: NavTarget) => checked(`n:${target}`),
  region: (region: string, page: number) => checked(`r:${region}:${page}`),
  offers: (iso2: string, page: number) => checked(`o:${iso2}:${page}`),
  /** The plan chooser: trip length first, then data, then the best offers. */
  chooseTrip: (iso2: string) => checked(`q:${iso2}`),
  chooseData: (iso2: string, trip: string) => checked(`qt:${iso2}:${trip}`),
  bestOffers: (iso2: string, trip: string, data: string) => checked(`qb:${iso2}:${trip}:${data}`),
  details: (iso2: string, bundleName: string) => checked(`b:${iso2}:${bundleKey(bundleName)}`),
  confirm: (iso2: string, bundleName: string) => checked(`k:${iso2}:${bundleKey(bundleName)}`),
  /** The price travels only to notice that it changed since the customer saw it; what is charged comes from the database. */
  pay: (iso2: string, bundleName: string, shownPriceMinor: number) => checked(`p:${iso2}:${bundleKey(bundleName)}:${shownPriceMinor}`),
  /** Pay in Telegram Stars; as for `pay`, the card price shown only tells whether it changed since. */
  payStars: (iso2: string, bundleName: string, shownPriceMinor: number) => checked(`ps:${iso2}:${bundleKey(bundleName)}:${shownPriceMinor}`),
  esims: (page: number) => checked(`m:${page}`),
  esim: (iccid: string) => checked(`e:${iccid}`),
  resend: (iccid: string) => checked(`eq:${iccid}`),
  refreshUsage: (iccid: string) => checked(`eu:${iccid}`),
  topUp: (iccid: string) => checked(`et:${iccid}`),
  topUpConfirm: (iccid: string, iso2: string, bundleName: string) => checked(`tk:${iccid}:${iso2}:${bundleKey(bundleName)}`),
  topUpPay: (iccid: string, iso2: string, bundleName: string, shownPriceMinor: number) =>
    checked(`tp:${iccid}:${iso2}:${bundleKey(bundleName)}:${shownPriceMinor}`),
  language: (language: Language) => checked(`l:${language}`),
  payAgain: (orderId: number) => checked(`a:${orderId}`),
  /** The customer confirmed erasing their data. */
  eraseConfirmed: "dd:y",
  priceAccepted: "cc:y",
  priceRejected: "cc:n",
} as const;

const ISO = "([A-Z]{2})";
const KEY = "([A-Za-z0-9_-]{10})";
const PAGE = "(\\d{1,4})";
const ICCID = "([0-9A-Fa-f]{10,22})";
const AMOUNT = "(\\d{1,9})";

/** Patterns of the callback data above; anything else is stale or forged. */
export const callbackPattern = {
  nav: /^n:(menu|buy|esims|help|lang|regions)$/,
  region: new RegExp(`^r:([a-z_]{2,20}):${PAGE}$`),
  offers: new RegExp(`^o:${ISO}:${PAGE}$`),
  chooseTrip: new RegExp(`^q:${ISO}$`),
  chooseData: new RegExp(`^qt:${ISO}:([wfml])$`),
  bestOffers: new RegExp(`^qb:${ISO}:([wfml]):([smlu])$`),
  details: new RegExp(`^b:${ISO}:${KEY}$`),
  confirm: new RegExp(`^k:${ISO}:${KEY}$`),
  pay: new RegExp(`^p:${ISO}:${KEY}:${AMOUNT}$`),
  payStars: new RegExp(`^ps:${ISO}:${KEY}:${AMOUNT}$`),
  esims: new RegExp(`^m:${PAGE}$`),
  esim: new RegExp(`^e:${ICCID}$`),
  resend: new RegExp(`^eq:${ICCID}$`),
  refreshUsage: new RegExp(`^eu:${ICCID}$`),
  topUp: new RegExp(`^et:${ICCID}$`),
  topUpConfirm: new RegExp(`^tk:${ICCID}:${ISO}:${KEY}$`),
  topUpPay: new RegExp(`^tp:${ICCID}:${ISO}:${KEY}:${AMOUNT}$`),
  language: /^l:(en|ru|tr)$/,
  payAgain: /^a:(\d{1,12})$/,
} as const;

const CHECKOUT_PATTERNS = [callbackPattern.pay, callbackPattern.payStars, callbackPattern.topUpPay, callbackPattern.payAgain];

/** Buttons that start the checkout conversation or answer its question. */
export function isCheckoutData(data: string): boolean {
  return data === callbackData.priceAccepted || data === callbackData.priceRejected || CHECKOUT_PATTERNS.some((pattern) => pattern.test(data));
}

export function pageNumber(text: string | undefined): number {
  const page = Number(text ?? "0");
  return Number.isSafeInteger(page) && page >= 0 ? page : 0;
}
