import { Composer } from "grammy";
import { callbackPattern, pageNumber, planTitle } from "../../copy/index.ts";
import type { DataNeed, TripLength } from "../../catalogue/index.ts";
import { bestOffersScreen, bundleGoneScreen, chooserScreen, dataQuestionScreen, findOffer, offerScreen, offersScreen } from "../../screens/index.ts";
import type { BotContext, FeatureDeps } from "../context.ts";
import { startCheckout } from "../checkout.ts";
import { show } from "../ui.ts";

/**
 * The plan chooser (trip length, data, the best offers) or a country's full list → details → confirmation → Pay.
 * Stateless: everything comes from the callback data and the catalogue.
 */
export function offersFeature(deps: FeatureDeps): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  // Buttons only: any other update passes this feature with one check instead of one per button.
  const buttons = feature.on("callback_query:data");

  buttons.callbackQuery(callbackPattern.chooseTrip, (ctx) => show(ctx, chooserScreen(ctx, deps, ctx.match[1]!)));
  buttons.callbackQuery(callbackPattern.chooseData, (ctx) => show(ctx, dataQuestionScreen(ctx, deps, ctx.match[1]!, ctx.match[2] as TripLength)));
  buttons.callbackQuery(callbackPattern.bestOffers, (ctx) => show(ctx, bestOffersScreen(ctx, deps, ctx.match[1]!, ctx.match[2] as TripLength, ctx.match[3] as DataNeed)));
  buttons.callbackQuery(callbackPattern.offers, (ctx) => show(ctx, offersScreen(ctx, deps, ctx.match[1]!, pageNumber(ctx.match[2]))));
  for (const kind of ["details", "confirm"] as const) {
    buttons.callbackQuery(callbackPattern[kind], async (ctx) => {
      const iso2 = ctx.match[1]!;
      const screen = offerScreen(ctx, deps, iso2, ctx.match[2]!, kind);
      return screen ? show(ctx, screen) : tellBundleGone(ctx, iso2);
    });
  }
  buttons.callbackQuery(callbackPattern.pay, async (ctx) => {
    const iso2 = ctx.match[1]!;
    const bundle = findOffer(deps, iso2, ctx.match[2]!);
    if (!bundle) return tellBundleGone(ctx, iso2);
    await ctx.answerCallbackQuery();
    await startCheckout(ctx, { bundleName: bundle.name, plan: planTitle(bundle, iso2, ctx.t, ctx.language), shownPriceMinor: Number(ctx.match[3]) });
  });
  buttons.callbackQuery(callbackPattern.payStars, async (ctx) => {
    const iso2 = ctx.match[1]!;
    const bundle = findOffer(deps, iso2, ctx.match[2]!);
    if (!bundle) return tellBundleGone(ctx, iso2);
    await ctx.answerCallbackQuery();
    // An old Stars button after Stars were switched off pays by card, at the same checks.
    const method = deps.settings.stars ? "stars" : "card";
    await startCheckout(ctx, { bundleName: bundle.name, plan: planTitle(bundle, iso2, ctx.t, ctx.language), shownPriceMinor: Number(ctx.match[3]), method });
  });
  return feature;
}

/** An old button of a plan that is no longer sold: says so on the message and in the answer. */
async function tellBundleGone(ctx: BotContext, iso2: string): Promise<void> {
  await show(ctx, bundleGoneScreen(ctx, iso2));
  await ctx.answerCallbackQuery({ text: ctx.t("bundle-gone") });
}
