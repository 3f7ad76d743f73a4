import { Composer, type CommandContext } from "grammy";
import type { Order } from "../../db/schema.ts";
import type { BotContext, FeatureDeps } from "../context.ts";
import { dateTime, price } from "../format.ts";
import { translatorFor } from "../i18n.ts";

const RECENT_ORDERS = 10;
const STORY_EVENTS = 25;
const MAX_DETAIL_CHARS = 160;
const MAX_MESSAGE_CHARS = 4000;
const ORDER_ID = /^\d{1,12}$/;

type AdminContext = CommandContext<BotContext>;

/** Operator commands. For anyone not in adminIds the commands fall through and get the unknown-command answer. */
export function adminFeature(deps: FeatureDeps): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  const admins = new Set(deps.settings.adminIds);
  const admin = feature.filter((ctx) => ctx.from !== undefined && admins.has(ctx.from.id));

  admin.command("balance", (ctx) => guarded(ctx, () => balance(ctx, deps)));
  admin.command("orders", (ctx) => guarded(ctx, () => orders(ctx, deps)));
  admin.command("order", (ctx) => withOrderId(ctx, "admin-usage-order", (id) => story(ctx, deps, id)));
  admin.command("retry", (ctx) =>
    withOrderId(ctx, "admin-usage-retry", async (id) => {
      const result = await deps.shop.retry(id);
      const key = result === "queued" ? "admin-retry-queued" : result === "not_found" ? "admin-order-not-found" : "admin-retry-not-retryable";
      await ctx.reply(ctx.t(key, { id: String(id) }));
    }),
  );
  admin.command("refund", (ctx) =>
    withOrderId(ctx, "admin-usage-refund", async (id) => {
      const result = await deps.shop.refund(id);
      const key = result === "not_found" ? "admin-order-not-found" : `admin-refund-${result.replace("_", "-")}`;
      await ctx.reply(ctx.t(key, { id: String(id) }));
    }),
  );
  admin.command("stats", (ctx) => guarded(ctx, () => stats(ctx, deps)));
  admin.command("sync", (ctx) => guarded(ctx, () => sync(ctx, deps)));
  return feature;
}

/** Operator errors are shown with their cause rather than the customer's generic apology. */
async function guarded(ctx: AdminContext, action: () => Promise<void>): Promise<void> {
  try {
    await action();
  } catch (error) {
    ctx.logger.error({ err: error, command: ctx.message?.text }, "admin command failed");
    await ctx.reply(ctx.t("admin-failed", { cause: causeOf(error) }));
  }
}

async function withOrderId(ctx: AdminContext, usageKey: string, action: (id: number) => Promise<void>): Promise<void> {
  const argument = ctx.match.trim();
  if (!ORDER_ID.test(argument)) {
    await ctx.reply(ctx.t(usageKey));
    return;
  }
  await guarded(ctx, () => action(Number(argument)));
}

async function balance(ctx: AdminContext, deps: FeatureDeps): Promise<void> {
  const { balanceMinor, currency, low } = await deps.shop.balance();
  const amount = price(balanceMinor, currency, ctx.language);
  const costs = deps.catalogue.costStats();
  const lines =
    costs && costs.currency === currency && costs.cheapestMinor > 0 && costs.medianMinor > 0
      ? [
          ctx.t("admin-balance", {
            balance: amount,
            "cheapest-count": Math.floor(balanceMinor / costs.cheapestMinor),
            cheapest: price(costs.cheapestMinor, currency, ctx.language),
            "median-count": Math.floor(balanceMinor / costs.medianMinor),
            median: price(costs.medianMinor, currency, ctx.language),
          }),
        ]
      : [ctx.t("admin-balance-no-catalogue", { balance: amount })];
  if (low || balanceMinor < deps.settings.lowBalanceThresholdMinor) {
    lines.push("", ctx.t("admin-balance-low", { threshold: price(deps.settings.lowBalanceThresholdMinor, currency, ctx.language) }));
  }
  await ctx.reply(lines.join("\n"));
}

