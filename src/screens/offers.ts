import { countryByIso, regionName, type BundleView } from "../catalogue/index.ts";
import {
  bundleKey,
  callbackData,
  clampPage,
  countryName,
  coverageList,
  dataAmount,
  days,
  pageCount,
  planTitle,
  price,
  reply,
  type Screen,
} from "../copy/index.ts";
import { STARS_CURRENCY, starsPrice } from "../pricing/index.ts";
import type { ScreenDeps, ScreenSettings, Ui } from "./context.ts";
import { destinationsScreen, menuActions, pagination } from "./destinations.ts";

/** The bundle behind a button, looked up again among today's offers: never trusted from the button. */
export function findOffer(deps: ScreenDeps, iso2: string, key: string): BundleView | undefined {
  return deps.catalogue.offersForCountry(iso2).find((bundle) => bundleKey(bundle.name) === key);
}

/** The plans of a country, a page at a time: local first, then regional, then global. */
export function offersScreen(ui: Ui, deps: ScreenDeps, iso2: string, page: number): Screen {
  // A page number from a button is clamped before it names a cache entry: forged ones cannot fill the cache.
  const current = clampPage(page, deps.catalogue.offersForCountry(iso2).length, deps.settings.pageSize);
  return deps.screens.get(`offers:${ui.language}:${iso2}:${current}`, () => buildOffersScreen(ui, deps, iso2, current));
}

function buildOffersScreen(ui: Ui, deps: ScreenDeps, iso2: string, page: number): Screen {
  const country = countryByIso(iso2);
  if (!deps.catalogue.isAvailable()) return { text: ui.t("shop-unavailable"), actions: menuActions(ui) };
  if (!country) return { text: ui.t("button-expired"), actions: menuActions(ui) };
  const offers = deps.catalogue.offersForCountry(country.iso2);
  const name = countryName(country, ui.language);
  if (offers.length === 0) return destinationsScreen(ui, deps, ui.t("search-no-offers", { flag: country.flag, country: name }));

  const size = deps.settings.pageSize;
  const pages = pageCount(offers.length, size);
  const current = clampPage(page, offers.length, size);
  const shown = offers.slice(current * size, (current + 1) * size);
  const actions = [
    ...shown.map((bundle) => [reply(offerButton(ui, bundle, country.flag), callbackData.details(country.iso2, bundle.name))]),
    ...pagination(ui, current, pages, (p) => callbackData.offers(country.iso2, p)),
    [reply(ui.t("btn-back"), callbackData.nav("buy"))],
  ];
  const legend = legendLines(ui, shown, country.flag, name);
  const text = [ui.t("offers-title", { flag: country.flag, country: name, page: current + 1, pages }), ...legend, "", ui.t("offers-choose")].join("\n");
  return { text, actions };
}

function legendLines(ui: Ui, shown: BundleView[], flag: string, country: string): string[] {
  const scopes = new Set(shown.map((bundle) => bundle.scope));
  const lines: string[] = [];
  if (scopes.has("local")) lines.push(ui.t("offers-legend-local", { flag, country }));
  if (scopes.has("regional")) lines.push(ui.t("offers-legend-regional"));
  if (scopes.has("global")) lines.push(ui.t("offers-legend-global"));
  return lines;
}

/** "🇩🇪 1 GB · 7 days · $4.99", "🌍 Europe (39) · 5 GB · 30 days · $19.99". */
export function offerButton(ui: Ui, bundle: BundleView, flag: string): string {
  const common = {
    data: dataAmount(bundle, ui.t, ui.language),
    days: days(bundle.durationDays, ui.t),
    price: price(bundle.priceMinor, bundle.currency, ui.language),
  };
  if (bundle.scope === "regional") {
    const region = bundle.region ? regionName(bundle.region, ui.language) : (bundle.regionLabel ?? "");
    return ui.t("offer-button-regional", { ...common, region, count: bundle.countries.length });
  }
  if (bundle.scope === "global") return ui.t("offer-button-global", common);
  return ui.t("offer-button-local", { ...common, flag });
}

export function detailsScreen(ui: Ui, bundle: BundleView, iso2: string): Screen {
  const country = countryByIso(iso2);
  const amount = price(bundle.priceMinor, bundle.currency, ui.language);
  const text = ui.t("details", {
    flag: country?.flag ?? "",
    title: planTitle(bundle, iso2, ui.t, ui.language),
    data: dataAmount(bundle, ui.t, ui.language),
    days: days(bundle.durationDays, ui.t),
    coverage: coverageList(bundle, iso2, ui.t, ui.language),
    speed: bundle.speed.length > 0 ? bundle.speed.join(", ") : ui.t("details-speed-unknown"),
    start: ui.t(bundle.autostart ? "details-starts-first-use" : "details-starts-now"),
    price: amount,
  });
  return {
    text,
    actions: [[reply(ui.t("btn-buy", { price: amount }), callbackData.confirm(iso2, bundle.name))], [reply(ui.t("btn-back-offers"), callbackData.offers(iso2, 0))]],
  };
}

/**
 * The order to confirm, and how to pay it. With Stars on (Telegram), the price in Stars (computed here from the retail
 * price; the checkout computes it again from the database) stands next to the card price, and both are offered.
 */
export function confirmScreen(ui: Ui, bundle: BundleView, iso2: string, starsSettings?: ScreenSettings["stars"]): Screen {
  const country = countryByIso(iso2);
  const amount = price(bundle.priceMinor, bundle.currency, ui.language);
  const text = ui.t("confirm", {
    destination: country ? `${country.flag} ${countryName(country, ui.language)}` : iso2,
    plan: planTitle(bundle, iso2, ui.t, ui.language),
    days: days(bundle.durationDays, ui.t),
    price: amount,
  });
  const stars = starsSettings ? starsPrice(bundle.priceMinor, bundle.currency, starsSettings.usdPerStar) : undefined;
  const change = reply(ui.t("btn-change"), callbackData.offers(iso2, 0));
  if (stars === undefined) return { text, actions: [[reply(ui.t("btn-pay", { price: amount }), callbackData.pay(iso2, bundle.name, bundle.priceMinor)), change]] };
  const starsAmount = price(stars, STARS_CURRENCY, ui.language);
  return {
    text: `${text}\n${ui.t("confirm-stars-price", { stars: starsAmount })}`,
    actions: [
      [reply(ui.t("btn-pay-card", { price: amount }), callbackData.pay(iso2, bundle.name, bundle.priceMinor))],
      [reply(ui.t("btn-pay-stars", { stars: starsAmount }), callbackData.payStars(iso2, bundle.name, bundle.priceMinor))],
      [change],
    ],
  };
}

/** A plan's details or confirmation, from the catalogue as it is now (cached per language and catalogue revision). */
export function offerScreen(ui: Ui, deps: ScreenDeps, iso2: string, key: string, kind: "details" | "confirm"): Screen | undefined {
  const bundle = findOffer(deps, iso2, key);
  if (!bundle) return undefined;
  const build = kind === "details" ? detailsScreen : confirmScreen;
  return deps.screens.get(`${kind}:${ui.language}:${iso2}:${bundle.name}`, () => build(ui, bundle, iso2, deps.settings.stars));
}

/** An old button of a plan that is no longer sold. */
export function bundleGoneScreen(ui: Ui, iso2: string): Screen {
  return { text: ui.t("bundle-gone"), actions: [[reply(ui.t("btn-back-offers"), callbackData.offers(iso2, 0))], ...menuActions(ui)] };
}
