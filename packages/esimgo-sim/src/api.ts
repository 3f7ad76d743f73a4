import { setTimeout as sleep } from "node:timers/promises";
import { applyFault, clientIp, dropConnection, type FaultAnswer } from "@esim-shop/sim-kit";
import type { Context, Hono } from "hono";
import { HttpProblem } from "./state.ts";
import { CATALOGUE_ROUTES } from "./routes/catalogue.ts";
import { message, type Handler, type Reply, type RequestContext, type Route, type ServerDeps } from "./routes/context.ts";
import { ESIM_ROUTES } from "./routes/esims.ts";
import { ORDER_ROUTES } from "./routes/orders.ts";

export type { ApiSettings, ServerDeps, ServerHooks, SentAnswer } from "./routes/context.ts";

export const API_PREFIX = "/v2.4";

const ROUTES: Route[] = [...CATALOGUE_ROUTES, ...ORDER_ROUTES, ...ESIM_ROUTES];

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
    deps.hooks.onAnswer?.({ method, path, ...(found ? { route: found.route.template } : {}), status: reply.status, contentType: reply.contentType, body: reply.body });
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
