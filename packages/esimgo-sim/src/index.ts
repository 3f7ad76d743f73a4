import { createStandIn, type FaultPlan, RequestLog, serveStandIn, type StandIn } from "@esim-shop/sim-kit";
import type { Hono } from "hono";
import { request } from "undici";
import { type ApiSettings, API_PREFIX, FAULT_ANSWERS, registerApi, type SentAnswer } from "./api.ts";
import type { SimBundle } from "./catalogue.ts";
import { controlRoutes } from "./control.ts";
import { RateWindow } from "./rate.ts";
import { signEsimGoBody } from "./signature.ts";
import { assignmentState, initialBytes, remainingBytes, SimulatorState } from "./state.ts";
import { usageNoticeJson } from "./wire.ts";

export type { SimBundle } from "./catalogue.ts";
export type { SimCountry, SimRegion } from "./countries.ts";
export { isValidLuhn, luhnCheckDigit } from "./ids.ts";
export { API_PREFIX, FAULT_ANSWERS, type SentAnswer } from "./api.ts";
export { signEsimGoBody, verifyEsimGoSignature } from "./signature.ts";

export interface EsimGoSimOptions {
  /** 0 (the default) picks a free port; the CLI uses 4010. */
  port?: number;
  /** default 127.0.0.1 */
  host?: string;
  /** default "sim-key" */
  apiKey?: string;
  /** The control API's bearer token; a random one by default. */
  controlToken?: string;
  /** decimal, default 500 */
  balance?: number;
  /** default "USD" */
  currency?: string;
  /** per client IP, fixed 1 s window; default 10; 0 disables */
  rateLimitPerSecond?: number;
  /** added to every request; default 0 */
  latencyMs?: number;
  /** how long new bundle assignments stay in the `processing` state (their eSIM installs meanwhile); default 0 */
  processingDelayMs?: number;
  /** the most bundles (`perPage`) or orders (`limit`) a page holds, more is silently capped; default 50 */
  maxPageSize?: number;
  /** the answer to an unknown order/assignment reference or to a bundle an eSIM never had: 403 access denied (default, the spec lists only 400/403) or 404 */
  notFoundStatus?: 403 | 404;
  /** sees every API answer as sent (contract tests validate them) */
  onAnswer?: (answer: SentAnswer) => void;
  /** Where callbacks are posted (the product's /webhooks/esimgo); none when unset. */
  webhookUrl?: string;
  /** X-Signature-SHA256 encoding; default base64 */
  callbackSignatureEncoding?: "base64" | "hex";
  /** default "full" */
  catalogueSize?: "full" | "small";
  /** LowBalance callback when a transaction takes the balance below this; default 100 */
  lowBalanceThreshold?: number;
}

export interface PlacedOrder {
  reference: string;
  createdAt: string;
  items: { bundle: string; quantity: number; iccids: string[] }[];
  total: number;
}

export interface SimulatedEsim {
  iccid: string;
  matchingId: string;
  smdpAddress: string;
  /** Bytes; an unlimited bundle counts its daily high-speed allowance. */
  bundles: { name: string; state: string; initialBytes: number; remainingBytes: number }[];
}

/** Steering the simulator in-process; the same is served over HTTP under /__control (see the README). */
export interface EsimGoSimControl {
  setBalance(decimal: number): void;
  getBalance(): number;
  /** Every committed transaction order, oldest first. */
  placedOrders(): PlacedOrder[];
  /** Requests received for "METHOD /template" or "METHOD /literal/path" (all when omitted), 429s included. */
  requestCount(route?: string): number;
  /** 429 answers sent (rate limit and injected). */
  http429Count(): number;
  esims(): SimulatedEsim[];
  /**
   * Uses `usedPercent` MORE of the eSIM's current bundle (cumulative, capped at 100) and, when a webhook URL is set,
   * posts FirstUse on its first use and Utilisation at each of the 50/80/100 % thresholds crossed, each telling
   * what was left when it was crossed.
   */
  advanceUsage(iccid: string, usedPercent: number): Promise<void>;
  /** Signs and posts to the webhook URL; returns the HTTP status. */
  fireCallback(body: object): Promise<number>;
  setWebhookUrl(url: string | undefined): void;
  /** Disappears from the catalogue; orders for it fail with 400. */
  withdrawBundle(name: string): void;
  setBundlePrice(name: string, decimal: number): void;
  /** The current catalogue (withdrawn bundles left out, price changes applied). */
  catalogue(): readonly SimBundle[];
  setProcessingDelay(ms: number): void;
  /** 403 "access denied" or 404 for unknown references and bundles (see `notFoundStatus`). */
  setNotFoundStatus(status: 403 | 404): void;
}

