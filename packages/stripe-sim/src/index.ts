import { serve } from "@hono/node-server";
import { Hono } from "hono";
import type { Logger } from "pino";
import Stripe from "stripe";
import { registerApi, type ApiCall } from "./api.ts";
import { FaultPlan, type Fault } from "./faults.ts";
import { IdempotencyStore } from "./idempotency.ts";
import { Ledger, NO_REQUEST, type SessionRecord } from "./ledger.ts";
import { registerPages } from "./page.ts";
import type { CheckoutSession, Delivery, Refund, SignatureMode, StripeEvent } from "./types.ts";
import { WebhookDeliverer } from "./webhooks.ts";

export type { ApiCall } from "./api.ts";
export type { CheckoutSession, Charge, Delivery, LineItem, PaymentIntent, Refund, SignatureMode, StripeEvent } from "./types.ts";
export { signatureHeader } from "./webhooks.ts";
export type { Fault, FaultKind } from "./faults.ts";

/** The events a shop's endpoint subscribes to; Stripe delivers only what an endpoint enabled. */
export const DEFAULT_ENABLED_EVENTS: readonly string[] = [
  "checkout.session.completed",
  "checkout.session.async_payment_succeeded",
  "checkout.session.async_payment_failed",
  "checkout.session.expired",
  "charge.refunded",
  "refund.updated",
  "refund.failed",
];

export interface StripeSimOptions {
  /** The accepted bearer key; by default any key starting with `sk_test_`. */
  secretKey?: string;
  webhookSecret: string;
  webhookUrl?: string;
  /** Base of the hosted page URLs; by default the URL the API request arrived at (+ mountPath). */
  publicBaseUrl?: string;
  /** e.g. "/sandbox/stripe" when the app is mounted inside another app. */
  mountPath?: string;
  /** Default true. */
  sandboxBanner?: boolean;
  /** Shown after paying or cancelling instead of the return-to-Telegram link, when the chat is elsewhere. */
  returnHint?: string;
  /** Default true: a timer expires sessions at `expires_at`. */
  autoExpire?: boolean;
  /** Event types POSTed to the webhook URL (all are recorded in `events()`); `["*"]` for every type. */
  enabledEvents?: readonly string[];
  /** Waits before re-POSTing an event the receiver did not acknowledge; default [250, 1000, 4000]. */
  webhookRetryDelaysMs?: readonly number[];
  /** Default 10 s, after which an attempt counts as failed (status 0). */
  webhookTimeoutMs?: number;
  /** The API version stamped on events; default the installed SDK's. */
  apiVersion?: string;
  /** Milliseconds since the epoch; lets tests move session expiry without waiting. Signatures always use the wall clock. */
  clock?: () => number;
  logger?: Logger;
}

export interface StripeSimControl {
  setWebhookUrl(url: string | undefined): void;
  sessions(): CheckoutSession[];
  session(id: string): CheckoutSession | undefined;
  /** Like the customer paying; resolves once the webhook for it got its first answer. */
  pay(sessionId: string, opts?: { async?: boolean }): Promise<void>;
  asyncPaymentSucceeded(sessionId: string): Promise<void>;
  asyncPaymentFailed(sessionId: string): Promise<void>;
  expire(sessionId: string): Promise<void>;
  refunds(): Refund[];
  failRefunds(on: boolean): void;
  events(): StripeEvent[];
  deliveries(): Delivery[];
  deliver(eventId: string, opts?: { times?: number; concurrently?: boolean; signature?: SignatureMode }): Promise<number[]>;
  apiCalls(): ApiCall[];
  /** Resolves when no webhook POST is in flight or waiting for a retry. */
  idle(): Promise<void>;
  /** Scripts API failures (500 before processing, or a response lost after processing). */
  injectFault(fault: Fault): void;
  clearFaults(): void;
}

export interface StripeSim {
  app: Hono;
  control: StripeSimControl;
  close(): void;
}

const MAX_TIMER_MS = 2 ** 31 - 1;

