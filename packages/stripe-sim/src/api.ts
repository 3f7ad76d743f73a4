import { applyFault, dropConnection, type FaultAnswer, type FaultPlan, type RequestLog } from "@esim-shop/sim-kit";
import type { Context, Hono } from "hono";
import { StripeApiError, invalidApiKey, invalidRequest, missingApiKey, noSuch, unrecognizedUrl } from "./errors.ts";
import { canonicalParams, parseFormBody, parseJsonBody, type ParamValue, type Params } from "./form.ts";
import { IdempotencyStore, type StoredResponse } from "./idempotency.ts";
import { newId } from "./ids.ts";
import type { Ledger, RequestRef } from "./ledger.ts";
import { optionalString, rejectUnknown } from "./params.ts";
import { refundInputOf, sessionInputOf } from "./requests.ts";
import type { CheckoutSession, Refund } from "./types.ts";

export interface ApiCall {
  method: string;
  path: string;
  idempotencyKey?: string;
}

/** What the request log keeps about an API request. */
export interface ApiCallDetail {
  idempotencyKey?: string;
}

export interface ApiDeps {
  ledger: Ledger;
  idempotency: IdempotencyStore;
  isAcceptedKey: (key: string) => boolean;
  requests: RequestLog<ApiCallDetail>;
  /** Base of the hosted page URLs for a request that arrived at `requestUrl`. */
  pageBaseFor: (requestUrl: string) => string;
  apiVersion: string;
  faults: FaultPlan;
}

interface HandlerInput {
  method: string;
  path: string;
  params: Params;
  id: string;
  request: RequestRef;
  requestUrl: string;
}

type Handler = (input: HandlerInput) => object;

const MAX_BODY_BYTES = 1_000_000;

export function registerApi(app: Hono, deps: ApiDeps): void {
  const { ledger } = deps;
  app.post("/v1/checkout/sessions", endpoint(deps, ({ params, requestUrl }) => {
    const input = sessionInputOf(params, ledger.nowSeconds());
    const base = deps.pageBaseFor(requestUrl);
    return ledger.createSession(input, (id) => `${base}/pay/${id}`).session;
  }));
  app.get("/v1/checkout/sessions/:id", endpoint(deps, ({ params, id }) => {
    rejectUnknown(params, ["expand"]);
    return expandSession(ledger, ledger.retrieveSession(id).session, params.expand);
  }));
  app.post("/v1/checkout/sessions/:id/expire", endpoint(deps, ({ params, id, request }) => {
    rejectUnknown(params, ["expand"]);
    return ledger.expireSession(id, request).result;
  }));
  app.get("/v1/payment_intents/:id", endpoint(deps, ({ params, id }) => {
    rejectUnknown(params, ["expand", "client_secret"]);
    return ledger.retrievePaymentIntent(id);
  }));
  app.post("/v1/refunds", endpoint(deps, ({ params, request }) => ledger.createRefund(refundInputOf(params), request).result));
  app.get("/v1/refunds", endpoint(deps, ({ params }) => {
    rejectUnknown(params, ["payment_intent", "charge", "limit", "starting_after", "ending_before", "expand"]);
    return refundList(ledger.refunds(), params);
  }));
  app.get("/v1/refunds/:id", endpoint(deps, ({ params, id }) => {
    rejectUnknown(params, ["expand"]);
    return ledger.retrieveRefund(id);
  }));
  app.get("/v1/events/:id", endpoint(deps, ({ params, id }) => {
    rejectUnknown(params, ["expand"]);
    const event = ledger.event(id);
    if (!event) throw new StripeApiError(404, { type: "invalid_request_error", code: "resource_missing", message: `No such event: '${id}'`, param: "id" });
    return event;
  }));
  app.all("/v1/*", endpoint(deps, ({ method, path }) => {
    throw unrecognizedUrl(method, path);
  }));
}

function endpoint(deps: ApiDeps, handler: Handler) {
  return async (c: Context): Promise<Response> => {
    const requestId = newId.request();
    const method = c.req.method.toUpperCase();
    const path = apiPathOf(c.req.path);
    const route = routeOf(c.req.routePath);
    const idempotencyKey = method === "POST" ? c.req.header("idempotency-key") : undefined;
    const logged = deps.requests.add({ method, path, ...(route ? { route } : {}), detail: idempotencyKey !== undefined ? { idempotencyKey } : {} });
    const respond = (response: StoredResponse, replayed = false, headers: Record<string, string> = {}) => {
      logged.status = response.status;
      return jsonResponse(response, requestId, deps.apiVersion, replayed, headers);
    };
    let apiKey: string;
    try {
      apiKey = authenticate(c.req.header("authorization"), deps);
    } catch (error) {
      return respond(errorResponse(error));
    }
    const fault = deps.faults.take({ method, path, ...(route ? { route } : {}) });
    return applyFault(fault, {
      process: async () => {
        try {
          const params = await paramsOf(c);
          const request = { id: requestId, idempotency_key: idempotencyKey ?? null };
          const run = () => execute(handler, { method, path, params, id: c.req.param("id") ?? "", request, requestUrl: c.req.url });
          if (idempotencyKey === undefined) return respond(run());
          IdempotencyStore.validateKey(idempotencyKey);
          const fingerprint = `${method} ${path} ${canonicalParams(params)}`;
          const replay = deps.idempotency.replay(apiKey, idempotencyKey, fingerprint);
          if (replay) return respond(replay, true);
          // No await between the replay check and the save: concurrent requests with one key cannot both run.
          const response = run();
          if (response.status < 400) deps.idempotency.save(apiKey, idempotencyKey, fingerprint, response);
          return respond(response);
        } catch (error) {
          return respond(errorResponse(error));
        }
      },
      answer: (answer: FaultAnswer) => respond({ status: answer.status, body: answer.body }, false, answer.headers),
      // Processed, then the connection is cut: a retry with the same idempotency key must get the first result replayed.
      drop: () => {
        logged.status = 0;
        dropConnection(c);
        return new Response(null, { status: 500 });
      },
    });
  };
}

