import { createHmac, timingSafeEqual } from "node:crypto";

/** What Meta sends in X-Hub-Signature-256: `sha256=` and the hex HMAC-SHA256 of the raw body with the app secret. */
export function signWhatsAppBody(rawBody: Uint8Array | string, appSecret: string): string {
  return `sha256=${createHmac("sha256", appSecret).update(rawBody).digest("hex")}`;
}

/** Checks the signature over the bytes exactly as received (re-encoded JSON would differ), in constant time. */
export function verifyWhatsAppSignature(rawBody: Uint8Array, header: string | undefined, appSecret: string): boolean {
  if (!header || !appSecret) return false;
  const expected = Buffer.from(signWhatsAppBody(rawBody, appSecret));
  const received = Buffer.from(header.trim().toLowerCase());
  return received.length === expected.length && timingSafeEqual(received, expected);
}
