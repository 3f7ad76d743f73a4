import { rememberingCountrySearch } from "../catalogue/index.ts";
import { callbackData, reply, type Screen } from "../copy/index.ts";
import type { ScreenDeps, Ui } from "./context.ts";
import { countryButtons, destinationsScreen, menuActions } from "./destinations.ts";
import { chooserScreen } from "./chooser.ts";

const MAX_CANDIDATES = 6;
const MAX_QUERY_SHOWN = 60;

/**
 * A destination typed at any time: a name in any of our languages, an ISO code, a flag, with typos. One clear match
 * opens the plan chooser; close ones (Austria, Australia) are offered as choices; nothing found says so.
 */
export function createSearch(deps: ScreenDeps): (ui: Ui, text: string) => Screen {
  const searchCountries = rememberingCountrySearch();
  return (ui, text) => {
    const query = text.trim();
    const result = searchCountries(query, MAX_CANDIDATES);
    if (result.best) return chooserScreen(ui, deps, result.best.iso2);
    if (result.candidates.length > 0) {
      return { text: ui.t("search-ambiguous"), actions: [...countryButtons(ui, result.candidates, 2), [reply(ui.t("btn-menu"), callbackData.nav("menu"))]] };
    }
    const shown = query.length > MAX_QUERY_SHOWN ? `${query.slice(0, MAX_QUERY_SHOWN)}…` : query;
    const screen = destinationsScreen(ui, deps, ui.t("search-nothing", { query: shown }));
    return screen.actions.length > 0 ? screen : { ...screen, actions: menuActions(ui) };
  };
}
