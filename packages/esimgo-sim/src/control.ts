import { z } from "zod";
import { FAULT_KINDS, type FaultSpec } from "./faults.ts";
import type { SimulatorControl } from "./index.ts";
import { decodeParams, templatePattern, type Reply } from "./server.ts";

/**
 * The control surface over HTTP (under ADMIN_PREFIX), for demos and for tests that drive another
 * process. It needs the simulator's API key and is neither rate-limited nor counted.
 */
export interface AdminRequest {
  method: string;
  /** below ADMIN_PREFIX, e.g. "/balance" */
  path: string;
  query: URLSearchParams;
  apiKey: string | undefined;
  body: string;
}

interface AdminInput {
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
}

type AdminAction = (control: SimulatorControl, input: AdminInput) => unknown;

const faultBody = z.object({
  route: z.string().min(1),
  kind: z.enum(FAULT_KINDS),
  /** JSON has no Infinity: "always" keeps the fault until DELETE /faults */
  times: z.union([z.number().int().positive(), z.literal("always")]).optional(),
  latencyMs: z.number().int().nonnegative().optional(),
  afterPage: z.number().int().nonnegative().optional(),
});

const amount = z.object({ amount: z.number().finite() });

function parse<Schema extends z.ZodType>(schema: Schema, body: unknown): z.output<Schema> {
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new Error(z.prettifyError(parsed.error));
  return parsed.data;
}

function toFault(body: z.output<typeof faultBody>): FaultSpec {
  return { ...body, times: body.times === "always" ? Number.POSITIVE_INFINITY : (body.times ?? 1) };
}

const ACTIONS: [method: string, template: string, action: AdminAction][] = [
  ["GET", "/state", (c) => ({ balance: c.getBalance(), requests: c.requestCount(), http429: c.http429Count(), orders: c.placedOrders().length, esims: c.esims().length })],
  ["GET", "/orders", (c) => c.placedOrders()],
  ["GET", "/esims", (c) => c.esims()],
  ["GET", "/requests", (c, { query }) => ({ route: query.get("route"), count: c.requestCount(query.get("route") ?? undefined), http429: c.http429Count() })],
  ["PUT", "/balance", (c, { body }) => c.setBalance(parse(amount, body).amount)],
  ["POST", "/faults", (c, { body }) => c.injectFault(toFault(parse(faultBody, body)))],
  ["DELETE", "/faults", (c) => c.clearFaults()],
  ["POST", "/esims/{iccid}/usage", (c, { params, body }) => c.advanceUsage(params.iccid ?? "", parse(z.object({ percent: z.number().positive().max(100) }), body).percent)],
  ["POST", "/callbacks", async (c, { body }) => ({ status: await c.fireCallback(parse(z.looseObject({ alertType: z.string().min(1) }), body)) })],
  ["PUT", "/callback-url", (c, { body }) => c.setCallbackUrl(parse(z.object({ url: z.url().nullable() }), body).url ?? undefined)],
  ["POST", "/bundles/{name}/withdraw", (c, { params }) => c.withdrawBundle(params.name ?? "")],
  ["PUT", "/bundles/{name}/price", (c, { params, body }) => c.setBundlePrice(params.name ?? "", parse(amount, body).amount)],
  ["PUT", "/processing-delay", (c, { body }) => c.setProcessingDelay(parse(z.object({ ms: z.number().int().nonnegative() }), body).ms)],
];

const ROUTES = ACTIONS.map(([method, template, action]) => ({ method, pattern: templatePattern(template), action }));

const reply = (status: number, body: unknown): Reply => ({ status, body: JSON.stringify(body), contentType: "application/json" });

export function createAdminApi(control: SimulatorControl, apiKey: string): (request: AdminRequest) => Promise<Reply> {
  return async (request) => {
    if (request.apiKey !== apiKey) return reply(403, { message: "Forbidden" });
    for (const { method, pattern, action } of ROUTES) {
      const match = method === request.method ? pattern.exec(request.path) : null;
      if (match) return run(action, control, { params: decodeParams(match.groups ?? {}), query: request.query, body: request.body });
    }
    return reply(404, { message: "Not Found" });
  };
}

async function run(action: AdminAction, control: SimulatorControl, input: Omit<AdminInput, "body"> & { body: string }): Promise<Reply> {
  try {
    const body: unknown = input.body.trim() === "" ? {} : JSON.parse(input.body);
    const result = await action(control, { ...input, body });
    return reply(200, result ?? { status: "ok" });
  } catch (error) {
    // Bad JSON, a body that fails its schema, or the control refusing (unknown eSIM or bundle).
    return reply(400, { message: error instanceof Error ? error.message : String(error) });
  }
}
