import { setTimeout as sleep } from "node:timers/promises";

/** Fulfilment (placing, reconciling, install details) before browsing (compatibility, validation, usage, sync). */
export type Priority = "high" | "low";

/**
 * At most `perSecond` request starts in any rolling window of `windowMs`, shared by all calls of one
 * client. The server counts arrivals in fixed 1 s windows; a rolling window on our side (plus a small
 * margin for network jitter) can never put more than the limit into any server window, while still
 * letting a burst use nearly the whole allowance.
 *
 * Two queues share the budget: a waiting high-priority call always goes first, and low-priority calls may use only
 * the budget minus a reserve, so one customer's browsing can never hold up a paid order.
 */
export class RequestLimiter {
  private readonly starts: number[] = [];
  private pausedUntil = 0;
  private readonly waiting: Record<Priority, (() => void)[]> = { high: [], low: [] };
  private pumping = false;
  private readonly reserve: number;

  constructor(
    private readonly perSecond: number,
    private readonly windowMs = 1100,
    /** Share of the budget kept for high-priority calls. */
    reserveShare = 0.3,
  ) {
    this.reserve = perSecond > 1 ? Math.max(1, Math.floor(perSecond * reserveShare)) : 0;
  }

  /** Resolves when this caller may start its request; within a priority, callers are served in arrival order. */
  acquire(priority: Priority = "high"): Promise<void> {
    if (this.perSecond <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      this.waiting[priority].push(resolve);
      void this.pump();
    });
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

  /** One loop hands out slots; a high-priority caller arriving while it sleeps is served at the next wake-up. */
  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      for (;;) {
        const priority: Priority | undefined = this.waiting.high.length > 0 ? "high" : this.waiting.low.length > 0 ? "low" : undefined;
        if (!priority) return;
        const now = Date.now();
        const limit = priority === "high" ? this.perSecond : this.perSecond - this.reserve;
        const wait = Math.max(this.pausedUntil - now, this.windowWait(now, limit));
        if (wait > 0) {
          // Short naps: a high-priority caller that arrives meanwhile need not wait out a low one's turn.
          await sleep(Math.min(wait, 50));
          continue;
        }
        this.starts.push(now);
        if (this.starts.length > this.perSecond) this.starts.shift();
        this.waiting[priority].shift()?.();
      }
    } finally {
      this.pumping = false;
    }
  }

  /** How long until fewer than `limit` requests started within the window. */
  private windowWait(now: number, limit: number): number {
    if (limit <= 0) return this.windowMs;
    if (this.starts.length < limit) return 0;
    const oldest = this.starts[this.starts.length - limit] ?? 0;
    return oldest + this.windowMs - now;
  }
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
