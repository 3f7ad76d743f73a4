import { InlineKeyboard } from "grammy";
import { countriesInRegion, countryByIso, POPULAR_COUNTRIES, REGION_IDS, regionName, type Country, type RegionId } from "../../catalogue/index.ts";
import type { BaseContext, FeatureDeps } from "../context.ts";
import { callbackData } from "../callback-data.ts";
import { clampPage, countryName, pageCount } from "../format.ts";
import type { Screen } from "../ui.ts";

const POPULAR_SHOWN = 8;

/** "Where are you travelling?" with popular destinations and the way to regions. */
export function destinationsScreen(ctx: BaseContext, deps: FeatureDeps, text = ctx.t("buy-title")): Screen {
  if (!deps.catalogue.isAvailable()) return { text: ctx.t("shop-unavailable"), keyboard: menuKeyboard(ctx) };
  const keyboard = countryButtons(ctx, popularCountries(deps), 2);
  keyboard.row().text(ctx.t("buy-by-region"), callbackData.nav("regions"));
  keyboard.row().text(ctx.t("btn-menu"), callbackData.nav("menu"));
  return { text, keyboard };
}

export function regionsScreen(ctx: BaseContext, deps: FeatureDeps): Screen {
  const withOffers = new Set(deps.catalogue.countriesWithOffers().map((country) => country.region));
  const keyboard = new InlineKeyboard();
  REGION_IDS.filter((region) => withOffers.has(region)).forEach((region, index) => {
    if (index > 0 && index % 2 === 0) keyboard.row();
    keyboard.text(regionName(region, ctx.language), callbackData.region(region, 0));
  });
  keyboard.row().text(ctx.t("btn-back"), callbackData.nav("buy"));
  return { text: ctx.t("regions-title"), keyboard };
}

export function regionScreen(ctx: BaseContext, deps: FeatureDeps, region: RegionId, page: number): Screen {
  const offered = new Set(deps.catalogue.countriesWithOffers().map((country) => country.iso2));
  const countries = countriesInRegion(region)
    .filter((country) => offered.has(country.iso2))
    .sort((a, b) => countryName(a, ctx.language).localeCompare(countryName(b, ctx.language), ctx.language));
  const perPage = deps.settings.pageSize * 2;
  const current = clampPage(page, countries.length, perPage);
  const keyboard = countryButtons(ctx, countries.slice(current * perPage, (current + 1) * perPage), 2);
  pagination(ctx, keyboard, current, pageCount(countries.length, perPage), (p) => callbackData.region(region, p));
  keyboard.row().text(ctx.t("btn-back"), callbackData.nav("regions"));
  const text = ctx.t("region-title", { region: regionName(region, ctx.language), page: current + 1, pages: pageCount(countries.length, perPage) });
  return { text, keyboard };
}

export function isRegion(value: string): value is RegionId {
  return (REGION_IDS as readonly string[]).includes(value);
}

export function popularCountries(deps: FeatureDeps): Country[] {
  const offered = new Set(deps.catalogue.countriesWithOffers().map((country) => country.iso2));
  return POPULAR_COUNTRIES.filter((iso) => offered.has(iso))
    .map((iso) => countryByIso(iso))
    .filter((country): country is Country => country !== undefined)
    .slice(0, POPULAR_SHOWN);
}

export function countryButtons(ctx: BaseContext, countries: readonly Country[], perRow: number): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  countries.forEach((country, index) => {
    if (index > 0 && index % perRow === 0) keyboard.row();
    keyboard.text(`${country.flag} ${countryName(country, ctx.language)}`, callbackData.offers(country.iso2, 0));
  });
  return keyboard;
}

export function pagination(ctx: BaseContext, keyboard: InlineKeyboard, page: number, pages: number, dataOf: (page: number) => string): void {
  if (pages <= 1) return;
  keyboard.row();
  if (page > 0) keyboard.text(ctx.t("btn-prev"), dataOf(page - 1));
  if (page < pages - 1) keyboard.text(ctx.t("btn-next"), dataOf(page + 1));
}

export function menuKeyboard(ctx: BaseContext): InlineKeyboard {
  return new InlineKeyboard().text(ctx.t("btn-menu"), callbackData.nav("menu"));
}
