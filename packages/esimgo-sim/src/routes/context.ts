import type { FaultPlan, RequestLog } from "@esim-shop/sim-kit";
import type { RateWindow } from "../rate.ts";
import type { SimulatorState } from "../state.ts";

export interface Reply {
  status: number;
  body: string | Buffer;
  contentType: string;
  headers?: Record<string, string>;
}

export interface RequestContext {
  method: string;
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  headers: Record<string, string | undefined>;
  body: string;
  ip: string;
}

export interface ServerHooks {
  /** After a transaction order was committed (LowBalance callbacks). */
  onOrderCommitted(balanceBefore: number): void;
  /** After a transaction was refused for balance (InsufficientBalance callbacks). */
  onInsufficientBalance(): void;
  /** Every answer as sent (contract tests validate the JSON against the OpenAPI file). */
  onAnswer?(answer: SentAnswer): void;
}

export interface SentAnswer {
  method: string;
  path: string;
  /** The route template it matched, e.g. "/esims/{iccid}/bundles"; none for an unknown route. */
  route?: string;
  status: number;
  contentType: string;
  body: string | Buffer;
}

/** What the simulator answers where eSIM Go's own behaviour is unknown or tunable. */
export interface ApiSettings {
  /** The most bundles (`perPage`) or orders (`limit`) one page holds; more is silently capped. */
  maxPageSize: number;
  /** The answer to an unknown order reference, assignment reference or a bundle an eSIM never had: 403 (the spec lists only 400/403) or 404. */
  notFoundStatus: 403 | 404;
}

export interface ServerDeps {
  state: SimulatorState;
  settings: ApiSettings;
  apiKey: string;
  latencyMs: number;
  faults: FaultPlan;
  rateWindow: RateWindow;
  requests: RequestLog<unknown>;
  hooks: ServerHooks;
}

export type Handler = (ctx: RequestContext, deps: ServerDeps) => Reply | Promise<Reply>;

export interface Route {
  method: string;
  template: string;
  pattern: RegExp;
  handler: Handler;
}

/** "/esims/{iccid}" as a regular expression with named groups. */
export function route(method: string, template: string, handler: Handler): Route {
  return { method, template, pattern: new RegExp(`^${template.replace(/\{(\w+)\}/g, "(?<$1>[^/]+)")}$`), handler };
}

export const json = (status: number, body: unknown, headers?: Record<string, string>): Reply => ({
  status,
  body: JSON.stringify(body),
  contentType: "application/json",
  ...(headers ? { headers } : {}),
});

export const message = (status: number, text: string, headers?: Record<string, string>) => json(status, { message: text }, headers);

/** An unknown reference or resource, answered as the settings say (see `notFoundStatus`). */
export function notFound({ settings }: ServerDeps, what: string): Reply {
  return settings.notFoundStatus === 404 ? message(404, `${what} not found`) : message(403, "access denied");
}

export function clampInt(value: string | null, fallback: number, min: number, max: number): number {
  const n = Number(value);
  return value !== null && Number.isInteger(n) ? Math.min(max, Math.max(min, n)) : fallback;
}

/** A page size as asked, capped at the simulator's maximum. */
export function pageSizeOf(value: string | null, fallback: number, { settings }: ServerDeps): number {
  return clampInt(value, Math.min(fallback, settings.maxPageSize), 1, settings.maxPageSize);
}
