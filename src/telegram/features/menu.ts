import { Composer } from "grammy";
import type { Language } from "../../customers/index.ts";
import { callbackData, callbackPattern, pageNumber, planTitle } from "../../copy/index.ts";
import { destinationsScreen, eraseOutcomeScreen, eraseQuestionScreen, helpScreen, isRegion, languageScreen, mainMenu, menuActions, PAYABLE_AGAIN, regionScreen, regionsScreen, returnFromPaymentScreen } from "../../screens/index.ts";
import { customerIdOf, type BotContext, type FeatureDeps } from "../context.ts";
import { startCheckout } from "../checkout.ts";
import { eraseConversationState } from "../conversation-storage.ts";
import { setLanguage } from "../middleware.ts";
import { show } from "../ui.ts";

const ORDER_PAYLOAD = /^(paid|cancel)_(\d{1,12})$/;

/** /start (with the deep links Stripe returns to), the main menu, /buy, regions, /help and /language. */
export function menuFeature(deps: FeatureDeps): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  const buttons = feature.on("callback_query:data");

  feature.command("start", async (ctx) => {
    // Starting the bot makes a person a customer; browsing without /start (a forwarded link) writes nothing.
    const customerId = await customerIdOf(ctx);
    const payload = ORDER_PAYLOAD.exec(ctx.match.trim());
    if (payload) return show(ctx, await returnFromPaymentScreen(ctx, deps, customerId, payload[1] as "paid" | "cancel", Number(payload[2])));
    await show(ctx, mainMenu(ctx, ctx.t("welcome", { name: ctx.from?.first_name ?? "" })));
  });
  feature.command("menu", (ctx) => show(ctx, mainMenu(ctx)));
  feature.command("buy", (ctx) => show(ctx, destinationsScreen(ctx, deps)));
  feature.command("help", (ctx) => show(ctx, helpScreen(ctx, deps)));
  feature.command("language", (ctx) => show(ctx, languageScreen(ctx)));
  feature.command("deletemydata", (ctx) => show(ctx, eraseQuestionScreen(ctx)));
  buttons.callbackQuery(callbackData.eraseConfirmed, async (ctx) => {
    const customer = ctx.identity ? await deps.customers.current(ctx.identity) : undefined;
    const outcome = customer ? await deps.shop.eraseCustomer(customer.id) : "erased";
    if (outcome === "erased") {
      if (ctx.identity) deps.customers.forget(ctx.identity);
      if (ctx.chat) await eraseConversationState(deps.db, ctx.chat.id);
      ctx.customer = undefined;
    }
    await show(ctx, eraseOutcomeScreen(ctx, outcome));
  });

  buttons.callbackQuery(callbackPattern.nav, async (ctx, next) => {
    const target = ctx.match[1];
    if (target === "menu") return show(ctx, mainMenu(ctx));
    if (target === "buy") return show(ctx, destinationsScreen(ctx, deps));
    if (target === "regions") return show(ctx, regionsScreen(ctx, deps));
    if (target === "help") return show(ctx, helpScreen(ctx, deps));
    if (target === "lang") return show(ctx, languageScreen(ctx));
    return next(); // "esims" belongs to the My eSIMs feature
  });
  buttons.callbackQuery(callbackPattern.region, async (ctx) => {
    const region = ctx.match[1]!;
    if (!isRegion(region)) return show(ctx, regionsScreen(ctx, deps));
    await show(ctx, regionScreen(ctx, deps, region, pageNumber(ctx.match[2])));
  });
  buttons.callbackQuery(callbackPattern.language, async (ctx) => {
    const language = ctx.match[1] as Language;
    const customer = await ctx.ensureCustomer();
    if (ctx.identity) ctx.customer = await deps.customers.setLanguage(ctx.identity, customer, language);
    setLanguage(ctx, language);
    await show(ctx, mainMenu(ctx, ctx.t("language-set")));
  });
  buttons.callbackQuery(callbackPattern.payAgain, (ctx) => payAgain(ctx, deps, Number(ctx.match[1])));
  return feature;
}

/** A new (or the same, still valid) payment link for an unpaid order; the shop reuses or renews the session. */
async function payAgain(ctx: BotContext, deps: FeatureDeps, orderId: number): Promise<void> {
  const order = await deps.shop.customerOrder(await customerIdOf(ctx), orderId);
  if (!order || !PAYABLE_AGAIN.has(order.status)) {
    return show(ctx, { text: ctx.t("order-not-payable", { order: String(orderId) }), actions: menuActions(ctx) });
  }
  const bundle = deps.catalogue.bundle(order.bundle_name);
  if (!bundle) return show(ctx, { text: ctx.t("bundle-gone"), actions: menuActions(ctx) });
  await ctx.answerCallbackQuery();
  await startCheckout(ctx, {
    bundleName: bundle.name,
    plan: planTitle(bundle, bundle.countries[0] ?? "", ctx.t, ctx.language),
    shownPriceMinor: order.price_minor,
    // The way the customer chose before: a Stars buyer may have no card to pay a link with.
    method: order.payment_method === "stars" && deps.settings.stars ? "stars" : "card",
    ...(order.target_iccid ? { targetIccid: order.target_iccid } : {}),
  });
}
