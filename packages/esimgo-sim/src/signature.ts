import { createHmac, timingSafeEqual } from "node:crypto";

/** X-Signature-SHA256 of a V3 callback: HMAC-SHA256 of the raw body keyed with the API key. */
export function signEsimGoBody(rawBody: string | Uint8Array, apiKey: string, encoding: "base64" | "hex" = "base64"): string {
  return createHmac("sha256", apiKey).update(rawBody).digest(encoding);
}

/** Checks a callback signature as a receiver would, in either encoding (for tests of the simulator itself). */
export function verifyEsimGoSignature(rawBody: string | Uint8Array, signature: string | undefined, apiKey: string): boolean {
  if (!signature) return false;
  const digest = createHmac("sha256", apiKey).update(rawBody).digest();
  return [digest.toString("base64"), digest.toString("hex")].some((expected) => sameText(signature.trim(), expected));
}

function sameText(a: string, b: string): boolean {
  const [left, right] = [Buffer.from(a), Buffer.from(b)];
  return left.length === right.length && timingSafeEqual(left, right);
}
