import { timingSafeEqual } from "node:crypto";
import { type Context, Hono } from "hono";
import { z } from "zod";
import { type FaultPlan, faultSpecSchema } from "./faults.ts";
import type { RequestLog } from "./requests.ts";

/** Where every stand-in serves its control API. */
export const CONTROL_PREFIX = "/__control";

export type ControlMethod = "GET" | "POST" | "PUT" | "DELETE";

export interface ControlInput<Body> {
  params: Record<string, string>;
  query: URLSearchParams;
  body: Body;
}

/** One call of a stand-in's control API. */
export interface ControlRoute {
  method: ControlMethod;
  /** Below CONTROL_PREFIX, in Hono's syntax: "/esims/:iccid/usage". */
  path: string;
  /** One line for the route listing (`GET /__control`). */
  summary: string;
  /** Answers the data it returns as JSON, or `{"status":"ok"}` for nothing; an Error thrown answers 400 with its message. */
  handle(input: ControlInput<unknown>): unknown;
}

/**
 * A control route with a checked JSON body: a body that fails the schema answers 400 naming the problem.
 *
 * @example
 * controlRoute("PUT", "/balance", "sets the balance", z.object({ amount: z.number() }), ({ body }) => state.setBalance(body.amount))
 */
export function controlRoute<Schema extends z.ZodType>(
  method: ControlMethod,
  path: string,
  summary: string,
  body: Schema,
  handle: (input: ControlInput<z.output<Schema>>) => unknown,
): ControlRoute;
export function controlRoute(method: ControlMethod, path: string, summary: string, handle: (input: ControlInput<unknown>) => unknown): ControlRoute;
export function controlRoute(
  method: ControlMethod,
  path: string,
  summary: string,
  bodyOrHandle: z.ZodType | ((input: ControlInput<unknown>) => unknown),
  maybeHandle?: (input: ControlInput<never>) => unknown,
): ControlRoute {
  if (typeof bodyOrHandle === "function") return { method, path, summary, handle: bodyOrHandle };
  const schema = bodyOrHandle;
  const handle = maybeHandle as (input: ControlInput<unknown>) => unknown;
  return {
    method,
    path,
    summary,
    handle: (input) => {
      const parsed = schema.safeParse(input.body);
      if (!parsed.success) throw new ControlInputError(z.prettifyError(parsed.error));
      return handle({ ...input, body: parsed.data });
    },
  };
}

class ControlInputError extends Error {}

export interface ControlApiOptions {
  /** The stand-in's name, e.g. "esimgo-sim". */
  name: string;
  /** Every control call carries `Authorization: Bearer <token>`. */
  token: string;
  faults: FaultPlan;
  requests: RequestLog<unknown>;
  /** A summary for `GET /__control/state`. */
  state(): unknown;
  /** Where the stand-in posts webhooks or callbacks; adds `GET`/`PUT /__control/webhook-url`. */
  webhookUrl?: { get(): string | undefined; set(url: string | undefined): void };
  routes?: readonly ControlRoute[];
}

/**
 * The control API every stand-in serves under `/__control`, one shape for all: bearer-token
 * authentication, JSON in and out, errors as `{"error": "..."}` (401, 404, 400), and these calls
 * besides the stand-in's own:
 *
 * | Call | What it does |
 * |---|---|
 * | `GET /__control` | the stand-in's name and its control calls |
 * | `GET /__control/state` | a summary of the stand-in's state |
 * | `GET /__control/requests?method=&path=&status=` | the API requests received: `{count, requests}` |
 * | `DELETE /__control/requests` | forgets them |
 * | `GET`, `POST`, `DELETE /__control/faults` | lists, arms (a FaultSpec) and clears scripted failures |
 * | `GET`, `PUT /__control/webhook-url` | where it posts webhooks: `{"url": "http://…" \| null}` |
 */
export function createControlApi(options: ControlApiOptions): Hono {
  const routes: ControlRoute[] = [...standardRoutes(options), ...(options.routes ?? [])];
  const app = new Hono();
  app.use("*", async (c, next) => {
    if (!hasToken(c.req.header("authorization"), options.token)) {
      return c.json({ error: `${options.name} control API: send the control token as "Authorization: Bearer <token>"` }, 401, { "www-authenticate": "Bearer" });
    }
    await next();
  });
  app.get("/", (c) => c.json({ standIn: options.name, calls: routes.map((r) => ({ method: r.method, path: `${CONTROL_PREFIX}${r.path}`, summary: r.summary })) }));
  for (const route of routes) app.on(route.method, route.path, (c) => run(c, route));
  return app;
}

/** Serves the control API under `/__control` of a stand-in's app: every path there is the control API's, known or not. */
export function mountControlApi(app: Hono, options: ControlApiOptions): void {
  app.route(CONTROL_PREFIX, createControlApi(options));
  // Registered before the stand-in's own catch-all routes, so a mistyped control call is never taken for API traffic.
  app.all(`${CONTROL_PREFIX}/*`, (c) => c.json({ error: `${options.name} control API has no ${c.req.method} ${c.req.path}; GET ${CONTROL_PREFIX} lists the calls` }, 404));
}

function standardRoutes(options: ControlApiOptions): ControlRoute[] {
  const { faults, requests } = options;
  const routes: ControlRoute[] = [
    controlRoute("GET", "/state", "a summary of the stand-in's state", () => options.state()),
    controlRoute("GET", "/requests", "the API requests received (?method=&path=&status=)", ({ query }) => {
      const status = query.get("status");
      const filter = { method: query.get("method") ?? undefined, path: query.get("path") ?? undefined, status: status === null ? undefined : Number(status) };
      const list = requests.list(filter);
      return { count: list.length, requests: list };
    }),
    controlRoute("DELETE", "/requests", "forgets the requests received", () => requests.clear()),
    controlRoute("GET", "/faults", "the armed faults and the ready-made answers", () => ({ faults: faults.list(), answers: faults.answerNames() })),
    controlRoute("POST", "/faults", "arms a fault: {method?, path, params?, skip?, times?, delayMs?, answer?, drop?}", faultSpecSchema, ({ body }) => faults.inject(body)),
    controlRoute("DELETE", "/faults", "clears every fault", () => faults.clear()),
  ];
  const webhook = options.webhookUrl;
  if (webhook) {
    routes.push(
      controlRoute("GET", "/webhook-url", "where webhooks are posted", () => ({ url: webhook.get() ?? null })),
      controlRoute("PUT", "/webhook-url", 'sets where webhooks are posted: {"url": "http://…" | null}', z.object({ url: z.url({ protocol: /^https?$/ }).nullable() }), ({ body }) =>
        webhook.set(body.url ?? undefined),
      ),
    );
  }
  return routes;
}

async function run(c: Context, route: ControlRoute): Promise<Response> {
  try {
    const text = c.req.method === "GET" ? "" : await c.req.text();
    const body: unknown = text.trim() === "" ? {} : JSON.parse(text);
    const result = await route.handle({ params: c.req.param(), query: new URL(c.req.url).searchParams, body });
    return c.json(result ?? { status: "ok" });
  } catch (error) {
    // Bad JSON, a body that fails its schema, or the stand-in refusing (an unknown id, say): the caller's to fix.
    return c.json({ error: error instanceof Error ? error.message : String(error) }, 400);
  }
}

function hasToken(header: string | undefined, token: string): boolean {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "");
  if (!match?.[1]) return false;
  const given = Buffer.from(match[1]);
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}
