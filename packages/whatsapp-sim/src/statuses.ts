import { randomInt } from "node:crypto";
import { type Business, metaJson, statusBody } from "./payloads.ts";
import type { DeliveryStatus, SentMessage, SimUser, StatusMode } from "./types.ts";
import type { WebhookPoster } from "./webhooks.ts";

const PROGRESSION: DeliveryStatus[] = ["sent", "delivered", "read"];

export const DEFAULT_STATUS_MODE: StatusMode = { upTo: "read", order: "in-order", duplicates: false };

export interface StatusReporterDeps {
  business: Business;
  poster: WebhookPoster;
  now(): number;
  delayMs: number;
  mode: StatusMode;
}

export interface StatusReporter {
  /** The statuses that follow an accepted send, or one `failed` (with its code) for a message that cannot arrive. */
  follow(message: SentMessage, user: SimUser, failedCode?: number): void;
  /** One status callback now; resolves the product's answer. */
  post(message: SentMessage, user: SimUser, status: DeliveryStatus | "failed", errorCode?: number): Promise<number>;
  setMode(mode: Partial<StatusMode>): StatusMode;
  mode(): StatusMode;
  idle(): Promise<void>;
  close(): void;
}

/** The order a message's statuses are posted in, each one its own POST, as the mode says. */
export function statusSequence(mode: StatusMode): DeliveryStatus[] {
  const reached = mode.upTo === "none" ? [] : PROGRESSION.slice(0, PROGRESSION.indexOf(mode.upTo) + 1);
  const ordered = mode.order === "reversed" ? [...reached].reverse() : mode.order === "shuffled" ? shuffle(reached) : reached;
  return mode.duplicates ? ordered.flatMap((status) => [status, status]) : ordered;
}

function shuffle<T>(items: T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i -= 1) {
    const j = randomInt(0, i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

export function createStatusReporter(deps: StatusReporterDeps): StatusReporter {
  let mode: StatusMode = { ...deps.mode };
  const chains = new Set<Promise<void>>();
  const timers = new Set<NodeJS.Timeout>();
  let closed = false;

  async function post(message: SentMessage, user: SimUser, status: DeliveryStatus | "failed", errorCode?: number, at = deps.now()): Promise<number> {
    const body = metaJson(statusBody(deps.business, { message, user, status, at, ...(errorCode !== undefined ? { errorCode } : {}) }));
    message.statuses.push(status);
    return deps.poster.deliver(body, { kind: "statuses", messageIds: [message.id] });
  }

  async function run(message: SentMessage, user: SimUser, failedCode: number | undefined): Promise<void> {
    if (closed) return;
    try {
      deps.poster.requireUrl();
    } catch {
      return; // no webhook URL: statuses go nowhere, as with an app not subscribed to the field
    }
    const sentAt = deps.now();
    if (failedCode !== undefined) {
      await post(message, user, "failed", failedCode, sentAt);
      return;
    }
    // Each status is stamped with when it happened, whatever order it is posted in.
    for (const status of statusSequence(mode)) {
      if (closed) return;
      await post(message, user, status, undefined, sentAt + PROGRESSION.indexOf(status) * 1000);
    }
  }

  return {
    follow(message, user, failedCode) {
      if (closed) return;
      let release: () => void = () => undefined;
      const chain = new Promise<void>((resolve) => (release = resolve));
      chains.add(chain);
      const timer = setTimeout(() => {
        timers.delete(timer);
        void run(message, user, failedCode)
          .catch(() => undefined)
          .finally(() => {
            chains.delete(chain);
            release();
          });
      }, deps.delayMs);
      timers.add(timer);
    },
    post: (message, user, status, errorCode) => post(message, user, status, errorCode),
    setMode(change) {
      mode = { ...mode, ...change };
      return { ...mode };
    },
    mode: () => ({ ...mode }),
    async idle() {
      while (chains.size > 0) await Promise.all([...chains]);
    },
    close() {
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      chains.clear();
    },
  };
}
