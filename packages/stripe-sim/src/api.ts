import { applyFault, dropConnection, type FaultAnswer, type FaultPlan, type RequestLog } from "@esim-shop/sim-kit";
import type { Context, Hono } from "hono";
import { invalidApiKey, missingApiKey, noSuch, publishableKey, StripeApiError, unrecognizedUrl } from "./errors.ts";
import { canonicalParams, parseFormBody, parseJsonBody, type ParamValue, type Params } from "./form.ts";
import { IdempotencyStore, type StoredResponse } from "./idempotency.ts";
import { newId } from "./ids.ts";
import type { Ledger, RequestRef } from "./ledger.ts";
import { refundList, refundListInputOf } from "./lists.ts";
import { rejectUnknown } from "./params.ts";
import { refundInputOf, sessionInputOf } from "./requests.ts";
import type { CheckoutSession } from "./types.ts";

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
  /** The account's keys: exactly these authenticate, anything else is a 401. */
  isAcceptedKey: (key: string) => boolean;
  requests: RequestLog<ApiCallDetail>;
  /** Base of the hosted page URLs for a request that arrived at `requestUrl`. */
  pageBaseFor: (requestUrl: string) => string;
  apiVersion: string;
  faults: FaultPlan;
}

interface RequestContext {
  method: string;
  path: string;
  id: string;
  request: RequestRef;
  requestUrl: string;
}

/**
 * One API operation in Stripe's two phases: `read` checks the parameters (a refusal there is never saved under an
 * idempotency key: the endpoint did not start), `run` does the work (its outcome, error or not, is what the key saves).
 */
interface Operation<Input> {
  read(params: Params, ctx: RequestContext): Input;
  run(input: Input, ctx: RequestContext): object;
}

const MAX_BODY_BYTES = 1_000_000;

function operation<Input>(read: Operation<Input>["read"], run: Operation<Input>["run"]): Operation<Input> {
  return { read, run };
}

/** A read that only checks for unknown parameters and hands them on. */
const only = (known: readonly string[]) => (params: Params): Params => {
  rejectUnknown(params, known);
  return params;
};

export function registerApi(app: Hono, deps: ApiDeps): void {
  const { ledger } = deps;
  const nowSeconds = () => ledger.nowSeconds();
  app.post("/v1/checkout/sessions", endpoint(deps, operation((params) => sessionInputOf(params, nowSeconds()), (input, { requestUrl }) => {
    const base = deps.pageBaseFor(requestUrl);
    return ledger.createSession(input, (id) => `${base}/pay/${id}`).session;
  })));
  app.get("/v1/checkout/sessions/:id", endpoint(deps, operation(only(["expand"]), (params, { id }) => expandSession(ledger, ledger.retrieveSession(id).session, params.expand))));
  app.post("/v1/checkout/sessions/:id/expire", endpoint(deps, operation(only(["expand"]), (_params, { id, request }) => ledger.expireSession(id, request).result)));
  app.get("/v1/payment_intents/:id", endpoint(deps, operation(only(["expand", "client_secret"]), (_params, { id }) => ledger.retrievePaymentIntent(id))));
  app.post("/v1/refunds", endpoint(deps, operation(refundInputOf, (input, { request }) => ledger.createRefund(input, request).result)));
  app.get("/v1/refunds", endpoint(deps, operation(refundListInputOf, (input) => refundList(ledger.refunds(), input))));
  app.get("/v1/refunds/:id", endpoint(deps, operation(only(["expand"]), (_params, { id }) => ledger.retrieveRefund(id))));
  app.get("/v1/events/:id", endpoint(deps, operation(only(["expand"]), (_params, { id }) => {
    const event = ledger.event(id);
    if (!event) throw noSuch("event", id, "id");
    return event;
  })));
  // No endpoint runs for an unknown URL, so nothing is saved under an idempotency key.
  app.all("/v1/*", endpoint(deps, operation((_params, { method, path }) => {
    throw unrecognizedUrl(method, path);
  }, () => ({}))));
}

