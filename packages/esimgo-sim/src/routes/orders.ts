import { HttpProblem, type OrderLine, type SimulatorState } from "../state.ts";
import { orderListEntryJson, orderTransactionJson } from "../wire.ts";
import { clampInt, json, message, notFound, pageSizeOf, route, type Reply, type RequestContext, type Route, type ServerDeps } from "./context.ts";

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

function listOrders(ctx: RequestContext, deps: ServerDeps): Reply {
  const { state } = deps;
  const q = ctx.query;
  const inRange = createdAtFilter(q.getAll("createdAt"));
  const limit = pageSizeOf(q.get("limit"), 10, deps);
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

function getOrder(ctx: RequestContext, deps: ServerDeps): Reply {
  const order = deps.state.order(ctx.params.orderReference ?? "");
  return order ? json(200, orderTransactionJson(order, deps.state.currency)) : notFound(deps, "Order");
}

/** Go's JSON decoding matches keys case-insensitively: accept `Order`, `AllowReassign` and friends. */
function lowerKeys(value: unknown): Record<string, unknown> {
  if (!value || typeof value !== "object" || Array.isArray(value)) return {};
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k.toLowerCase(), v]));
}

export const ORDER_ROUTES: Route[] = [
  route("GET", "/orders", listOrders),
  route("POST", "/orders", postOrder),
  route("GET", "/orders/{orderReference}", getOrder),
];
