import { createStandIn, type FaultPlan, RequestLog, serveStandIn, type StandIn } from "@esim-shop/sim-kit";
import { Hono } from "hono";
import Stripe from "stripe";
import { type ApiCall, type ApiCallDetail, FAULT_ANSWERS, registerApi } from "./api.ts";
import { controlRoutes } from "./control.ts";
import { IdempotencyStore } from "./idempotency.ts";
import { Ledger, NO_REQUEST, type PromotionCode, type PromotionCodeInput, type SessionRecord } from "./ledger.ts";
import { registerPages } from "./page.ts";
import type { CheckoutSession, Delivery, Refund, SignatureMode, SimLogger, StripeEvent } from "./types.ts";
import { WebhookDeliverer } from "./webhooks.ts";

export { type ApiCall, FAULT_ANSWERS } from "./api.ts";
export type { PromotionCode, PromotionCodeInput } from "./ledger.ts";
export type { CheckoutSession, Charge, Delivery, LineItem, PaymentIntent, Refund, SignatureMode, SimLogger, StripeEvent } from "./types.ts";
export { signatureHeader } from "./webhooks.ts";
export { MAXIMUM_AMOUNT_MINOR, MINIMUM_CHARGE_MINOR, SUPPORTED_CURRENCIES } from "./currencies.ts";


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
  /** The account's secret key (`sk_test_…`, or a restricted `rk_test_…`): exactly this authenticates. Default `sk_test_stripeSimLocal`. */
  secretKey?: string;
  /** A restricted key (`rk_test_…`) of the same account, accepted beside the secret key. */
  restrictedKey?: string;
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
  logger?: SimLogger;
  /** The control API's bearer token; a random one by default. */
  controlToken?: string;
}

/** How the customer pays: a promotion code typed on the page; with Adaptive Pricing, a local currency at a fixed rate. */
export interface PayRequest {
  async?: boolean;
  promotionCode?: string;
  presentmentCurrency?: string;
  /** Units of `presentmentCurrency` per unit of the session's currency. */
  fxRate?: number;
}

export interface StripeSimControl {
  setWebhookUrl(url: string | undefined): void;
  sessions(): CheckoutSession[];
  session(id: string): CheckoutSession | undefined;
  /** Like the customer paying; resolves once the webhook for it got its first answer. */
  pay(sessionId: string, opts?: PayRequest): Promise<void>;
  /** A promotion code as the dashboard creates one (with its coupon): percent off, or an amount off in one currency. */
  createPromotionCode(input: PromotionCodeInput): PromotionCode;
  /** Deactivates (or reactivates) a code, by id or code. */
  setPromotionCodeActive(idOrCode: string, active: boolean): PromotionCode;
  promotionCodes(): PromotionCode[];
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
}

/** The stand-in before it listens. */
export interface StripeSim {
  /** The API, the hosted pages and the control API. */
  app: Hono;
  /** The hosted checkout pages alone (`/pay/...`), for mounting in another server so they are reachable at `publicBaseUrl`. */
  pages: Hono;
  control: StripeSimControl;
  faults: FaultPlan;
  requests: RequestLog<ApiCallDetail>;
  controlToken: string;
  /** Stops expiry timers and webhook retries. */
  close(): void;
}

const MAX_TIMER_MS = 2 ** 31 - 1;
export const DEFAULT_SECRET_KEY = "sk_test_stripeSimLocal";

/** The keys that authenticate, checked once: the stand-in is one test-mode account. */
function accountKeys(opts: Pick<StripeSimOptions, "secretKey" | "restrictedKey">): ReadonlySet<string> {
  const secretKey = opts.secretKey ?? DEFAULT_SECRET_KEY;
  if (!/^(sk|rk)_test_\w+$/.test(secretKey)) throw new Error("stripe-sim: secretKey must be a test-mode key (sk_test_… or rk_test_…); the stand-in has no live mode");
  if (opts.restrictedKey !== undefined && !/^rk_test_\w+$/.test(opts.restrictedKey)) throw new Error("stripe-sim: restrictedKey must be a test-mode restricted key (rk_test_…)");
  return new Set([secretKey, ...(opts.restrictedKey !== undefined ? [opts.restrictedKey] : [])]);
}

