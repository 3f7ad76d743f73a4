import { Composer, InlineKeyboard } from "grammy";
import { countryByIso, regionName, type BundleView } from "../../catalogue/index.ts";
import type { BaseContext, BotContext, FeatureDeps } from "../context.ts";
import { callbackData, callbackPattern, bundleKey, pageNumber } from "../callback-data.ts";
import { startCheckout } from "../checkout.ts";
import { clampPage, countryName, coverageList, dataAmount, days, pageCount, planTitle, price } from "../format.ts";
import { show, type Screen } from "../ui.ts";
import { destinationsScreen, menuKeyboard, pagination } from "./destinations.ts";

/** Plans of a country → details → confirmation → Pay. Stateless: everything comes from the callback data and the catalogue. */
export function offersFeature(deps: FeatureDeps): Composer<BotContext> {
  const feature = new Composer<BotContext>();

  feature.callbackQuery(callbackPattern.offers, (ctx) => show(ctx, offersScreen(ctx, deps, ctx.match[1]!, pageNumber(ctx.match[2]))));
  feature.callbackQuery(callbackPattern.details, (ctx) => showOffer(ctx, deps, ctx.match[1]!, ctx.match[2]!, "details", detailsScreen));
  feature.callbackQuery(callbackPattern.confirm, (ctx) => showOffer(ctx, deps, ctx.match[1]!, ctx.match[2]!, "confirm", confirmScreen));
  feature.callbackQuery(callbackPattern.pay, async (ctx) => {
    const iso2 = ctx.match[1]!;
    const bundle = findOffer(deps, iso2, ctx.match[2]!);
    if (!bundle) return tellBundleGone(ctx, iso2);
    await ctx.answerCallbackQuery();
    await startCheckout(ctx, { bundleName: bundle.name, plan: planTitle(bundle, iso2, ctx.t, ctx.language), shownPriceMinor: Number(ctx.match[3]) });
  });
  return feature;
}

/** The bundle behind a button, looked up again among today's offers: never trusted from the button. */
export function findOffer(deps: FeatureDeps, iso2: string, key: string): BundleView | undefined {
  return deps.catalogue.offersForCountry(iso2).find((bundle) => bundleKey(bundle.name) === key);
}

async function showOffer(
  ctx: BotContext,
  deps: FeatureDeps,
  iso2: string,
  key: string,
  kind: string,
  screen: (ctx: BaseContext, bundle: BundleView, iso2: string) => Screen,
): Promise<void> {
  const bundle = findOffer(deps, iso2, key);
  if (!bundle) return tellBundleGone(ctx, iso2);
  await show(ctx, deps.screens.get(`${kind}:${ctx.language}:${iso2}:${bundle.name}`, () => screen(ctx, bundle, iso2)));
}

/** An old button of a plan that is no longer sold: says so on the message and in the answer. */
async function tellBundleGone(ctx: BotContext, iso2: string): Promise<void> {
  await show(ctx, bundleGoneScreen(ctx, iso2));
  await ctx.answerCallbackQuery({ text: ctx.t("bundle-gone") });
}

export function offersScreen(ctx: BaseContext, deps: FeatureDeps, iso2: string, page: number): Screen {
  return deps.screens.get(`offers:${ctx.language}:${iso2}:${page}`, () => buildOffersScreen(ctx, deps, iso2, page));
}

function buildOffersScreen(ctx: BaseContext, deps: FeatureDeps, iso2: string, page: number): Screen {
  const country = countryByIso(iso2);
  if (!deps.catalogue.isAvailable()) return { text: ctx.t("shop-unavailable"), keyboard: menuKeyboard(ctx) };
  if (!country) return { text: ctx.t("button-expired"), keyboard: menuKeyboard(ctx) };
  const offers = deps.catalogue.offersForCountry(country.iso2);
  const name = countryName(country, ctx.language);
  if (offers.length === 0) return destinationsScreen(ctx, deps, ctx.t("search-no-offers", { flag: country.flag, country: name }));

  const size = deps.settings.pageSize;
  const pages = pageCount(offers.length, size);
  const current = clampPage(page, offers.length, size);
  const shown = offers.slice(current * size, (current + 1) * size);
  const keyboard = new InlineKeyboard();
  for (const bundle of shown) keyboard.text(offerButton(ctx, bundle, country.flag), callbackData.details(country.iso2, bundle.name)).row();
  pagination(ctx, keyboard, current, pages, (p) => callbackData.offers(country.iso2, p));
  keyboard.row().text(ctx.t("btn-back"), callbackData.nav("buy"));

  const legend = legendLines(ctx, shown, country.flag, name);
  const text = [ctx.t("offers-title", { flag: country.flag, country: name, page: current + 1, pages }), ...legend, "", ctx.t("offers-choose")].join("\n");
  return { text, keyboard };
}

