import { idempotencyMismatch, invalidRequest } from "./errors.ts";

export interface StoredResponse {
  status: number;
  body: unknown;
}

interface Entry extends StoredResponse {
  fingerprint: string;
}

const MAX_KEY_LENGTH = 255;

/** Stripe's idempotency: one key (per API key) replays its first response; other parameters under it are refused. */
export class IdempotencyStore {
  private readonly entries = new Map<string, Entry>();

  static validateKey(key: string): void {
    if (key.length > MAX_KEY_LENGTH) throw invalidRequest(`Idempotency-Key must be at most ${MAX_KEY_LENGTH} characters long.`);
  }

  replay(apiKey: string, key: string, fingerprint: string): StoredResponse | undefined {
    const entry = this.entries.get(storageKey(apiKey, key));
    if (!entry) return undefined;
    if (entry.fingerprint !== fingerprint) throw idempotencyMismatch(key);
    return { status: entry.status, body: entry.body };
  }

  save(apiKey: string, key: string, fingerprint: string, response: StoredResponse): void {
    this.entries.set(storageKey(apiKey, key), { fingerprint, ...response });
  }
}

function storageKey(apiKey: string, key: string): string {
  return `${apiKey}\u0000${key}`;
}
