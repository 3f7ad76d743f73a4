import { createHmac } from "node:crypto";
import type { Delivery, SignatureMode, SimLogger, StripeEvent } from "./types.ts";

/** Stripe's scheme: `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<payload>")>`. */
export function signatureHeader(payload: string, secret: string, timestampSeconds: number): string {
  const signature = createHmac("sha256", secret).update(`${timestampSeconds}.${payload}`).digest("hex");
  return `t=${timestampSeconds},v1=${signature}`;
}

export interface WebhookSettings {
  secret: string;
  url: () => string | undefined;
  isEnabled: (type: string) => boolean;
  retryDelaysMs: readonly number[];
  timeoutMs: number;
  logger?: SimLogger;
}

const STALE_SECONDS = 600;

interface PendingTimer {
  timer: NodeJS.Timeout;
  release: () => void;
}

/** At-least-once delivery: each event is POSTed once, and again with backoff while the receiver answers non-2xx. */
export class WebhookDeliverer {
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly timers = new Set<PendingTimer>();
  private readonly firstAttempts = new Map<string, Promise<number>>();
  private readonly log: Delivery[] = [];
  private readonly attempts = new Map<string, number>();
  private closed = false;

  constructor(private readonly settings: WebhookSettings) {}

  willDeliver(type: string): boolean {
    return this.settings.url() !== undefined && this.settings.isEnabled(type);
  }

  /** Starts delivering in the background; never awaited by API handlers. */
  schedule(event: StripeEvent): void {
    if (this.closed || !this.willDeliver(event.type)) return;
    const first = this.track(this.attempt(event, "valid"));
    this.firstAttempts.set(event.id, first);
    this.track(first.then((status) => (isSuccess(status) ? undefined : this.retry(event, 0))));
  }

  /** Resolves once the first POST of each event got its answer (retries may still follow). */
  async firstAttemptsOf(events: readonly StripeEvent[]): Promise<void> {
    await Promise.allSettled(events.map((event) => this.firstAttempts.get(event.id)));
  }

  async redeliver(event: StripeEvent, options: { times?: number; concurrently?: boolean; signature?: SignatureMode }): Promise<number[]> {
    if (this.settings.url() === undefined) throw new Error("stripe-sim: no webhook URL is set");
    const times = options.times ?? 1;
    const signature = options.signature ?? "valid";
    if (options.concurrently) {
      return Promise.all(Array.from({ length: times }, () => this.track(this.attempt(event, signature))));
    }
    const statuses: number[] = [];
    for (let i = 0; i < times; i += 1) statuses.push(await this.track(this.attempt(event, signature)));
    return statuses;
  }

  deliveries(): Delivery[] {
    return this.log.map((delivery) => ({ ...delivery }));
  }

  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  close(): void {
    this.closed = true;
    for (const pending of this.timers) {
      clearTimeout(pending.timer);
      pending.release();
    }
    this.timers.clear();
  }

  private async retry(event: StripeEvent, retryIndex: number): Promise<void> {
    const delay = this.settings.retryDelaysMs[retryIndex];
    if (delay === undefined) {
      this.settings.logger?.warn({ eventId: event.id, type: event.type }, "stripe-sim: webhook not acknowledged, giving up");
      return;
    }
    await this.sleep(delay);
    if (this.closed || this.settings.url() === undefined) return;
    const status = await this.attempt(event, "valid");
    if (!isSuccess(status)) await this.retry(event, retryIndex + 1);
  }

  private async attempt(event: StripeEvent, signature: SignatureMode): Promise<number> {
    const url = this.settings.url();
    if (url === undefined) return 0;
    const attempt = (this.attempts.get(event.id) ?? 0) + 1;
    this.attempts.set(event.id, attempt);
    const status = await this.post(url, JSON.stringify(event, null, 2), signature);
    this.log.push({ eventId: event.id, type: event.type, status, attempt });
    if (!isSuccess(status)) this.settings.logger?.warn({ eventId: event.id, type: event.type, status, attempt }, "stripe-sim: webhook delivery failed");
    return status;
  }

  private async post(url: string, payload: string, mode: SignatureMode): Promise<number> {
    const headers: Record<string, string> = {
      "content-type": "application/json; charset=utf-8",
      "user-agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
    };
    const header = this.signatureFor(payload, mode);
    if (header !== undefined) headers["stripe-signature"] = header;
    try {
      const response = await fetch(url, { method: "POST", headers, body: payload, signal: AbortSignal.timeout(this.settings.timeoutMs) });
      await response.arrayBuffer();
      return response.status;
    } catch {
      return 0;
    }
  }

  private signatureFor(payload: string, mode: SignatureMode): string | undefined {
    // The wall clock, never a test clock: receivers check the timestamp against their own time.
    const now = Math.floor(Date.now() / 1000);
    switch (mode) {
      case "missing":
        return undefined;
      case "wrong":
        return signatureHeader(payload, `${this.settings.secret}_wrong`, now);
      case "stale":
        return signatureHeader(payload, this.settings.secret, now - STALE_SECONDS);
      case "valid":
        return signatureHeader(payload, this.settings.secret, now);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const pending: PendingTimer = {
        timer: setTimeout(() => {
          this.timers.delete(pending);
          resolve();
        }, ms),
        release: resolve,
      };
      pending.timer.unref();
      this.timers.add(pending);
    });
  }

  private track<T>(promise: Promise<T>): Promise<T> {
    this.inFlight.add(promise);
    const forget = () => this.inFlight.delete(promise);
    promise.then(forget, forget);
    return promise;
  }
}

function isSuccess(status: number): boolean {
  return status >= 200 && status < 300;
}
