import { setTimeout as sleep } from "node:timers/promises";
import { applyFault, clientIp, dropConnection, type FaultAnswer, type FaultPlan, type RequestLog } from "@esim-shop/sim-kit";
import type { Context, Hono } from "hono";
import type { SimBundle } from "./catalogue.ts";
import { appleInstallUrl, lpaString } from "./lpa.ts";
import type { RateWindow } from "./rate.ts";
import { assignmentState, HttpProblem, type OrderLine, type SimEsim, type SimulatorState } from "./state.ts";
import {
  assignmentJson,
  bundleJson,
  installJson,
  installsCsv,
  installsZip,
  orderListEntryJson,
  orderTransactionJson,
  type InstallRow,
} from "./wire.ts";

export const API_PREFIX = "/v2.4";

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
}

export interface ServerDeps {
  state: SimulatorState;
  apiKey: string;
  latencyMs: number;
  faults: FaultPlan;
  rateWindow: RateWindow;
  requests: RequestLog<unknown>;
  hooks: ServerHooks;
}

type Handler = (ctx: RequestContext, deps: ServerDeps) => Reply | Promise<Reply>;
interface Route {
  method: string;
  template: string;
  pattern: RegExp;
  handler: Handler;
}

/** "/esims/{iccid}" as a regular expression with named groups. */
function templatePattern(template: string): RegExp {
  return new RegExp(`^${template.replace(/\{(\w+)\}/g, "(?<$1>[^/]+)")}$`);
}

function route(method: string, template: string, handler: Handler): Route {
  return { method, template, pattern: templatePattern(template), handler };
}

// ---- replies ------------------------------------------------------------------------------------

const json = (status: number, body: unknown, headers?: Record<string, string>): Reply => ({
  status,
  body: JSON.stringify(body),
  contentType: "application/json",
  ...(headers ? { headers } : {}),
});
const message = (status: number, text: string, headers?: Record<string, string>) => json(status, { message: text }, headers);

// ---- handlers -----------------------------------------------------------------------------------

function listCatalogue(ctx: RequestContext, { state }: ServerDeps): Reply {
  const q = ctx.query;
  const pageSize = clampInt(q.get("perPage"), 50, 1, 5000);
  const page = clampInt(q.get("page"), 1, 1, 1_000_000);
  const matching = sortBundles(state.catalogue().filter(catalogueFilter(q)), q.get("orderBy"), q.get("direction"));
  const bundles = matching.slice((page - 1) * pageSize, page * pageSize).map(bundleJson);
  return json(200, { bundles, pageCount: Math.ceil(matching.length / pageSize), rows: matching.length, pageSize });
}

function catalogueFilter(q: URLSearchParams): (b: SimBundle) => boolean {
  const countries = (q.get("countries") ?? "").split(",").map((c) => c.trim().toUpperCase()).filter(Boolean);
  const region = q.get("region")?.trim().toLowerCase();
  const group = q.get("group")?.trim();
  const description = q.get("description")?.trim();
  const describes = description ? wildcard(description) : undefined;
  return (b) =>
    (countries.length === 0 || b.countries.some((c) => countries.includes(c.iso))) &&
    (!region || (region === "global" ? /global/i.test(b.description) : b.countries.some((c) => c.region.toLowerCase() === region))) &&
    (!group || b.groups.includes(group)) &&
    (!describes || describes.test(b.description));
}

/** "Germany" matches anywhere; "*" and "%" are explicit wildcards. */
function wildcard(text: string): RegExp {
  const escaped = text.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/[*%]/g, ".*");
  return new RegExp(escaped, "i");
}

const SORT_KEYS: Record<string, (b: SimBundle) => string | number | boolean> = {
  bundlename: (b) => b.name,
  name: (b) => b.name,
  dataamount: (b) => b.dataAmount,
  duration: (b) => b.duration,
  autostart: (b) => b.autostart,
  roamingenabled: (b) => b.roamingEnabled.length,
  price: (b) => b.price,
};

