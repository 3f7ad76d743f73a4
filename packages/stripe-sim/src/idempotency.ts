import { idempotencyMismatch, invalidRequest } from "./errors.ts";

export interface StoredResponse {
  status: number;
  body: unknown;
}

interface Entry extends StoredResponse {
  fingerprint: string;
  savedAtMs: number;
}

const MAX_KEY_LENGTH = 255;
/** Stripe prunes keys once they are at least 24 hours old; until then the first outcome stands. */
export const KEY_LIFETIME_MS = 24 * 60 * 60 * 1000;

/**
 * Stripe's idempotency layer: the outcome of the first request under a key (success or error, once the endpoint
 * started running) is replayed for the key's lifetime; other parameters or another endpoint under it are refused.
 */
export class IdempotencyStore {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly nowMs: () => number) {}

  static validateKey(key: string): void {
    if (key.length > MAX_KEY_LENGTH) throw invalidRequest(`Idempotency-Key must be at most ${MAX_KEY_LENGTH} characters long.`);
  }

  replay(key: string, fingerprint: string): StoredResponse | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (this.nowMs() - entry.savedAtMs >= KEY_LIFETIME_MS) {
      this.entries.delete(key);
      return undefined;
    }
    if (entry.fingerprint !== fingerprint) throw idempotencyMismatch(key);
    return { status: entry.status, body: entry.body };
  }

  save(key: string, fingerprint: string, response: StoredResponse): void {
    this.entries.set(key, { fingerprint, savedAtMs: this.nowMs(), status: response.status, body: response.body });
  }
}
