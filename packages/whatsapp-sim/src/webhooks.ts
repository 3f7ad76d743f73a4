import { createHmac, randomInt } from "node:crypto";
import type { DeliveryKind, HandshakeResult, WebhookDelivery } from "./types.ts";

/** What Meta sends in X-Hub-Signature-256: "sha256=" and the hex HMAC-SHA256 of the raw body with the app secret. */
export function signBody(rawBody: string | Uint8Array, appSecret: string, algorithm: "sha256" | "sha1" = "sha256"): string {
  return `${algorithm}=${createHmac(algorithm, appSecret).update(rawBody).digest("hex")}`;
}

export type Signing = "valid" | "wrong" | "missing";

export interface WebhookPosterDeps {
  appSecret: string;
  url(): string | undefined;
  retryDelaysMs: readonly number[];
  timeoutMs: number;
  now(): number;
}

export interface WebhookPoster {
  /** The webhook URL, or an error saying none is set. */
  requireUrl(): string;
  /** Posts a signed body; resolves the first answer's status while retries (non-2xx) go on in the background. */
  deliver(body: string, meta: { kind: DeliveryKind; messageIds: string[] }): Promise<number>;
  /** Posts once, no retries (forged and unsigned bodies, redeliveries). */
  postOnce(body: string, signing: Signing, meta: { kind: DeliveryKind; messageIds: string[] }): Promise<number>;
  handshake(verifyToken: string): Promise<HandshakeResult>;
  deliveries(): WebhookDelivery[];
  idle(): Promise<void>;
  close(): void;
}

/** At-least-once delivery as Meta does it: signed POSTs, retried with backoff until the product answers 2xx. */
export function createWebhookPoster(deps: WebhookPosterDeps): WebhookPoster {
  const log: WebhookDelivery[] = [];
  const inFlight = new Set<Promise<unknown>>();
  const timers = new Set<{ timer: NodeJS.Timeout; release: () => void }>();
  let closed = false;

  function track<T>(promise: Promise<T>): Promise<T> {
    inFlight.add(promise);
    const forget = () => inFlight.delete(promise);
    promise.then(forget, forget);
    return promise;
  }

  function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const pending = {
        timer: setTimeout(() => {
          timers.delete(pending);
          resolve();
        }, ms),
        release: resolve,
      };
      pending.timer.unref();
      timers.add(pending);
    });
  }

  function headersFor(body: string, signing: Signing): Record<string, string> {
    const headers: Record<string, string> = { "content-type": "application/json", "user-agent": "facebookexternalua" };
    if (signing === "missing") return headers;
    const secret = signing === "valid" ? deps.appSecret : `${deps.appSecret}-forged`;
    headers["x-hub-signature-256"] = signBody(body, secret);
    headers["x-hub-signature"] = signBody(body, secret, "sha1");
    return headers;
  }

  async function attempt(url: string, body: string, signing: Signing, meta: { kind: DeliveryKind; messageIds: string[] }, number: number): Promise<number> {
    let status = 0;
    try {
      const response = await fetch(url, { method: "POST", headers: headersFor(body, signing), body, signal: AbortSignal.timeout(deps.timeoutMs) });
      await response.arrayBuffer();
      status = response.status;
    } catch {
      status = 0;
    }
    log.push({ seq: log.length + 1, kind: meta.kind, attempt: number, status, at: deps.now(), messageIds: [...meta.messageIds] });
    return status;
  }

  async function retry(url: string, body: string, meta: { kind: DeliveryKind; messageIds: string[] }): Promise<void> {
    for (const [index, delay] of deps.retryDelaysMs.entries()) {
      await sleep(delay);
      if (closed) return;
      if (isSuccess(await attempt(url, body, "valid", meta, index + 2))) return;
    }
  }

  const requireUrl = () => {
    const url = deps.url();
    if (url === undefined) throw new Error("whatsapp-sim: no webhook URL is set (PUT /__control/webhook-url)");
    return url;
  };

  return {
    requireUrl,
    deliver(body, meta) {
      const url = requireUrl();
      const first = track(attempt(url, body, "valid", meta, 1));
      track(first.then((status) => (isSuccess(status) || closed ? undefined : retry(url, body, meta))));
      return first;
    },
    postOnce(body, signing, meta) {
      return track(attempt(requireUrl(), body, signing, meta, 1));
    },
    async handshake(verifyToken) {
      const url = requireUrl();
      const challenge = String(randomInt(100_000_000, 2_000_000_000));
      const target = new URL(url);
      target.searchParams.set("hub.mode", "subscribe");
      target.searchParams.set("hub.verify_token", verifyToken);
      target.searchParams.set("hub.challenge", challenge);
      try {
        const response = await fetch(target, { headers: { "user-agent": "facebookplatform/1.0 (+http://developers.facebook.com)" }, signal: AbortSignal.timeout(deps.timeoutMs) });
        const body = await response.text();
        return { ok: response.status === 200 && body === challenge, status: response.status, body: body.slice(0, 1000), challenge, url: target.toString() };
      } catch (error) {
        return { ok: false, status: 0, body: error instanceof Error ? error.message : String(error), challenge, url: target.toString() };
      }
    },
    deliveries: () => log.map((entry) => ({ ...entry, messageIds: [...entry.messageIds] })),
    async idle() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
    close() {
      closed = true;
      for (const pending of timers) {
        clearTimeout(pending.timer);
        pending.release();
      }
      timers.clear();
    },
  };
}

function isSuccess(status: number): boolean {
  return status >= 200 && status < 300;
}
