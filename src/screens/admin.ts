import type { Order } from "../db/schema.ts";
import { dateTime, price } from "../copy/index.ts";
import type { Logger } from "../logger.ts";
import type { ScreenDeps, Ui } from "./context.ts";

export const ADMIN_COMMANDS = ["balance", "orders", "order", "retry", "refund", "stats", "sync"] as const;
export type AdminCommand = (typeof ADMIN_COMMANDS)[number];

const RECENT_ORDERS = 10;
const STORY_EVENTS = 25;
const MAX_DETAIL_CHARS = 160;
const MAX_MESSAGE_CHARS = 4000;
const ORDER_ID = /^\d{1,12}$/;

export function isAdminCommand(name: string): name is AdminCommand {
  return (ADMIN_COMMANDS as readonly string[]).includes(name);
}

/**
 * An operator command, on any channel: the answer goes to `tell` (a long /sync tells twice: started, then done).
 * Failures are told with their cause rather than the customer's generic apology.
 */
export async function runAdminCommand(ui: Ui, deps: ScreenDeps, logger: Logger, command: AdminCommand, argument: string, tell: (text: string) => Promise<unknown>): Promise<void> {
  const guarded = async (action: () => Promise<string>) => {
    let text: string;
    try {
      text = await action();
    } catch (error) {
      logger.error({ err: error, command }, "admin command failed");
      text = ui.t("admin-failed", { cause: causeOf(error) });
    }
    await tell(text);
  };
  const withOrderId = (action: (id: number) => Promise<string>) => {
    const id = argument.trim();
    return ORDER_ID.test(id) ? guarded(() => action(Number(id))) : tell(ui.t(`admin-usage-${command}`)).then(() => undefined);
  };
  switch (command) {
    case "balance":
      return guarded(() => balanceText(ui, deps));
    case "orders":
      return guarded(() => ordersText(ui, deps));
    case "order":
      return withOrderId((id) => storyText(ui, deps, id));
    case "retry":
      return withOrderId(async (id) => {
        const result = await deps.shop.retry(id);
        const key = result === "queued" ? "admin-retry-queued" : result === "not_found" ? "admin-order-not-found" : "admin-retry-not-retryable";
        return ui.t(key, { id: String(id) });
      });
    case "refund":
      return withOrderId(async (id) => {
        const result = await deps.shop.refund(id);
        return ui.t(result === "not_found" ? "admin-order-not-found" : `admin-refund-${result.replaceAll("_", "-")}`, { id: String(id) });
      });
    case "stats":
      return guarded(() => statsText(ui, deps));
    case "sync":
      return sync(ui, deps, logger, tell);
  }
}

async function balanceText(ui: Ui, deps: ScreenDeps): Promise<string> {
  const { balanceMinor, currency, low } = await deps.shop.balance();
  const amount = price(balanceMinor, currency, ui.language);
  const costs = deps.catalogue.costStats();
  const lines =
    costs && costs.currency === currency && costs.cheapestMinor > 0 && costs.medianMinor > 0
      ? [
          ui.t("admin-balance", {
            balance: amount,
            "cheapest-count": Math.floor(balanceMinor / costs.cheapestMinor),
            cheapest: price(costs.cheapestMinor, currency, ui.language),
            "median-count": Math.floor(balanceMinor / costs.medianMinor),
            median: price(costs.medianMinor, currency, ui.language),
          }),
        ]
      : [ui.t("admin-balance-no-catalogue", { balance: amount })];
  if (low || balanceMinor < deps.settings.lowBalanceThresholdMinor) {
    lines.push("", ui.t("admin-balance-low", { threshold: price(deps.settings.lowBalanceThresholdMinor, currency, ui.language) }));
  }
  return lines.join("\n");
}

async function ordersText(ui: Ui, deps: ScreenDeps): Promise<string> {
  const [recent, problems] = await Promise.all([deps.shop.recentOrders(RECENT_ORDERS), deps.shop.problemOrders()]);
  const list = (items: Order[]) => (items.length === 0 ? [ui.t("admin-orders-none")] : items.map((order) => orderLine(ui, order)));
  return truncate([ui.t("admin-orders-problems"), ...list(problems), "", ui.t("admin-orders-recent"), ...list(recent)].join("\n"));
}