function sortBundles(bundles: SimBundle[], orderBy: string | null, direction: string | null): SimBundle[] {
  const key = orderBy ? SORT_KEYS[orderBy.toLowerCase()] : undefined;
  if (!key) return bundles;
  const sign = direction?.toLowerCase() === "desc" ? -1 : 1;
  return [...bundles].sort((a, b) => {
    const [x, y] = [key(a), key(b)];
    return (x < y ? -1 : x > y ? 1 : 0) * sign;
  });
}

function getBundle(ctx: RequestContext, { state }: ServerDeps): Reply {
  const bundle = state.bundle(ctx.params.name ?? "");
  return bundle ? json(200, bundleJson(bundle)) : message(400, `Bundle ${ctx.params.name} does not exist`);
}

/** OrganisationResponse, the bare object the v2.4 reference documents. */
function getOrganisation(_ctx: RequestContext, { state }: ServerDeps): Reply {
  return json(200, {
    name: "Simulated Reseller Ltd",
    taxLiable: "No",
    addr1: "1 Simulator Street",
    city: "London",
    country: "GB",
    postcode: "EC1A 1AA",
    callbackUrl: "",
    notes: "",
    groups: ["Standard Fixed Bundles", "Standard Unlimited Bundles"],
    currency: state.currency,
    balance: state.balance,
    testCredit: 0,
    businessType: "Reseller",
    website: "https://reseller.example",
    productDescription: "Travel eSIMs",
    users: [],
  });
}

function readOrderLines(raw: unknown): { type: unknown; assign: boolean; lines: OrderLine[] } {
  const body = lowerKeys(raw);
  const items = Array.isArray(body.order) ? body.order : [];
  const lines = items.map((entry): OrderLine => {
    const item = lowerKeys(entry);
    return {
      item: typeof item.item === "string" ? item.item : "",
      quantity: typeof item.quantity === "number" ? item.quantity : 1,
      iccids: Array.isArray(item.iccids) ? item.iccids.map(String) : [],
      allowReassign: item.allowreassign === true,
    };
  });
  return { type: body.type, assign: body.assign === true, lines };
}

function postOrder(ctx: RequestContext, { state, hooks }: ServerDeps): Reply {
  let raw: unknown;
  try {
    raw = JSON.parse(ctx.body || "null");
  } catch {
    return message(400, "Invalid Order type");
  }
  const { type, assign, lines } = readOrderLines(raw);
  if (type !== "validate" && type !== "transaction") return message(400, "Invalid Order type");
  const quote = state.quote(lines, assign);
  if (type === "validate") return validateReply(quote, state.canAfford(quote.totalCents), assign, state.currency);
  if (!state.canAfford(quote.totalCents)) {
    hooks.onInsufficientBalance();
    return message(400, "Failed to process Order. No payment taken.");
  }
  const before = state.balance;
  const order = state.commit(lines, assign);
  hooks.onOrderCommitted(before);
  return json(200, orderTransactionJson(order, state.currency, ctx.ip));
}

function validateReply(quote: ReturnType<SimulatorState["quote"]>, affordable: boolean, assign: boolean, currency: string): Reply {
  return json(200, {
    order: quote.items.map((item) => ({
      type: "bundle",
      item: item.bundle.name,
      quantity: item.quantity,
      subTotal: (item.pricePerUnitCents * item.quantity) / 100,
      pricePerUnit: item.pricePerUnitCents / 100,
      AllowReassign: item.allowReassign,
    })),
    total: quote.totalCents / 100,
    valid: affordable,
    currency,
    createdDate: new Date().toISOString(),
    assigned: assign,
  });
}

function listOrders(ctx: RequestContext, { state }: ServerDeps): Reply {
  const q = ctx.query;
  const inRange = createdAtFilter(q.getAll("createdAt"));
  const limit = clampInt(q.get("limit"), 10, 1, 1000);
  const page = clampInt(q.get("page"), 1, 1, 1_000_000);
  const includeIccids = q.get("includeIccids") === "true";
  const matching = state.orders().filter((o) => inRange(o.createdAt));
  const slice = matching.slice((page - 1) * limit, page * limit);
  return json(200, slice.map((o) => orderListEntryJson(o, state.currency, includeIccids)));
}