/** The simulator before it listens: its Hono app (API and control), to mount or to call with `app.request`. */
export interface EsimGoSimApp {
  app: Hono;
  apiKey: string;
  controlToken: string;
  control: EsimGoSimControl;
  faults: FaultPlan;
  requests: RequestLog<unknown>;
  /** Waits for callbacks in flight. */
  settle(): Promise<void>;
}

export interface EsimGoSim extends StandIn {
  /** e.g. http://127.0.0.1:4010/v2.4 (the ESIMGO_API_URL setting) */
  baseUrl: string;
  apiKey: string;
  control: EsimGoSimControl;
}

/** Builds the simulator without listening. */
export function createEsimGoSim(opts: Omit<EsimGoSimOptions, "port" | "host"> = {}): EsimGoSimApp {
  const apiKey = opts.apiKey ?? "sim-key";
  const encoding = opts.callbackSignatureEncoding ?? "base64";
  const lowBalanceThreshold = opts.lowBalanceThreshold ?? 100;
  let webhookUrl = opts.webhookUrl;
  const state = new SimulatorState({
    balance: opts.balance ?? 500,
    currency: opts.currency ?? "USD",
    catalogueSize: opts.catalogueSize ?? "full",
    processingDelayMs: opts.processingDelayMs ?? 0,
  });
  const pendingCallbacks = new Set<Promise<unknown>>();
  const settings: ApiSettings = { maxPageSize: opts.maxPageSize ?? 50, notFoundStatus: opts.notFoundStatus ?? 403 };
  if (!Number.isInteger(settings.maxPageSize) || settings.maxPageSize < 1) throw new Error("esimgo-sim: maxPageSize must be a positive integer");

  async function postCallback(body: object): Promise<number> {
    if (!webhookUrl) throw new Error("the simulator has no webhook URL");
    const raw = JSON.stringify(body);
    const response = await request(webhookUrl, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-Signature-SHA256": signEsimGoBody(raw, apiKey, encoding) },
      body: raw,
      signal: AbortSignal.timeout(10_000),
    });
    await response.body.dump();
    return response.statusCode;
  }

  /** Callbacks triggered by API traffic must not hold up the API answer. */
  function postInBackground(body: object): void {
    if (!webhookUrl) return;
    const sending = postCallback(body).catch(() => undefined);
    pendingCallbacks.add(sending);
    void sending.finally(() => pendingCallbacks.delete(sending));
  }

  const balanceAlert = (alertType: string) => ({
    alertType,
    balanceInfo: {
      balance: state.balance,
      threshold: lowBalanceThreshold,
      thresholdPercentRemaining: Math.max(0, Math.round((state.balance / lowBalanceThreshold) * 100)),
    },
  });

  const requests = new RequestLog<unknown>();
  const control: EsimGoSimControl = {
    setBalance: (decimal) => void (state.balance = decimal),
    getBalance: () => state.balance,
    placedOrders: () =>
      state.orders().map((o) => ({
        reference: o.reference,
        createdAt: new Date(o.createdAt).toISOString(),
        items: o.items.map((i) => ({ bundle: i.bundle.name, quantity: i.quantity, iccids: i.esims.map((e) => e.iccid) })),
        total: o.totalCents / 100,
      })),
    requestCount: (route) => requests.count(routeFilter(route)),
    http429Count: () => requests.count({ status: 429 }),
    esims: () =>
      state.esims().map((e) => ({
        iccid: e.iccid,
        matchingId: e.matchingId,
        smdpAddress: e.smdpAddress,
        bundles: e.assignments.map((a) => ({ name: a.bundle.name, state: assignmentState(a), initialBytes: initialBytes(a), remainingBytes: remainingBytes(a) })),
      })),
    async advanceUsage(iccid, usedPercent) {
      const notices = state.advanceUsage(iccid, usedPercent);
      if (!webhookUrl) return;
      for (const notice of notices) await postCallback(usageNoticeJson(notice));
    },
    fireCallback: (body) => postCallback(body),
    setWebhookUrl: (url) => void (webhookUrl = url),
    withdrawBundle: (name) => state.withdraw(name),
    setBundlePrice: (name, decimal) => state.setPrice(name, decimal),
    catalogue: () => state.catalogue(),
    setProcessingDelay: (ms) => void (state.processingDelayMs = ms),
    setNotFoundStatus: (status) => void (settings.notFoundStatus = status),
  };

  const core = createStandIn<unknown>({
    name: "esimgo-sim",
    requests,
    ...(opts.controlToken ? { controlToken: opts.controlToken } : {}),
    answers: FAULT_ANSWERS,
    state: () => ({ balance: state.balance, requests: control.requestCount(), http429: control.http429Count(), orders: state.orders().length, esims: state.esims().length }),
    webhookUrl: { get: () => webhookUrl, set: control.setWebhookUrl },
    routes: controlRoutes(control),
  });

  registerApi(core.app, {
    state,
    settings,
    apiKey,
    latencyMs: opts.latencyMs ?? 0,
    faults: core.faults,
    rateWindow: new RateWindow(opts.rateLimitPerSecond ?? 10),
    requests: core.requests,
    hooks: {
      onOrderCommitted(before) {
        if (before >= lowBalanceThreshold && state.balance < lowBalanceThreshold) postInBackground(balanceAlert("LowBalance"));
      },
      onInsufficientBalance() {
        postInBackground(balanceAlert("InsufficientBalance"));
      },
      ...(opts.onAnswer ? { onAnswer: opts.onAnswer } : {}),
    },
  });

  return {
    app: core.app,
    apiKey,
    controlToken: core.controlToken,
    control,
    faults: core.faults,
    requests: core.requests,
    settle: async () => void (await Promise.allSettled([...pendingCallbacks])),
  };
}