export function createStripeSim(opts: StripeSimOptions): StripeSim {
  const keys = accountKeys(opts);
  let webhookUrl = opts.webhookUrl;
  let refundsFail = false;
  const requests = new RequestLog<ApiCallDetail>();
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

  const mountPath = (opts.mountPath ?? "").replace(/\/+$/, "");
  const pageDeps = {
    ledger,
    sandboxBanner: opts.sandboxBanner ?? true,
    ...(opts.returnHint ? { returnHint: opts.returnHint } : {}),
    awaitFirstDeliveries: (events: readonly StripeEvent[]) => deliverer.firstAttemptsOf(events),
  };
  const pages = new Hono();
  registerPages(pages, pageDeps);

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
    pay: async (sessionId, payOptions) => {
      const { async = false, promotionCode, presentmentCurrency, fxRate } = payOptions ?? {};
      const options = { async, ...(promotionCode !== undefined ? { promotionCode } : {}), ...(presentmentCurrency !== undefined ? { presentmentCurrency } : {}), ...(fxRate !== undefined ? { fxRate } : {}) };
      return settle(ledger.completeSession(sessionId, options).events);
    },
    createPromotionCode: (input) => ledger.createPromotionCode(input),
    setPromotionCodeActive: (idOrCode, active) => ledger.setPromotionCodeActive(idOrCode, active),
    promotionCodes: () => ledger.promotionCodes(),
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
    apiCalls: () => requests.list().map(({ method, path, detail }) => ({ method, path, ...(detail?.idempotencyKey !== undefined ? { idempotencyKey: detail.idempotencyKey } : {}) })),
    idle: () => deliverer.idle(),
  };

  const core = createStandIn<ApiCallDetail>({
    name: "stripe-sim",
    requests,
    ...(opts.controlToken ? { controlToken: opts.controlToken } : {}),
    answers: FAULT_ANSWERS,
    state: () => ({ sessions: ledger.sessions().length, events: ledger.events().length, refunds: ledger.refunds().length, deliveries: deliverer.deliveries().length, refundsFail }),
    webhookUrl: { get: () => webhookUrl, set: control.setWebhookUrl },
    routes: controlRoutes(control),
  });
  registerApi(core.app, {
    ledger,
    idempotency: new IdempotencyStore(nowMs),
    isAcceptedKey: (key) => keys.has(key),
    requests,
    pageBaseFor: (requestUrl) => (opts.publicBaseUrl ?? new URL(requestUrl).origin + mountPath).replace(/\/+$/, ""),
    apiVersion: opts.apiVersion ?? Stripe.API_VERSION,
    faults: core.faults,
  });
  registerPages(core.app, pageDeps);

  const close = () => {
    for (const timer of expiryTimers) clearTimeout(timer);
    expiryTimers.clear();
    deliverer.close();
  };
  return { app: core.app, pages, control, faults: core.faults, requests, controlToken: core.controlToken, close };
}

export interface StartedStripeSim extends StandIn {
  /** e.g. http://127.0.0.1:PORT (the STRIPE_API_URL setting); the same as `url`. */
  apiUrl: string;
  control: StripeSimControl;
  requests: RequestLog<ApiCallDetail>;
  /** The hosted checkout pages alone, to mount in another server (see `publicBaseUrl`). */
  pages: Hono;
}

/** Starts the stand-in on its own port (a free one by default). */
export async function startStripeSim(opts: StripeSimOptions & { port?: number; host?: string }): Promise<StartedStripeSim> {
  const sim = createStripeSim(opts);
  const server = await serveStandIn(sim, { port: opts.port ?? 0, host: opts.host ?? "127.0.0.1", beforeClose: () => sim.close() });
  return {
    url: server.url,
    apiUrl: server.url,
    controlUrl: server.controlUrl,
    controlToken: sim.controlToken,
    control: sim.control,
    faults: sim.faults,
    requests: sim.requests,
    pages: sim.pages,
    settings: {
      STRIPE_API_URL: server.url,
      STRIPE_SECRET_KEY: opts.secretKey ?? DEFAULT_SECRET_KEY,
      STRIPE_WEBHOOK_SECRET: opts.webhookSecret,
    },
    close: server.close,
  };
}