/** createdAt=gte:2024-03-01T00:00:00.000Z&createdAt=lte:... (eq when no operator). */
function createdAtFilter(values: readonly string[]): (ms: number) => boolean {
  const checks = values.map((value) => {
    const match = /^(eq|lt|lte|gt|gte):(.*)$/.exec(value.trim());
    const [op, when] = match ? [match[1], match[2]] : ["eq", value];
    const at = Date.parse(when ?? "");
    if (!Number.isFinite(at)) throw new HttpProblem(400, `Invalid createdAt filter ${value}`);
    const compare: Record<string, (ms: number) => boolean> = {
      eq: (ms) => ms === at,
      lt: (ms) => ms < at,
      lte: (ms) => ms <= at,
      gt: (ms) => ms > at,
      gte: (ms) => ms >= at,
    };
    return compare[op ?? "eq"]!;
  });
  return (ms) => checks.every((check) => check(ms));
}

function getOrder(ctx: RequestContext, { state }: ServerDeps): Reply {
  const order = state.order(ctx.params.ref ?? "");
  return order ? json(200, orderTransactionJson(order, state.currency)) : message(404, "Order not found");
}

async function getAssignments(ctx: RequestContext, { state }: ServerDeps): Promise<Reply> {
  const references = ctx.query.getAll("reference").flatMap((r) => r.split(",")).map((r) => r.trim()).filter(Boolean);
  if (references.length === 0) return message(400, "reference is required");
  const rows: InstallRow[] = [];
  for (const reference of references) {
    const order = state.order(reference);
    if (!order) return message(404, `Reference ${reference} not found`);
    for (const item of order.items) for (const esim of item.esims) rows.push({ esim, bundle: item.bundle.name, reference });
  }
  const waitMs = processingMs(rows.map((r) => r.esim), references);
  if (waitMs > 0) return message(503, "Processing", { "Retry-After": String(Math.max(1, Math.ceil(waitMs / 1000))) });
  const withAppleUrl = (ctx.query.get("additionalFields") ?? "").split(",").some((f) => /appleInstallUrl|installUrl/i.test(f));
  const accept = (ctx.headers.accept ?? "").toLowerCase();
  if (accept.includes("application/zip")) {
    return { status: 200, body: await installsZip(rows, references.join("_"), withAppleUrl), contentType: "application/zip" };
  }
  if (accept.includes("application/json")) {
    const installs = rows.map((row) => installJson(row, withAppleUrl));
    return json(200, installs.length === 1 ? installs[0] : installs);
  }
  return { status: 200, body: installsCsv(rows, withAppleUrl), contentType: "text/csv" };
}

/** How long the newest assignment of these orders still processes. */
function processingMs(esims: readonly SimEsim[], references: readonly string[]): number {
  const now = Date.now();
  const pending = esims.flatMap((e) => e.assignments).filter((a) => references.some((r) => a.reference.startsWith(`${r}-`)));
  return Math.max(0, ...pending.map((a) => a.readyAt - now));
}

function ownEsim(ctx: RequestContext, state: SimulatorState): SimEsim {
  const esim = state.esim(ctx.params.iccid ?? "");
  // Not ours (or expired): the API answers 403 "access denied".
  if (!esim) throw new HttpProblem(403, "access denied");
  return esim;
}

function getEsim(ctx: RequestContext, { state }: ServerDeps): Reply {
  const esim = ownEsim(ctx, state);
  const started = esim.assignments.find((a) => a.startedAt !== undefined)?.startedAt;
  const withAppleUrl = /appleInstallUrl|installUrl/i.test(ctx.query.get("additionalFields") ?? "");
  return json(200, {
    iccid: esim.iccid,
    pin: esim.pin,
    puk: esim.puk,
    matchingId: esim.matchingId,
    smdpAddress: esim.smdpAddress,
    profileStatus: started === undefined ? "Released" : "Installed",
    firstInstalledDateTime: started ?? 0,
    customerRef: "",
    ...(withAppleUrl ? { appleInstallUrl: appleInstallUrl(lpaString(esim.smdpAddress, esim.matchingId)) } : {}),
  });
}