async function orders(ctx: AdminContext, deps: FeatureDeps): Promise<void> {
  const [recent, problems] = await Promise.all([deps.shop.recentOrders(RECENT_ORDERS), deps.shop.problemOrders()]);
  const list = (items: Order[]) => (items.length === 0 ? [ctx.t("admin-orders-none")] : items.map((order) => orderLine(ctx, order)));
  const text = [ctx.t("admin-orders-problems"), ...list(problems), "", ctx.t("admin-orders-recent"), ...list(recent)].join("\n");
  await ctx.reply(truncate(text));
}

function orderLine(ctx: AdminContext, order: Order): string {
  return ctx.t("admin-order-line", {
    id: String(order.id),
    status: order.status,
    bundle: order.bundle_name,
    price: price(order.price_minor, order.currency, ctx.language),
    at: dateTime(new Date(order.created_at), ctx.language),
  });
}

async function story(ctx: AdminContext, deps: FeatureDeps, id: number): Promise<void> {
  const found = await deps.shop.orderStory(id);
  if (!found) {
    await ctx.reply(ctx.t("admin-order-not-found", { id: String(id) }));
    return;
  }
  const { order, events } = found;
  const none = ctx.t("admin-none");
  const header = ctx.t("admin-order-story", {
    id: String(order.id),
    status: order.status,
    customer: String(order.customer_id),
    kind: order.kind === "topup" ? `topup → ${order.target_iccid ?? none}` : order.kind,
    bundle: `${order.bundle_name} (${order.bundle_description})`,
    price: price(order.price_minor, order.currency, ctx.language),
    cost: price(order.provider_cost_minor, order.provider_currency, ctx.language),
    created: dateTime(new Date(order.created_at), ctx.language),
    reference: order.esimgo_order_reference ?? none,
    attempts: order.attempts,
    error: order.last_error ?? none,
    refund: order.refund_status ? `${order.refund_status}${order.refund_id ? ` (${order.refund_id})` : ""}` : none,
  });
  const eventLines = events.slice(-STORY_EVENTS).map((event) =>
    ctx.t("admin-order-event", { at: dateTime(new Date(event.at), ctx.language), type: event.type, detail: detailText(event.detail) }),
  );
  await ctx.reply(truncate([header, "", ctx.t("admin-order-events"), ...eventLines].join("\n")));
}

async function stats(ctx: AdminContext, deps: FeatureDeps): Promise<void> {
  const periods = await deps.shop.stats();
  const lines = periods.map((period) =>
    ctx.t("admin-stats-line", {
      period: ctx.t(`period-${period.period}`),
      sales: period.sales,
      revenue: price(period.revenueMinor, period.currency, ctx.language),
      cost: price(period.costMinor, period.currency, ctx.language),
      margin: price(period.marginMinor, period.currency, ctx.language),
    }),
  );
  await ctx.reply([ctx.t("admin-stats-title"), ...lines].join("\n"));
}

/**
 * A full sync takes longer than an update may (updates are handled one after another, and a webhook call gives up after
 * 10 s): it runs in the background and reports to the admin's chat when it is done.
 */
async function sync(ctx: AdminContext, deps: FeatureDeps): Promise<void> {
  await ctx.reply(ctx.t("admin-sync-started"));
  const chatId = ctx.chat.id;
  const t = translatorFor(ctx.language);
  const logger = ctx.logger;
  void deps.catalogue
    .sync()
    .then((outcome) => (outcome.ok ? t("admin-sync-ok", { count: outcome.bundleCount }) : t("admin-sync-failed", { cause: outcome.error ?? t("unknown-amount") })))
    .catch((error: unknown) => t("admin-failed", { cause: causeOf(error) }))
    .then((text) => ctx.api.sendMessage(chatId, text))
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
