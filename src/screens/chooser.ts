import { bestOffers, countryByIso, DATA_NEEDS, TRIP_LENGTHS, type Country, type DataNeed, type TripLength } from "../catalogue/index.ts";
import { callbackData, countryName, reply, type Screen } from "../copy/index.ts";
import type { ScreenDeps, Ui } from "./context.ts";
import { destinationsScreen, menuActions } from "./destinations.ts";
import { offerButton } from "./offers.ts";

/** Offers shown at once: few enough to compare at a glance, and to fit a WhatsApp list with room to spare. */
const BEST_SHOWN = 6;

/**
 * The plan chooser asks what a traveller knows (how long, how much data) and shows the best few offers for it; a
 * country's full list, often pages long, stays one tap away.
 */
export function chooserScreen(ui: Ui, deps: ScreenDeps, iso2: string): Screen {
  return deps.screens.get(`trip:${ui.language}:${iso2}`, () => {
    const country = destination(ui, deps, iso2);
    if ("text" in country) return country;
    return {
      text: ui.t("chooser-trip", { flag: country.flag, country: countryName(country, ui.language) }),
      actions: [
        ...TRIP_LENGTHS.map((trip) => [reply(ui.t(`chooser-trip-${trip}`), callbackData.chooseData(country.iso2, trip))]),
        [reply(ui.t("btn-all-plans"), callbackData.offers(country.iso2, 0))],
      ],
    };
  });
}

export function dataQuestionScreen(ui: Ui, deps: ScreenDeps, iso2: string, trip: TripLength): Screen {
  return deps.screens.get(`data:${ui.language}:${iso2}:${trip}`, () => {
    const country = destination(ui, deps, iso2);
    if ("text" in country) return country;
    return {
      text: ui.t("chooser-data", { flag: country.flag, country: countryName(country, ui.language), trip: tripLabel(ui, trip) }),
      actions: [
        ...DATA_NEEDS.map((data) => [reply(ui.t(`chooser-data-${data}`), callbackData.bestOffers(country.iso2, trip, data))]),
        [reply(ui.t("btn-back"), callbackData.chooseTrip(country.iso2))],
      ],
    };
  });
}

export function bestOffersScreen(ui: Ui, deps: ScreenDeps, iso2: string, trip: TripLength, data: DataNeed): Screen {
  return deps.screens.get(`best:${ui.language}:${iso2}:${trip}:${data}`, () => {
    const country = destination(ui, deps, iso2);
    if ("text" in country) return country;
    const best = bestOffers(deps.catalogue.offersForCountry(country.iso2), trip, data, BEST_SHOWN);
    const words = { flag: country.flag, country: countryName(country, ui.language), trip: tripLabel(ui, trip), data: ui.t(`chooser-data-${data}`) };
    const more = [
      [reply(ui.t("btn-all-plans"), callbackData.offers(country.iso2, 0))],
      [reply(ui.t("btn-other-answers"), callbackData.chooseTrip(country.iso2))],
    ];
    if (best.length === 0) return { text: ui.t("chooser-none", words), actions: more };
    return {
      text: ui.t("chooser-best", words),
      actions: [...best.map((bundle) => [reply(offerButton(ui, bundle, country.flag), callbackData.details(country.iso2, bundle.name))]), ...more],
    };
  });
}

function tripLabel(ui: Ui, trip: TripLength): string {
  return ui.t(`chooser-trip-${trip}`).toLowerCase();
}

/** The country, or the screen that says why there is nothing to choose from. */
function destination(ui: Ui, deps: ScreenDeps, iso2: string): Country | Screen {
  if (!deps.catalogue.isAvailable()) return { text: ui.t("shop-unavailable"), actions: menuActions(ui) };
  const country = countryByIso(iso2);
  if (!country) return { text: ui.t("button-expired"), actions: menuActions(ui) };
  if (deps.catalogue.offersForCountry(country.iso2).length === 0) {
    return destinationsScreen(ui, deps, ui.t("search-no-offers", { flag: country.flag, country: countryName(country, ui.language) }));
  }
  return country;
}
