import type { Conversation } from "@grammyjs/conversations";
import { callbackData } from "../src/copy/index.ts";
import type { Logger } from "../src/logger.ts";
import { STARS_CURRENCY } from "../src/pricing/index.ts";
import { checkoutOutcomeScreen, priceChangedScreen, starsInvoiceCopy, storableOutcome, type StoredCheckoutOutcome } from "../src/screens/index.ts";
import type { Shop } from "../src/shop/index.ts";
import type { BaseContext, BotContext } from "../src/telegram/context.ts";
import { replyWith } from "../src/telegram/ui.ts";

export const CHECKOUT_CONVERSATION = "checkout";

export interface CheckoutArgs {
  customerId: number;
  bundleName: string;
  targetIccid?: string;
  /** How the plan was shown to the customer ("1 GB, 7 days — Germany only"); display only. */
  plan: string;
  /** The price on the button the customer pressed: if we would charge another, they are asked first. */
  shownPriceMinor: number;
  /** By card (a payment link, the default) or in Telegram Stars (an invoice). */
  method?: "card" | "stars";
}

export interface CheckoutConversationDeps {
  shop: Pick<Shop, "checkout">;
  logger: Logger;
}

const PRICE_QUESTION_TIMEOUT_MS = 15 * 60_000;
const MAX_PRICE_QUESTIONS = 2;

/**
 * Pay → payment link. Short and linear: every call to the shop goes through conversation.external; the order
 * itself lives in the orders table. The only question it asks is whether a changed price is accepted.
 */
export function createCheckoutConversation(deps: CheckoutConversationDeps) {
  return async function checkout(conversation: Conversation<BotContext, BaseContext>, ctx: BaseContext, args: CheckoutArgs): Promise<void> {
    let outcome = await conversation.external(() => runCheckout(deps, { ...args, confirmedPriceMinor: args.shownPriceMinor }));
    for (let asked = 0; outcome.kind === "price_changed" && asked < MAX_PRICE_QUESTIONS; asked++) {
      const confirmedPriceMinor = outcome.priceMinor;
      const accepted = await askToAcceptPrice(conversation, ctx, outcome);
      if (!accepted) return;
      outcome = await conversation.external(() => runCheckout(deps, { ...args, confirmedPriceMinor }));
    }
    if (outcome.kind === "stars_invoice") {
      const copy = starsInvoiceCopy(ctx, outcome, args.plan);
      // Only the opaque reference travels in the invoice; the price in Stars is the order's, from the database.
      await ctx.replyWithInvoice(copy.title, copy.description, outcome.payload, STARS_CURRENCY, [{ label: copy.label, amount: outcome.stars }]);
      return;
    }
    await replyWith(ctx, checkoutOutcomeScreen(ctx, outcome, args.plan));
  };
}

async function runCheckout(deps: CheckoutConversationDeps, args: CheckoutArgs & { confirmedPriceMinor?: number }): Promise<StoredCheckoutOutcome> {
  try {
    const outcome = await deps.shop.checkout({
      customerId: args.customerId,
      bundleName: args.bundleName,
      ...(args.targetIccid ? { targetIccid: args.targetIccid } : {}),
      ...(args.confirmedPriceMinor !== undefined ? { confirmedPriceMinor: args.confirmedPriceMinor } : {}),
      ...(args.method === "stars" ? { method: "stars" as const } : {}),
    });
    return storableOutcome(outcome);
  } catch (error) {
    deps.logger.error({ err: error, customerId: args.customerId, bundle: args.bundleName }, "checkout failed");
    return { kind: "error" };
  }
}

async function askToAcceptPrice(
  conversation: Conversation<BotContext, BaseContext>,
  ctx: BaseContext,
  outcome: Extract<StoredCheckoutOutcome, { kind: "price_changed" }>,
): Promise<boolean> {
  await replyWith(ctx, priceChangedScreen(ctx, outcome.priceMinor, outcome.currency));
  const answer = await conversation.wait({ maxMilliseconds: PRICE_QUESTION_TIMEOUT_MS });
  const data = answer.callbackQuery?.data;
  if (data === callbackData.priceAccepted) return true;
  if (data === callbackData.priceRejected) {
    await answer.reply(answer.t("checkout-cancelled"));
    return false;
  }
  // Anything else (a country name, another button) is for the rest of the bot.
  return conversation.halt({ next: true });
}