export function createStripeSim(opts: StripeSimOptions): StripeSim {
  let webhookUrl = opts.webhookUrl;
  let refundsFail = false;
  const calls: ApiCall[] = [];
  const faults = new FaultPlan();
  const nowMs = opts.clock ?? Date.now;
  const enabled = new Set(opts.enabledEvents ?? DEFAULT_ENABLED_EVENTS);
  const deliverer = new WebhookDeliverer({
    secret: opts.webhookSecret,
    url: () => webhookUrl,
    isEnabled: (type) => enabled.has("*") || enabled.has(type),
    retryDelaysMs: opts.webhookRetryDelaysMs ?? [250, 1_000, 4_000],
    timeoutMs: opts.webhookTimeoutMs ?? 10_000,
    ...(opts.logger ? { logger: opts.logger } : {}),
  });
  const expiryTimers = new Set<NodeJS.Timeout>();
  const ledger: Ledger = new Ledger({
    nowMs,
    apiVersion: opts.apiVersion ?? Stripe.API_VERSION,
    pendingWebhooksFor: (type) => (deliverer.willDeliver(type) ? 1 : 0),
    publish: (event) => deliverer.schedule(event),
    refundsFail: () => refundsFail,
    sessionCreated: (record) => {
      if (opts.autoExpire !== false) scheduleExpiry(record);
    },
  });

  function scheduleExpiry(record: SessionRecord): void {
    const delay = Math.min(Math.max(record.session.expires_at * 1000 - nowMs(), 0), MAX_TIMER_MS);
    const timer = setTimeout(() => {
      expiryTimers.delete(timer);
      ledger.expireIfDue(record);
    }, delay);
    timer.unref();
    expiryTimers.add(timer);
  }

  const app = new Hono();
  const mountPath = (opts.mountPath ?? "").replace(/\/+$/, "");
  registerApi(app, {
    ledger,
    idempotency: new IdempotencyStore(),
    isAcceptedKey: (key) => (opts.secretKey !== undefined ? key === opts.secretKey : key.startsWith("sk_test_") && key.length > "sk_test_".length),
    recordCall: (call) => calls.push(call),
    pageBaseFor: (requestUrl) => (opts.publicBaseUrl ?? new URL(requestUrl).origin + mountPath).replace(/\/+$/, ""),
    apiVersion: opts.apiVersion ?? Stripe.API_VERSION,
    faults,
  });
  registerPages(app, {
    ledger,
    sandboxBanner: opts.sandboxBanner ?? true,
    ...(opts.returnHint ? { returnHint: opts.returnHint } : {}),
    awaitFirstDeliveries: (events) => deliverer.firstAttemptsOf(events),
  });

  const settle = async (events: readonly StripeEvent[]) => deliverer.firstAttemptsOf(events);
  const control: StripeSimControl = {
    setWebhookUrl: (url) => {
      webhookUrl = url;
    },
    sessions: () => ledger.sessions().map((record) => structuredClone(ledger.findSession(record.session.id)?.session ?? record.session)),
    session: (id) => {
      const record = ledger.findSession(id);
      return record ? structuredClone(record.session) : undefined;
    },
    pay: async (sessionId, payOptions) => settle(ledger.completeSession(sessionId, { async: payOptions?.async ?? false }).events),
    asyncPaymentSucceeded: async (sessionId) => settle(ledger.settleAsyncPayment(sessionId, true).events),
    asyncPaymentFailed: async (sessionId) => settle(ledger.settleAsyncPayment(sessionId, false).events),
    expire: async (sessionId) => settle(ledger.expireSession(sessionId, NO_REQUEST).events),
    refunds: () => ledger.refunds(),
    failRefunds: (on) => {
      refundsFail = on;
    },
    events: () => structuredClone(ledger.events()),
    deliveries: () => deliverer.deliveries(),
    deliver: async (eventId, deliverOptions) => {
      const event = ledger.event(eventId);
      if (!event) throw new Error(`stripe-sim: no event ${eventId}`);
      return deliverer.redeliver(event, deliverOptions ?? {});
    },
    apiCalls: () => calls.map((call) => ({ ...call })),
    idle: () => deliverer.idle(),
    injectFault: (fault) => faults.add(fault),
    clearFaults: () => faults.clear(),
  };

  const close = () => {
    for (const timer of expiryTimers) clearTimeout(timer);
    expiryTimers.clear();
    deliverer.close();
  };
  return { app, control, close };
}

export interface StartedStripeSim {
  /** e.g. http://127.0.0.1:PORT (the STRIPE_API_URL setting). */
  apiUrl: string;
  control: StripeSimControl;
  close(): Promise<void>;
}

export async function startStripeSim(opts: StripeSimOptions & { port?: number; host?: string }): Promise<StartedStripeSim> {
  const sim = createStripeSim(opts);
  const host = opts.host ?? "127.0.0.1";
  const { server, port } = await new Promise<{ server: ReturnType<typeof serve>; port: number }>((resolve, reject) => {
    const started = serve({ fetch: sim.app.fetch, port: opts.port ?? 0, hostname: host }, (info) => resolve({ server: started, port: info.port }));
    started.once("error", reject);
  });
  const close = async () => {
    sim.close();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      if ("closeAllConnections" in server) server.closeAllConnections();
    });
  };
  return { apiUrl: `http://${host.includes(":") ? `[${host}]` : host}:${port}`, control: sim.control, close };
}