function orderLine(ui: Ui, order: Order): string {
  return ui.t("admin-order-line", {
    id: String(order.id),
    status: order.status,
    bundle: order.bundle_name,
    price: price(order.price_minor, order.currency, ui.language),
    at: dateTime(new Date(order.created_at), ui.language),
  });
}

async function storyText(ui: Ui, deps: ScreenDeps, id: number): Promise<string> {
  const found = await deps.shop.orderStory(id);
  if (!found) return ui.t("admin-order-not-found", { id: String(id) });
  const { order, events } = found;
  const none = ui.t("admin-none");
  const header = ui.t("admin-order-story", {
    id: String(order.id),
    status: order.status,
    customer: String(order.customer_id),
    kind: order.kind === "topup" ? `topup → ${order.target_iccid ?? none}` : order.kind,
    bundle: `${order.bundle_name} (${order.bundle_description})`,
    price: price(order.price_minor, order.currency, ui.language),
    cost: price(order.provider_cost_minor, order.provider_currency, ui.language),
    created: dateTime(new Date(order.created_at), ui.language),
    reference: order.esimgo_order_reference ?? none,
    attempts: order.attempts,
    error: order.last_error ?? none,
    refund: order.refund_status ? `${order.refund_status}${order.refund_id ? ` (${order.refund_id})` : ""}` : none,
  });
  const eventLines = events.slice(-STORY_EVENTS).map((event) =>
    ui.t("admin-order-event", { at: dateTime(new Date(event.at), ui.language), type: event.type, detail: detailText(event.detail) }),
  );
  return truncate([header, "", ui.t("admin-order-events"), ...eventLines].join("\n"));
}

async function statsText(ui: Ui, deps: ScreenDeps): Promise<string> {
  const periods = await deps.shop.stats();
  const lines = periods.map((period) =>
    ui.t("admin-stats-line", {
      period: ui.t(`period-${period.period}`),
      sales: period.sales,
      revenue: price(period.revenueMinor, period.currency, ui.language),
      cost: price(period.costMinor, period.currency, ui.language),
      margin: price(period.marginMinor, period.currency, ui.language),
    }),
  );
  const discounts = periods
    .filter((period) => period.discountMinor > 0)
    .map((period) =>
      ui.t("admin-stats-discounts", { period: ui.t(`period-${period.period}`), sales: period.discountedSales, discount: price(period.discountMinor, period.currency, ui.language) }),
    );
  return [ui.t("admin-stats-title"), ...lines, ...discounts].join("\n");
}

/** A full sync takes longer than an update may: it runs in the background and reports when it is done. */
async function sync(ui: Ui, deps: ScreenDeps, logger: Logger, tell: (text: string) => Promise<unknown>): Promise<void> {
  await tell(ui.t("admin-sync-started"));
  void deps.catalogue
    .sync()
    .then((outcome) => (outcome.ok ? ui.t("admin-sync-ok", { count: outcome.bundleCount }) : ui.t("admin-sync-failed", { cause: outcome.error ?? ui.t("unknown-amount") })))
    .catch((error: unknown) => ui.t("admin-failed", { cause: causeOf(error) }))
    .then((text) => tell(text))
    .catch((error: unknown) => logger.error({ err: error }, "could not report the catalogue sync"));
}

function detailText(detail: unknown): string {
  if (detail === null || detail === undefined) return "";
  const text = typeof detail === "string" ? detail : JSON.stringify(detail);
  return text.length > MAX_DETAIL_CHARS ? `${text.slice(0, MAX_DETAIL_CHARS)}…` : text;
}

function truncate(text: string): string {
  return text.length > MAX_MESSAGE_CHARS ? `${text.slice(0, MAX_MESSAGE_CHARS)}…` : text;
}

function causeOf(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).slice(0, 300);
}