function endpoint<Input>(deps: ApiDeps, op: Operation<Input>) {
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
    try {
      authenticate(c.req.header("authorization"), deps);
    } catch (error) {
      return respond(errorResponse(error, requestId, deps.ledger.nowSeconds()));
    }
    const ctx: RequestContext = { method, path, id: c.req.param("id") ?? "", request: { id: requestId, idempotency_key: idempotencyKey ?? null }, requestUrl: c.req.url };

    /** The idempotency layer, then the endpoint: its own work, or the answer a fault puts in its place. */
    const handle = async (injected?: FaultAnswer): Promise<Response> => {
      // Stripe's rate limiter stands before the idempotency layer: its 429 is never saved.
      if (injected?.status === 429) return respond({ status: injected.status, body: injected.body }, false, injected.headers);
      let input: Input;
      let fingerprint = "";
      try {
        const params = await paramsOf(c);
        if (idempotencyKey !== undefined) {
          IdempotencyStore.validateKey(idempotencyKey);
          fingerprint = `${method} ${path} ${canonicalParams(params)}`;
          const replay = deps.idempotency.replay(idempotencyKey, fingerprint);
          if (replay) return respond(replay, true);
        }
        input = op.read(params, ctx);
      } catch (error) {
        return respond(errorResponse(error, requestId, deps.ledger.nowSeconds()));
      }
      // No await from the replay check to the save: two requests under one key cannot both run.
      const response = injected ? { status: injected.status, body: injected.body } : execute(() => op.run(input, ctx), requestId, deps.ledger.nowSeconds());
      if (idempotencyKey !== undefined) deps.idempotency.save(idempotencyKey, fingerprint, response);
      return respond(response, false, injected?.headers);
    };

    const fault = deps.faults.take({ method, path, ...(route ? { route } : {}) });
    return applyFault(fault, {
      process: () => handle(),
      // An answer after processing replaces what the client hears; the work (and what its key saved) stands.
      answer: (answer: FaultAnswer) => (answer.afterProcessing ? respond({ status: answer.status, body: answer.body }, false, answer.headers) : handle(answer)),
      // Processed, then the connection is cut: a retry with the same idempotency key gets the first result replayed.
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

/**
 * Ready-made fault answers (`sim.faults.inject({ path: "/v1/refunds", answer: "api_error" })`), as Stripe sends them.
 * An injected answer is the endpoint's own, so Stripe's idempotency layer saves it, except a 429 (the rate limiter
 * answers before that layer).
 */
export const FAULT_ANSWERS: Readonly<Record<string, FaultAnswer>> = {
  api_error: { status: 500, body: { error: { type: "api_error", message: "An unknown error occurred (injected by the Stripe stand-in)." } } },
  rate_limit: {
    status: 429,
    body: { error: { type: "invalid_request_error", code: "rate_limit", message: "Request rate limit exceeded. Learn more about rate limits here https://stripe.com/docs/rate-limits." } },
  },
};

/** Supports `expand: ["payment_intent"]`, the one expansion a shop needs on a session. */
function expandSession(ledger: Ledger, session: CheckoutSession, expand: ParamValue | undefined): object {
  const wanted = Array.isArray(expand) ? expand : expand === undefined ? [] : [expand];
  if (!wanted.includes("payment_intent") || !session.payment_intent) return session;
  return { ...session, payment_intent: ledger.retrievePaymentIntent(session.payment_intent) };
}

function execute(run: () => object, requestId: string, nowSeconds: number): StoredResponse {
  try {
    return { status: 200, body: run() };
  } catch (error) {
    return errorResponse(error, requestId, nowSeconds);
  }
}

/** Stripe's error body: a link to the code's page when there is a code, and to the request in the dashboard's logs. */
function errorResponse(error: unknown, requestId: string, nowSeconds: number): StoredResponse {
  const requestLogUrl = `https://dashboard.stripe.com/test/logs/${requestId}?t=${nowSeconds}`;
  if (!(error instanceof StripeApiError)) {
    return { status: 500, body: { error: { type: "api_error", message: "An unexpected error occurred in the Stripe stand-in.", request_log_url: requestLogUrl } } };
  }
  const docUrl = error.body.code ? { doc_url: `https://stripe.com/docs/error-codes/${error.body.code.replaceAll("_", "-")}` } : {};
  return { status: error.status, body: { error: { ...error.body, ...docUrl, request_log_url: requestLogUrl } } };
}

function jsonResponse(response: StoredResponse, requestId: string, apiVersion: string, replayed: boolean, extra: Record<string, string> = {}): Response {
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "request-id": requestId,
    "stripe-version": apiVersion,
  };
  if (replayed) headers["idempotent-replayed"] = "true";
  // As Stripe: asking again would get the same answer (a refusal, or a failure the key saved); a 429 may pass later.
  if (response.status >= 400 && response.status !== 429) headers["stripe-should-retry"] = "false";
  const body = typeof response.body === "string" ? response.body : JSON.stringify(response.body, null, 2);
  return new Response(body, { status: response.status, headers: { ...headers, ...extra } });
}

function authenticate(header: string | undefined, deps: ApiDeps): void {
  const key = apiKeyOf(header);
  if (!key) throw missingApiKey();
  if (/^pk_(test|live)_/.test(key)) throw publishableKey();
  if (!deps.isAcceptedKey(key)) throw invalidApiKey(key);
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
