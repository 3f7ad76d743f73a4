import { randomBytes, randomInt } from "node:crypto";

/** A business-scoped user id: two letters, a dot, an optional "ENT.", up to 128 letters and digits. */
export const BSUID_PATTERN = /^[A-Z]{2}\.(ENT\.)?[A-Za-z0-9]{1,128}$/;
/** A wa_id: the phone number in digits, country code first. */
export const WA_ID_PATTERN = /^\d{6,15}$/;

export function wamid(): string {
  return `wamid.${randomBytes(30).toString("base64").replace(/[+/=]/g, "")}`;
}

export function fbtraceId(): string {
  return randomBytes(8).toString("base64url");
}

function digits(count: number): string {
  let out = String(randomInt(1, 10));
  while (out.length < count) out += String(randomInt(0, 10));
  return out;
}

/** Graph object ids are long decimal numbers. */
export function mediaId(): string {
  return digits(16);
}

const COUNTRY_BY_DIALLING_CODE: [string, string][] = [
  ["44", "GB"],
  ["49", "DE"],
  ["90", "TR"],
  ["33", "FR"],
  ["34", "ES"],
  ["39", "IT"],
  ["7", "RU"],
  ["1", "US"],
];

/** Meta starts a BSUID with the user's country (ISO 3166 alpha-2). */
export function bsuid(waId: string | undefined): string {
  const country = waId ? (COUNTRY_BY_DIALLING_CODE.find(([prefix]) => waId.startsWith(prefix))?.[1] ?? "US") : "US";
  return `${country}.${digits(20)}`;
}

/** Length as WhatsApp counts it: Unicode code points, not UTF-16 units. */
export function codePoints(text: string): number {
  let count = 0;
  for (const _ of text) count += 1;
  return count;
}

export function unixSeconds(ms: number): string {
  return String(Math.floor(ms / 1000));
}