function listEsimBundles(ctx: RequestContext, { state }: ServerDeps): Reply {
  const esim = ownEsim(ctx, state);
  const includeUsed = ctx.query.get("includeUsed") === "true";
  const limit = clampInt(ctx.query.get("limit"), 15, 1, 200);
  const visible = esim.assignments.filter((a) => includeUsed || ["processing", "queued", "active"].includes(assignmentState(a))).slice(-limit);
  const byName = new Map<string, { name: string; description: string; assignments: Record<string, unknown>[] }>();
  for (const a of visible) {
    const entry = byName.get(a.bundle.name) ?? { name: a.bundle.name, description: a.bundle.description, assignments: [] };
    entry.assignments.push(assignmentJson(a));
    byName.set(a.bundle.name, entry);
  }
  return json(200, { bundles: [...byName.values()] });
}

function getEsimBundle(ctx: RequestContext, { state }: ServerDeps): Reply {
  const esim = ownEsim(ctx, state);
  const latest = esim.assignments.filter((a) => a.bundle.name === ctx.params.name).at(-1);
  return latest ? json(200, { assignments: [assignmentJson(latest)] }) : message(404, `Bundle ${ctx.params.name} not found on eSIM`);
}

function compatible(ctx: RequestContext, { state }: ServerDeps): Reply {
  const esim = ownEsim(ctx, state);
  const bundle = state.bundle(ctx.params.bundle ?? "");
  if (!bundle) return message(400, `Bundle ${ctx.params.bundle} does not exist`);
  return json(200, { compatible: state.isCompatible(esim, bundle) });
}

function groups(): Reply {
  return json(200, { groups: [{ name: "Standard Fixed Bundles" }, { name: "Standard Unlimited Bundles" }] });
}

const ROUTES: Route[] = [
  route("GET", "/catalogue", listCatalogue),
  route("GET", "/catalogue/bundle/{name}", getBundle),
  route("GET", "/organisation", getOrganisation),
  route("GET", "/organisation/groups", groups),
  route("GET", "/orders", listOrders),
  route("POST", "/orders", postOrder),
  route("GET", "/orders/{ref}", getOrder),
  route("GET", "/esims/assignments", getAssignments),
  route("GET", "/esims/{iccid}", getEsim),
  route("GET", "/esims/{iccid}/bundles", listEsimBundles),
  route("GET", "/esims/{iccid}/bundles/{name}", getEsimBundle),
  route("GET", "/esims/{iccid}/compatible/{bundle}", compatible),
];

function findRoute(method: string, path: string): { route: Route; params: Record<string, string> } | undefined {
  for (const candidate of ROUTES) {
    if (candidate.method !== method) continue;
    const match = candidate.pattern.exec(path);
    if (match) return { route: candidate, params: decodeParams(match.groups ?? {}) };
  }
  return undefined;
}

function decodeParams(groups: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(groups).map(([k, v]) => [k, decodeURIComponent(v)]));
}

// ---- the server ---------------------------------------------------------------------------------

/** Ready-made fault answers (`sim.faults.inject({ method: "POST", path: "/orders", answer: "http429" })`), as eSIM Go sends them. */
export const FAULT_ANSWERS: Readonly<Record<string, FaultAnswer>> = {
  http500: { status: 500, body: { message: "Internal Server Error" } },
  http429: { status: 429, body: { message: "Rate limit exceeded" }, headers: { "Retry-After": "1" } },
  processing503: { status: 503, body: { message: "Processing" }, headers: { "Retry-After": "1" } },
  forbidden403: { status: 403, body: { message: "Forbidden" } },
  notfound404: { status: 404, body: { message: "Not Found" } },
  // The work is done (an order is committed) but the client gets a body cut short.
  malformed: { status: 200, body: '{"order":[{"esims":[{"iccid":', afterProcessing: true },
};

