import { createHmac, timingSafeEqual } from "node:crypto";

export function signEsimGoBody(rawBody: string | Uint8Array, apiKey: string, encoding: "base64" | "hex" = "base64"): string {
  return createHmac("sha256", apiKey).update(rawBody).digest(encoding);
}

/**
 * V3 callbacks carry X-Signature-SHA256 = HMAC-SHA256(raw body, API key). The API reference shows
 * base64, the webhooks guide hex: accept either, compared in constant time.
 */
export function verifyEsimGoSignature(rawBody: string | Uint8Array, signatureHeader: string | undefined | null, apiKey: string): boolean {
  if (!signatureHeader || !apiKey) return false;
  const received = signatureHeader.trim();
  const digest = createHmac("sha256", apiKey).update(rawBody).digest();
  const base64Matches = sameBytes(Buffer.from(received), Buffer.from(digest.toString("base64")));
  const hexMatches = sameBytes(Buffer.from(received.toLowerCase()), Buffer.from(digest.toString("hex")));
  return base64Matches || hexMatches;
}

function sameBytes(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
