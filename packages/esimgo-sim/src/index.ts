import type { AddressInfo } from "node:net";
import { request } from "undici";
import { signEsimGoBody } from "../signature.ts";
import { createAdminApi } from "./admin.ts";
import type { SimBundle } from "./catalogue.ts";
import { FaultRegistry, RateWindow, type FaultSpec } from "./faults.ts";
import { ADMIN_PREFIX, API_PREFIX, createSimulatorServer, RequestCounters } from "./server.ts";
import { assignmentState, initialBytes, remainingBytes, SimulatorState } from "./state.ts";
import { utilisationJson } from "./wire.ts";

export type { SimBundle } from "./catalogue.ts";
export type { SimCountry, SimRegion } from "./countries.ts";
export type { FaultKind, FaultSpec } from "./faults.ts";
export { isValidLuhn, luhnCheckDigit } from "./ids.ts";
export { ADMIN_PREFIX } from "./server.ts";

export interface SimulatorOptions {
  /** 0 = random free port; default 4010 */
  port?: number;
  /** default 127.0.0.1 */
  host?: string;
  /** default "sim-key" */
  apiKey?: string;
  /** decimal, default 500 */
  balance?: number;
  /** default "USD" */
  currency?: string;
  /** per client IP, fixed 1 s window; default 10; 0 disables */
  rateLimitPerSecond?: number;
  /** added to every request; default 0 */
  latencyMs?: number;
  /** how long new assignments answer 503 processing; default 0 */
  processingDelayMs?: number;
  callbackUrl?: string;
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
  bundles: { name: string; state: string; initialBytes: number | null; remainingBytes: number | null }[];
}

export interface SimulatorControl {
  setBalance(decimal: number): void;
  getBalance(): number;
  injectFault(f: FaultSpec): void;
  clearFaults(): void;
  /** Every committed transaction order, oldest first. */
  placedOrders(): PlacedOrder[];
  /** Requests received for "METHOD /template" or "METHOD /literal/path" (all when omitted), 429s included. */
  requestCount(route?: string): number;
  /** 429 answers sent (rate limit and injected). */
  http429Count(): number;
  esims(): SimulatedEsim[];
  /**
   * Uses `usedPercent` MORE of the eSIM's current bundle (cumulative, capped at 100) and posts a
   * Utilisation callback for each of the 1/50/80/100 % thresholds crossed when a callback URL is set.
   */
  advanceUsage(iccid: string, usedPercent: number): Promise<void>;
  /** Signs and posts to the callback URL; returns the HTTP status. */
  fireCallback(body: object): Promise<number>;
  setCallbackUrl(url: string | undefined): void;
  /** Disappears from the catalogue; orders for it fail with 400. */
  withdrawBundle(name: string): void;
  setBundlePrice(name: string, decimal: number): void;
  /** The current catalogue (withdrawn bundles left out, price changes applied). */
  catalogue(): readonly SimBundle[];
  setProcessingDelay(ms: number): void;
}

export interface EsimGoSimulator {
  /** e.g. http://127.0.0.1:4010/v2.4 */
  baseUrl: string;
  /** The control surface over HTTP (X-API-Key required), e.g. http://127.0.0.1:4010/__sim */
  adminUrl: string;
  apiKey: string;
  control: SimulatorControl;
  close(): Promise<void>;
}

export async function startEsimGoSimulator(opts: SimulatorOptions = {}): Promise<EsimGoSimulator> {
  const apiKey = opts.apiKey ?? "sim-key";
  const encoding = opts.callbackSignatureEncoding ?? "base64";
  const lowBalanceThreshold = opts.lowBalanceThreshold ?? 100;
  let callbackUrl = opts.callbackUrl;
  const state = new SimulatorState({
    balance: opts.balance ?? 500,
    currency: opts.currency ?? "USD",
    catalogueSize: opts.catalogueSize ?? "full",
    processingDelayMs: opts.processingDelayMs ?? 0,
  });
  const faults = new FaultRegistry();
  const counters = new RequestCounters();
  const pendingCallbacks = new Set<Promise<unknown>>();

  async function postCallback(body: object): Promise<number> {
    if (!callbackUrl) throw new Error("the simulator has no callback URL");
    const raw = JSON.stringify(body);
    const response = await request(callbackUrl, {
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
    if (!callbackUrl) return;
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

  const control: SimulatorControl = {
    setBalance: (decimal) => void (state.balance = decimal),
    getBalance: () => state.balance,
    injectFault: (f) => faults.add(f),
    clearFaults: () => faults.clear(),
    placedOrders: () =>
      state.orders().map((o) => ({
        reference: o.reference,
        createdAt: new Date(o.createdAt).toISOString(),
        items: o.items.map((i) => ({ bundle: i.bundle.name, quantity: i.quantity, iccids: i.esims.map((e) => e.iccid) })),
        total: o.totalCents / 100,
      })),
    requestCount: (route) => counters.count(route),
    http429Count: () => counters.http429,
    esims: () =>
      state.esims().map((e) => ({
        iccid: e.iccid,
        matchingId: e.matchingId,
        smdpAddress: e.smdpAddress,
        bundles: e.assignments.map((a) => ({ name: a.bundle.name, state: assignmentState(a), initialBytes: initialBytes(a), remainingBytes: remainingBytes(a) })),
      })),
    async advanceUsage(iccid, usedPercent) {
      const crossings = state.advanceUsage(iccid, usedPercent);
      if (!callbackUrl) return;
      for (const { esim, assignment } of crossings) await postCallback(utilisationJson(esim, assignment));
    },
    fireCallback: (body) => postCallback(body),
    setCallbackUrl: (url) => void (callbackUrl = url),
    withdrawBundle: (name) => state.withdraw(name),
    setBundlePrice: (name, decimal) => state.setPrice(name, decimal),
    catalogue: () => state.catalogue(),
    setProcessingDelay: (ms) => void (state.processingDelayMs = ms),
  };

  const server = createSimulatorServer({
    state,
    apiKey,
    latencyMs: opts.latencyMs ?? 0,
    faults,
    rateWindow: new RateWindow(opts.rateLimitPerSecond ?? 10),
    counters,
    admin: createAdminApi(control, apiKey),
    hooks: {
      onOrderCommitted(before) {
        if (before >= lowBalanceThreshold && state.balance < lowBalanceThreshold) postInBackground(balanceAlert("LowBalance"));
      },
      onInsufficientBalance() {
        postInBackground(balanceAlert("InsufficientBalance"));
      },
    },
  });

  const host = opts.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 4010, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  const origin = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
  return {
    baseUrl: `${origin}${API_PREFIX}`,
    adminUrl: `${origin}${ADMIN_PREFIX}`,
    apiKey,
    control,
    async close() {
      await Promise.allSettled([...pendingCallbacks]);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