/** Starts the simulator on its own port (a free one by default). */
export async function startEsimGoSim(opts: EsimGoSimOptions = {}): Promise<EsimGoSim> {
  const sim = createEsimGoSim(opts);
  const server = await serveStandIn({ app: sim.app, faults: sim.faults, requests: sim.requests, controlToken: sim.controlToken }, {
    port: opts.port ?? 0,
    host: opts.host ?? "127.0.0.1",
    keepAliveTimeoutMs: 10_000,
    beforeClose: () => sim.settle(),
  });
  const baseUrl = `${server.url}${API_PREFIX}`;
  return {
    url: server.url,
    controlUrl: server.controlUrl,
    controlToken: sim.controlToken,
    baseUrl,
    apiKey: sim.apiKey,
    control: sim.control,
    faults: sim.faults,
    requests: sim.requests,
    settings: { ESIMGO_API_URL: baseUrl, ESIMGO_API_KEY: sim.apiKey },
    close: server.close,
  };
}

/** "POST /orders" → method and path; no route → every request. */
function routeFilter(route: string | undefined): { method?: string; path?: string } {
  if (route === undefined) return {};
  const space = route.indexOf(" ");
  return space < 0 ? { path: route } : { method: route.slice(0, space), path: route.slice(space + 1) };
}
