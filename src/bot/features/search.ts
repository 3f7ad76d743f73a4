import { Composer } from "grammy";
import { rememberingCountrySearch } from "../../catalogue/index.ts";
import type { BotContext, FeatureDeps } from "../context.ts";
import { callbackData } from "../callback-data.ts";
import { show } from "../ui.ts";
import { countryButtons, destinationsScreen, menuKeyboard } from "./destinations.ts";
import { offersScreen } from "./offers.ts";

const MAX_CANDIDATES = 6;
const MAX_QUERY_SHOWN = 60;

/** Typing a destination at any time: a name in any of our languages, an ISO code, a flag, with typos. */
export function searchFeature(deps: FeatureDeps): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  const searchCountries = rememberingCountrySearch();
  feature.on("message:text").filter(
    (ctx) => !ctx.message.text.startsWith("/"),
    async (ctx) => {
      const query = ctx.message.text.trim();
      const result = searchCountries(query, MAX_CANDIDATES);
      if (result.best) return show(ctx, offersScreen(ctx, deps, result.best.iso2, 0));
      if (result.candidates.length > 0) {
        const keyboard = countryButtons(ctx, result.candidates, 2).row().text(ctx.t("btn-menu"), callbackData.nav("menu"));
        return show(ctx, { text: ctx.t("search-ambiguous"), keyboard });
      }
      const shown = query.length > MAX_QUERY_SHOWN ? `${query.slice(0, MAX_QUERY_SHOWN)}…` : query;
      const screen = destinationsScreen(ctx, deps, ctx.t("search-nothing", { query: shown }));
      return show(ctx, { ...screen, keyboard: screen.keyboard ?? menuKeyboard(ctx) });
    },
  );
  return feature;
}
