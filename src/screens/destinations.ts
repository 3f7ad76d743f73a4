import { countriesInRegion, countryByIso, POPULAR_COUNTRIES, REGION_IDS, regionName, type Country, type RegionId } from "../catalogue/index.ts";
import { callbackData, clampPage, countryName, inRows, pageCount, reply, type Action, type Screen } from "../copy/index.ts";
import type { ScreenDeps, Ui } from "./context.ts";

const POPULAR_SHOWN = 8;

/** "Where are you travelling?" with popular destinations and the way to regions. */
export function destinationsScreen(ui: Ui, deps: ScreenDeps, text = ui.t("buy-title")): Screen {
  if (!deps.catalogue.isAvailable()) return { text: ui.t("shop-unavailable"), actions: menuActions(ui) };
  return {
    text,
    actions: [...countryButtons(ui, popularCountries(deps), 2), [reply(ui.t("buy-by-region"), callbackData.nav("regions"))], ...menuActions(ui)],
  };
}

export function regionsScreen(ui: Ui, deps: ScreenDeps): Screen {
  const withOffers = new Set(deps.catalogue.countriesWithOffers().map((country) => country.region));
  const regions = REGION_IDS.filter((region) => withOffers.has(region)).map((region) => reply(regionName(region, ui.language), callbackData.region(region, 0)));
  return { text: ui.t("regions-title"), actions: [...inRows(regions, 2), [reply(ui.t("btn-back"), callbackData.nav("buy"))]] };
}

export function regionScreen(ui: Ui, deps: ScreenDeps, region: RegionId, page: number): Screen {
  const offered = new Set(deps.catalogue.countriesWithOffers().map((country) => country.iso2));
  const countries = countriesInRegion(region)
    .filter((country) => offered.has(country.iso2))
    .sort((a, b) => countryName(a, ui.language).localeCompare(countryName(b, ui.language), ui.language));
  const perPage = deps.settings.pageSize * 2;
  const current = clampPage(page, countries.length, perPage);
  const pages = pageCount(countries.length, perPage);
  const actions = [
    ...countryButtons(ui, countries.slice(current * perPage, (current + 1) * perPage), 2),
    ...pagination(ui, current, pages, (p) => callbackData.region(region, p)),
    [reply(ui.t("btn-back"), callbackData.nav("regions"))],
  ];
  return { text: ui.t("region-title", { region: regionName(region, ui.language), page: current + 1, pages }), actions };
}

export function isRegion(value: string): value is RegionId {
  return (REGION_IDS as readonly string[]).includes(value);
}

export function popularCountries(deps: ScreenDeps): Country[] {
  const offered = new Set(deps.catalogue.countriesWithOffers().map((country) => country.iso2));
  return POPULAR_COUNTRIES.filter((iso) => offered.has(iso))
    .map((iso) => countryByIso(iso))
    .filter((country): country is Country => country !== undefined)
    .slice(0, POPULAR_SHOWN);
}

export function countryButtons(ui: Ui, countries: readonly Country[], perRow: number): Action[][] {
  return inRows(
    countries.map((country) => reply(`${country.flag} ${countryName(country, ui.language)}`, callbackData.chooseTrip(country.iso2))),
    perRow,
  );
}

/** ◀ and ▶ on a row of their own, when there is more than one page. */
export function pagination(ui: Ui, page: number, pages: number, dataOf: (page: number) => string): Action[][] {
  if (pages <= 1) return [];
  const row: Action[] = [];
  if (page > 0) row.push(reply(ui.t("btn-prev"), dataOf(page - 1)));
  if (page < pages - 1) row.push(reply(ui.t("btn-next"), dataOf(page + 1)));
  return [row];
}

export function menuActions(ui: Ui): Action[][] {
  return [[reply(ui.t("btn-menu"), callbackData.nav("menu"))]];
}
