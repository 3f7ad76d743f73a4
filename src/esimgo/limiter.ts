import { setTimeout as sleep } from "node:timers/promises";

/**
 * At most `perSecond` request starts in any rolling window of `windowMs`, shared by all calls of one
 * client. The server counts arrivals in fixed 1 s windows; a rolling window on our side (plus a small
 * margin for network jitter) can never put more than the limit into any server window, while still
 * letting a burst use nearly the whole allowance.
 */
export class RequestLimiter {
  private readonly starts: number[] = [];
  private pausedUntil = 0;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly perSecond: number,
    private readonly windowMs = 1040,
  ) {}

  /** Resolves when this caller may start its request; callers are served in arrival order. */
  acquire(): Promise<void> {
    const turn = this.queue.then(() => this.waitForSlot());
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  /** Holds every caller until `untilMs` (epoch ms), e.g. after a 429 or when the server says 0 remain. */
  pauseUntil(untilMs: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, untilMs);
  }

  /** Reads X-Ratelimit-Remaining / X-Ratelimit-Reset: when the server has no tokens left, wait for its reset. */
  observe(headers: Record<string, string | string[] | undefined>): void {
    const remaining = Number(single(headers["x-ratelimit-remaining"]));
    if (!Number.isFinite(remaining) || remaining > 0) return;
    const resetAt = Date.parse(single(headers["x-ratelimit-reset"]) ?? "");
    const now = Date.now();
    // A reset far in the future is clock skew or nonsense: never stall longer than one window.
    const until = Number.isFinite(resetAt) ? Math.min(resetAt + 5, now + this.windowMs) : now + this.windowMs;
    this.pauseUntil(until);
  }

  private async waitForSlot(): Promise<void> {
    if (this.perSecond <= 0) return;
    for (;;) {
      const now = Date.now();
      const wait = Math.max(this.pausedUntil - now, this.windowWait(now));
      if (wait <= 0) break;
      await sleep(wait);
    }
    this.starts.push(Date.now());
    if (this.starts.length > this.perSecond) this.starts.shift();
  }

  private windowWait(now: number): number {
    if (this.starts.length < this.perSecond) return 0;
    const oldest = this.starts[this.starts.length - this.perSecond] ?? 0;
    return oldest + this.windowMs - now;
  }
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
