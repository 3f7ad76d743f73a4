import { Composer, InlineKeyboard } from "grammy";
import { SUPPORTED_LANGUAGES, type Language } from "../../customers/index.ts";
import type { Order } from "../../db/schema.ts";
import { customerIdOf, type BaseContext, type BotContext, type FeatureDeps } from "../context.ts";
import { callbackData, callbackPattern, pageNumber } from "../callback-data.ts";
import { startCheckout } from "../checkout.ts";
import { planTitle } from "../format.ts";
import { show, type Screen } from "../ui.ts";
import { destinationsScreen, isRegion, menuKeyboard, regionScreen, regionsScreen } from "./destinations.ts";

const LANGUAGE_NAMES: Record<Language, string> = { en: "🇬🇧 English", ru: "🇷🇺 Русский", tr: "🇹🇷 Türkçe" };
const ORDER_PAYLOAD = /^(paid|cancel)_(\d{1,12})$/;
const PAYABLE_AGAIN: ReadonlySet<Order["status"]> = new Set(["pending_payment", "expired", "payment_failed"]);

/** /start (with the deep links Stripe returns to), the main menu, /buy, regions, /help and /language. */
export function menuFeature(deps: FeatureDeps): Composer<BotContext> {
  const feature = new Composer<BotContext>();

  feature.command("start", async (ctx) => {
    // Starting the bot makes a person a customer; browsing without /start (a forwarded link) writes nothing.
    await ctx.ensureCustomer();
    const payload = ORDER_PAYLOAD.exec(ctx.match.trim());
    if (payload) return returnFromPayment(ctx, deps, payload[1] as "paid" | "cancel", Number(payload[2]));
    await show(ctx, mainMenu(ctx, ctx.t("welcome", { name: ctx.from?.first_name ?? "" })));
  });
  feature.command("menu", (ctx) => show(ctx, mainMenu(ctx)));
  feature.command("buy", (ctx) => show(ctx, destinationsScreen(ctx, deps)));
  feature.command("help", (ctx) => show(ctx, helpScreen(ctx, deps)));
  feature.command("language", (ctx) => show(ctx, languageScreen(ctx)));

  feature.callbackQuery(callbackPattern.nav, async (ctx, next) => {
    const target = ctx.match[1];
    if (target === "menu") return show(ctx, mainMenu(ctx));
    if (target === "buy") return show(ctx, destinationsScreen(ctx, deps));
    if (target === "regions") return show(ctx, regionsScreen(ctx, deps));
    if (target === "help") return show(ctx, helpScreen(ctx, deps));
    if (target === "lang") return show(ctx, languageScreen(ctx));
    return next(); // "esims" belongs to the My eSIMs feature
  });
  feature.callbackQuery(callbackPattern.region, async (ctx) => {
    const region = ctx.match[1]!;
    if (!isRegion(region)) return show(ctx, regionsScreen(ctx, deps));
    await show(ctx, regionScreen(ctx, deps, region, pageNumber(ctx.match[2])));
  });
  feature.callbackQuery(callbackPattern.language, async (ctx) => {
    const language = ctx.match[1] as Language;
    ctx.customer = await deps.customers.setLanguage(await ctx.ensureCustomer(), language);
    ctx.language = language;
    ctx.i18n.useLocale(language);
    await show(ctx, mainMenu(ctx, ctx.t("language-set")));
  });
  feature.callbackQuery(callbackPattern.payAgain, (ctx) => payAgain(ctx, deps, Number(ctx.match[1])));
  return feature;
}

export function mainMenu(ctx: BaseContext, text = ctx.t("menu-title")): Screen {
  const keyboard = new InlineKeyboard()
    .text(ctx.t("menu-buy"), callbackData.nav("buy"))
    .text(ctx.t("menu-my-esims"), callbackData.nav("esims"))
    .row()
    .text(ctx.t("menu-help"), callbackData.nav("help"))
    .text(ctx.t("menu-language"), callbackData.nav("lang"));
  return { text, keyboard };
}

function helpScreen(ctx: BaseContext, deps: FeatureDeps): Screen {
  const lines = [ctx.t("help", { policy: deps.settings.refundPolicy })];
  if (deps.settings.supportContact) lines.push("", ctx.t("help-support", { contact: deps.settings.supportContact }));
  return { text: lines.join("\n"), keyboard: menuKeyboard(ctx) };
}

function languageScreen(ctx: BaseContext): Screen {
  const keyboard = new InlineKeyboard();
  for (const language of SUPPORTED_LANGUAGES) keyboard.text(LANGUAGE_NAMES[language], callbackData.language(language));
  keyboard.row().text(ctx.t("btn-menu"), callbackData.nav("menu"));
  return { text: ctx.t("language-choose"), keyboard };
}

async function returnFromPayment(ctx: BotContext, deps: FeatureDeps, kind: "paid" | "cancel", orderId: number): Promise<void> {
  const order = await deps.shop.customerOrder(await customerIdOf(ctx), orderId);
  if (!order) return show(ctx, mainMenu(ctx, ctx.t("start-order-unknown")));
  const id = String(order.id);
  if (kind === "paid") {
    const key = order.status === "delivered" ? "start-paid-delivered" : order.status === "pending_payment" ? "start-paid-pending" : "start-paid";
    return show(ctx, mainMenu(ctx, ctx.t(key, { order: id })));
  }
  if (!PAYABLE_AGAIN.has(order.status)) return show(ctx, mainMenu(ctx));
  const keyboard = new InlineKeyboard().text(ctx.t("btn-pay-again"), callbackData.payAgain(order.id)).row().text(ctx.t("btn-menu"), callbackData.nav("menu"));
  await show(ctx, { text: ctx.t("start-cancelled", { order: id }), keyboard });
}

/** A new (or the same, still valid) payment link for an unpaid order; the shop reuses or renews the session. */
async function payAgain(ctx: BotContext, deps: FeatureDeps, orderId: number): Promise<void> {
  const order = await deps.shop.customerOrder(await customerIdOf(ctx), orderId);
  if (!order || !PAYABLE_AGAIN.has(order.status)) {
    return show(ctx, { text: ctx.t("order-not-payable", { order: String(orderId) }), keyboard: menuKeyboard(ctx) });
  }
  const bundle = deps.catalogue.bundle(order.bundle_name);
  if (!bundle) return show(ctx, { text: ctx.t("bundle-gone"), keyboard: menuKeyboard(ctx) });
  await ctx.answerCallbackQuery();
  await startCheckout(ctx, {
    bundleName: bundle.name,
    plan: planTitle(bundle, bundle.countries[0] ?? "", ctx.t, ctx.language),
    shownPriceMinor: order.price_minor,
    ...(order.target_iccid ? { targetIccid: order.target_iccid } : {}),
  });
}