/** eSIM Go's API on every path outside the control API: rate limit, latency, key, routes, faults, in that order. */
export function registerApi(app: Hono, deps: ServerDeps): void {
  app.all("*", (c) => handle(c, deps));
}

async function handle(c: Context, deps: ServerDeps): Promise<Response> {
  const url = new URL(c.req.url);
  const method = c.req.method;
  const ip = clientIp(c);
  const rate = deps.rateWindow.hit(ip);
  const rateHeaders = {
    "X-Ratelimit-Limit": String(rate.limit),
    "X-Ratelimit-Remaining": String(rate.remaining),
    "X-Ratelimit-Reset": new Date(rate.resetAt).toISOString(),
    "X-Ratelimit-Cost": "1",
  };
  const versioned = url.pathname === API_PREFIX || url.pathname.startsWith(`${API_PREFIX}/`);
  const path = versioned ? url.pathname.slice(API_PREFIX.length).replace(/\/+$/, "") || "/" : url.pathname;
  const found = versioned ? findRoute(method, path) : undefined;
  const logged = deps.requests.add({ method, path, ...(found ? { route: found.route.template } : {}) });
  const send = (reply: Reply): Response => {
    logged.status = reply.status;
    return toResponse(reply, rateHeaders);
  };
  try {
    const body = await c.req.text();
    if (!rate.allowed) return send(message(429, "Rate limit exceeded", { "Retry-After": "1" }));
    if (deps.latencyMs > 0) await sleep(deps.latencyMs);
    if (!versioned) return send(message(404, "Not Found"));
    if (c.req.header("x-api-key") !== deps.apiKey) return send(message(403, "Forbidden"));
    if (!found) return send(message(403, "access denied"));

    const ctx: RequestContext = { method, path, params: found.params, query: url.searchParams, headers: c.req.header(), body, ip };
    const fault = deps.faults.take({ method, path, route: found.route.template, params: Object.fromEntries(url.searchParams) });
    return await applyFault(fault, {
      process: async () => send(await run(found.route.handler, ctx, deps)),
      answer: (answer) => send(injected(answer)),
      // The work is done (an order is committed) but the client never hears about it.
      drop: () => {
        logged.status = 0;
        dropConnection(c);
        return new Response(null, { status: 500 });
      },
    });
  } catch (error) {
    return send(message(500, error instanceof Error ? error.message : "Internal Server Error"));
  }
}

function injected(answer: FaultAnswer): Reply {
  const body = answer.body === undefined ? "" : typeof answer.body === "string" ? answer.body : JSON.stringify(answer.body);
  return { status: answer.status, body, contentType: "application/json", ...(answer.headers ? { headers: answer.headers } : {}) };
}

async function run(handler: Handler, ctx: RequestContext, deps: ServerDeps): Promise<Reply> {
  try {
    return await handler(ctx, deps);
  } catch (error) {
    if (error instanceof HttpProblem) return message(error.status, error.message, error.headers);
    throw error;
  }
}

function toResponse(reply: Reply, rateHeaders: Record<string, string>): Response {
  const body = typeof reply.body === "string" ? reply.body : new Uint8Array(reply.body);
  return new Response(body, { status: reply.status, headers: { ...rateHeaders, "Content-Type": reply.contentType, ...reply.headers } });
}

function clampInt(value: string | null, fallback: number, min: number, max: number): number {
  const n = Number(value);
  return value !== null && Number.isInteger(n) ? Math.min(max, Math.max(min, n)) : fallback;
}

/** Go's JSON decoding matches keys case-insensitively: accept `Order`, `AllowReassign` and friends. */
function lowerKeys(value: unknown): Record<string, unknown> {
  if (!value || typeof value !== "object" || Array.isArray(value)) return {};
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k.toLowerCase(), v]));
}