function legendLines(ctx: BaseContext, shown: BundleView[], flag: string, country: string): string[] {
  const scopes = new Set(shown.map((bundle) => bundle.scope));
  const lines: string[] = [];
  if (scopes.has("local")) lines.push(ctx.t("offers-legend-local", { flag, country }));
  if (scopes.has("regional")) lines.push(ctx.t("offers-legend-regional"));
  if (scopes.has("global")) lines.push(ctx.t("offers-legend-global"));
  return lines;
}

/** "🇩🇪 1 GB · 7 days · $4.99", "🌍 Europe (39) · 5 GB · 30 days · $19.99". */
export function offerButton(ctx: BaseContext, bundle: BundleView, flag: string): string {
  const common = {
    data: dataAmount(bundle, ctx.t, ctx.language),
    days: days(bundle.durationDays, ctx.t),
    price: price(bundle.priceMinor, bundle.currency, ctx.language),
  };
  if (bundle.scope === "regional") {
    const region = bundle.region ? regionName(bundle.region, ctx.language) : (bundle.regionLabel ?? "");
    return ctx.t("offer-button-regional", { ...common, region, count: bundle.countries.length });
  }
  if (bundle.scope === "global") return ctx.t("offer-button-global", common);
  return ctx.t("offer-button-local", { ...common, flag });
}

export function detailsScreen(ctx: BaseContext, bundle: BundleView, iso2: string): Screen {
  const country = countryByIso(iso2);
  const amount = price(bundle.priceMinor, bundle.currency, ctx.language);
  const text = ctx.t("details", {
    flag: country?.flag ?? "",
    title: planTitle(bundle, iso2, ctx.t, ctx.language),
    data: dataAmount(bundle, ctx.t, ctx.language),
    days: days(bundle.durationDays, ctx.t),
    coverage: coverageList(bundle, iso2, ctx.t, ctx.language),
    speed: bundle.speed.length > 0 ? bundle.speed.join(", ") : ctx.t("details-speed-unknown"),
    start: ctx.t(bundle.autostart ? "details-starts-first-use" : "details-starts-now"),
    price: amount,
  });
  const keyboard = new InlineKeyboard()
    .text(ctx.t("btn-buy", { price: amount }), callbackData.confirm(iso2, bundle.name))
    .row()
    .text(ctx.t("btn-back-offers"), callbackData.offers(iso2, 0));
  return { text, keyboard };
}

export function confirmScreen(ctx: BaseContext, bundle: BundleView, iso2: string): Screen {
  const country = countryByIso(iso2);
  const amount = price(bundle.priceMinor, bundle.currency, ctx.language);
  const text = ctx.t("confirm", {
    destination: country ? `${country.flag} ${countryName(country, ctx.language)}` : iso2,
    plan: planTitle(bundle, iso2, ctx.t, ctx.language),
    days: days(bundle.durationDays, ctx.t),
    price: amount,
  });
  const keyboard = new InlineKeyboard()
    .text(ctx.t("btn-pay", { price: amount }), callbackData.pay(iso2, bundle.name, bundle.priceMinor))
    .text(ctx.t("btn-change"), callbackData.offers(iso2, 0));
  return { text, keyboard };
}

export function bundleGoneScreen(ctx: BaseContext, iso2: string): Screen {
  const keyboard = new InlineKeyboard().text(ctx.t("btn-back-offers"), callbackData.offers(iso2, 0)).row().text(ctx.t("btn-menu"), callbackData.nav("menu"));
  return { text: ctx.t("bundle-gone"), keyboard };
}