/** Hono's "/v1/refunds/:id" as the fault plan's "/v1/refunds/{id}"; nothing for the catch-all. */
function routeOf(routePath: string): string | undefined {
  if (routePath.includes("*")) return undefined;
  return apiPathOf(routePath).replace(/:(\w+)/g, "{$1}");
}

/** Ready-made fault answers (`sim.faults.inject({ path: "/v1/refunds", answer: "api_error" })`), as Stripe sends them. */
export const FAULT_ANSWERS: Readonly<Record<string, FaultAnswer>> = {
  api_error: { status: 500, body: { error: { type: "api_error", message: "An unknown error occurred (injected by the Stripe stand-in)." } } },
};

/** Supports `expand: ["payment_intent"]`, the one expansion a shop needs on a session. */
function expandSession(ledger: Ledger, session: CheckoutSession, expand: ParamValue | undefined): object {
  const wanted = Array.isArray(expand) ? expand : expand === undefined ? [] : [expand];
  if (!wanted.includes("payment_intent") || !session.payment_intent) return session;
  return { ...session, payment_intent: ledger.retrievePaymentIntent(session.payment_intent) };
}

function execute(handler: Handler, input: HandlerInput): StoredResponse {
  try {
    return { status: 200, body: handler(input) };
  } catch (error) {
    return errorResponse(error);
  }
}

function errorResponse(error: unknown): StoredResponse {
  if (error instanceof StripeApiError) return { status: error.status, body: { error: error.body } };
  return { status: 500, body: { error: { type: "api_error", message: "An unexpected error occurred in the Stripe stand-in." } } };
}

function jsonResponse(response: StoredResponse, requestId: string, apiVersion: string, replayed: boolean, extra: Record<string, string> = {}): Response {
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "request-id": requestId,
    "stripe-version": apiVersion,
  };
  if (replayed) headers["idempotent-replayed"] = "true";
  if (response.status >= 400 && response.status < 500) headers["stripe-should-retry"] = "false";
  const body = typeof response.body === "string" ? response.body : JSON.stringify(response.body, null, 2);
  return new Response(body, { status: response.status, headers: { ...headers, ...extra } });
}

function authenticate(header: string | undefined, deps: ApiDeps): string {
  const key = apiKeyOf(header);
  if (!key) throw missingApiKey();
  if (!deps.isAcceptedKey(key)) throw invalidApiKey(key);
  return key;
}

/** Stripe takes the key as a Bearer token or as the Basic auth user name. */
function apiKeyOf(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const [scheme, value] = header.trim().split(/\s+/, 2);
  if (!value) return undefined;
  if (scheme?.toLowerCase() === "bearer") return value;
  if (scheme?.toLowerCase() === "basic") return Buffer.from(value, "base64").toString("utf8").split(":")[0] || undefined;
  return undefined;
}

async function paramsOf(c: Context): Promise<Params> {
  const query = new URL(c.req.url).search.slice(1);
  const queryParams = query ? parseFormBody(query) : {};
  if (c.req.method.toUpperCase() === "GET") return queryParams;
  const body = await c.req.text();
  if (Buffer.byteLength(body) > MAX_BODY_BYTES) throw new StripeApiError(413, { type: "invalid_request_error", message: "Request body too large." });
  if (!body) return queryParams;
  const isJson = (c.req.header("content-type") ?? "").includes("application/json");
  return { ...queryParams, ...(isJson ? parseJsonBody(body) : parseFormBody(body)) };
}

/** The path as Stripe sees it, whatever prefix the app is mounted under. */
function apiPathOf(path: string): string {
  const index = path.indexOf("/v1/");
  return index >= 0 ? path.slice(index) : path;
}

/** GET /v1/refunds: newest first, filtered by payment intent or charge, paged by `limit` (1-100, default 10) and cursors. */
function refundList(all: Refund[], params: Params): { object: "list"; data: Refund[]; has_more: boolean; url: string } {
  const paymentIntent = optionalString(params.payment_intent, "payment_intent");
  const charge = optionalString(params.charge, "charge");
  const limitText = optionalString(params.limit, "limit") ?? "10";
  const limit = Number(limitText);
  if (!/^\d+$/.test(limitText) || limit < 1 || limit > 100) throw invalidRequest("Invalid limit: must be between 1 and 100.", "limit");
  let refunds = all
    .filter((refund) => (paymentIntent === undefined || refund.payment_intent === paymentIntent) && (charge === undefined || refund.charge === charge))
    .sort((a, b) => b.created - a.created || (a.id < b.id ? 1 : -1));
  const after = optionalString(params.starting_after, "starting_after");
  if (after !== undefined) {
    const at = refunds.findIndex((refund) => refund.id === after);
    if (at < 0) throw noSuch("refund", after, "starting_after");
    refunds = refunds.slice(at + 1);
  }
  return { object: "list", data: refunds.slice(0, limit), has_more: refunds.length > limit, url: "/v1/refunds" };
}
