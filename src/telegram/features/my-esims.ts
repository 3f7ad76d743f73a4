import { Composer } from "grammy";
import { callbackData, callbackPattern, installMessages, pageNumber, planTitle } from "../../copy/index.ts";
import type { OwnedEsim } from "../../esims/index.ts";
import { esimCardScreen, esimListScreen, esimNotFoundScreen, findOffer, topUpConfirmScreen, topUpGoneScreen, topUpScreen, type UsageLookup } from "../../screens/index.ts";
import { customerIdOf, type BotContext, type FeatureDeps } from "../context.ts";
import { startCheckout } from "../checkout.ts";
import { replyWith, show } from "../ui.ts";

/** /myesims: the customer's eSIMs, usage, the QR again, and top-ups. */
export function myEsimsFeature(deps: FeatureDeps): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  const buttons = feature.on("callback_query:data");
  const list = async (ctx: BotContext, page: number) => show(ctx, await esimListScreen(ctx, deps, await customerIdOf(ctx), page, usageLookup(ctx, deps)));
  feature.command("myesims", (ctx) => list(ctx, 0));
  buttons.callbackQuery(callbackData.nav("esims"), (ctx) => list(ctx, 0));
  buttons.callbackQuery(callbackPattern.esims, (ctx) => list(ctx, pageNumber(ctx.match[1])));
  buttons.callbackQuery(callbackPattern.esim, (ctx) => withOwnedEsim(ctx, deps, ctx.match[1]!, async (esim) => show(ctx, await esimCardScreen(ctx, esim, usageLookup(ctx, deps)))));
  buttons.callbackQuery(callbackPattern.refreshUsage, (ctx) =>
    withOwnedEsim(ctx, deps, ctx.match[1]!, async (esim) => {
      await show(ctx, await esimCardScreen(ctx, esim, usageLookup(ctx, deps), true));
      await ctx.answerCallbackQuery({ text: ctx.t("usage-refreshed") });
    }),
  );
  buttons.callbackQuery(callbackPattern.resend, (ctx) => withOwnedEsim(ctx, deps, ctx.match[1]!, (esim) => resendInstallDetails(ctx, deps, esim)));
  buttons.callbackQuery(callbackPattern.topUp, (ctx) => withOwnedEsim(ctx, deps, ctx.match[1]!, async (esim) => show(ctx, await topUpScreen(ctx, deps, await customerIdOf(ctx), esim))));
  buttons.callbackQuery(callbackPattern.topUpConfirm, (ctx) =>
    withOwnedEsim(ctx, deps, ctx.match[1]!, async (esim) => {
      const bundle = findOffer(deps, ctx.match[2]!, ctx.match[3]!);
      await show(ctx, bundle ? topUpConfirmScreen(ctx, esim, bundle, ctx.match[2]!) : topUpGoneScreen(ctx, esim));
    }),
  );
  buttons.callbackQuery(callbackPattern.topUpPay, (ctx) =>
    withOwnedEsim(ctx, deps, ctx.match[1]!, async (esim) => {
      const iso2 = ctx.match[2]!;
      const bundle = findOffer(deps, iso2, ctx.match[3]!);
      if (!bundle) return show(ctx, topUpGoneScreen(ctx, esim));
      await ctx.answerCallbackQuery();
      await startCheckout(ctx, { bundleName: bundle.name, targetIccid: esim.iccid, plan: planTitle(bundle, iso2, ctx.t, ctx.language), shownPriceMinor: Number(ctx.match[4]) });
    }),
  );
  return feature;
}

function usageLookup(ctx: BotContext, deps: FeatureDeps): UsageLookup {
  return async (iccid, refresh = false) => {
    try {
      return await deps.shop.esimUsage(await customerIdOf(ctx), iccid, { refresh });
    } catch (error) {
      ctx.logger.warn({ err: error, iccid }, "usage lookup failed");
      return undefined;
    }
  };
}

/** Ownership is checked on every press: an ICCID in callback data proves nothing. */
async function withOwnedEsim(ctx: BotContext, deps: FeatureDeps, iccid: string, action: (esim: OwnedEsim) => Promise<void>): Promise<void> {
  const esim = await deps.shop.customerEsim(await customerIdOf(ctx), iccid);
  if (!esim) return show(ctx, esimNotFoundScreen(ctx));
  await action(esim);
}

async function resendInstallDetails(ctx: BotContext, deps: FeatureDeps, esim: OwnedEsim): Promise<void> {
  const details = await deps.shop.installDetails(await customerIdOf(ctx), esim.iccid);
  if (!details) {
    await ctx.answerCallbackQuery({ text: ctx.t("resend-unavailable"), show_alert: true });
    return;
  }
  await ctx.answerCallbackQuery();
  for (const message of installMessages(ctx.t, [details], esim.bundleDescription)) await replyWith(ctx, message);
}
