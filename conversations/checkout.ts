import type { Conversation } from "@grammyjs/conversations";
import { InlineKeyboard } from "grammy";
import type { BaseContext, BotContext } from "../src/bot/context.ts";
import { callbackData } from "../src/bot/callback-data.ts";
import { dateTime, price } from "../src/bot/format.ts";
import type { Logger } from "../src/logger.ts";
import type { CheckoutOutcome, Shop } from "../src/orders/index.ts";

export const CHECKOUT_CONVERSATION = "checkout";

export interface CheckoutArgs {
  customerId: number;
  bundleName: string;
  targetIccid?: string;
  /** How the plan was shown to the customer ("1 GB, 7 days — Germany only"); display only. */
  plan: string;
  /** The price on the button the customer pressed: if we would charge another, they are asked first. */
  shownPriceMinor: number;
}

export interface CheckoutConversationDeps {
  shop: Pick<Shop, "checkout">;
  logger: Logger;
}

/** CheckoutOutcome as stored in the conversation log: JSON, no Date. */
type StoredOutcome =
  | (Omit<Extract<CheckoutOutcome, { kind: "link" }>, "expiresAt"> & { expiresAt: string })
  | Exclude<CheckoutOutcome, { kind: "link" }>
  | { kind: "error" };

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
    await tellOutcome(ctx, outcome, args);
  };
}

async function runCheckout(deps: CheckoutConversationDeps, args: CheckoutArgs & { confirmedPriceMinor?: number }): Promise<StoredOutcome> {
  try {
    const outcome = await deps.shop.checkout({
      customerId: args.customerId,
      bundleName: args.bundleName,
      ...(args.targetIccid ? { targetIccid: args.targetIccid } : {}),
      ...(args.confirmedPriceMinor !== undefined ? { confirmedPriceMinor: args.confirmedPriceMinor } : {}),
    });
    return outcome.kind === "link" ? { ...outcome, expiresAt: outcome.expiresAt.toISOString() } : outcome;
  } catch (error) {
    deps.logger.error({ err: error, customerId: args.customerId, bundle: args.bundleName }, "checkout failed");
    return { kind: "error" };
  }
}

async function askToAcceptPrice(
  conversation: Conversation<BotContext, BaseContext>,
  ctx: BaseContext,
  outcome: Extract<StoredOutcome, { kind: "price_changed" }>,
): Promise<boolean> {
  const amount = price(outcome.priceMinor, outcome.currency, ctx.language);
  const keyboard = new InlineKeyboard()
    .text(ctx.t("btn-confirm-price", { price: amount }), callbackData.priceAccepted)
    .text(ctx.t("btn-cancel"), callbackData.priceRejected);
  await ctx.reply(ctx.t("checkout-price-changed", { price: amount }), { reply_markup: keyboard });
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

async function tellOutcome(ctx: BaseContext, outcome: StoredOutcome, args: CheckoutArgs): Promise<void> {
  if (outcome.kind === "link") {
    const amount = price(outcome.priceMinor, outcome.currency, ctx.language);
    const text = ctx.t(outcome.reused ? "checkout-link-reused" : "checkout-link", {
      price: amount,
      plan: args.plan,
      expires: dateTime(new Date(outcome.expiresAt), ctx.language),
    });
    await ctx.reply(text, { reply_markup: new InlineKeyboard().url(ctx.t("btn-pay-link", { price: amount }), outcome.url) });
    return;
  }
  const keyboard = new InlineKeyboard().text(ctx.t("btn-menu"), callbackData.nav("menu"));
  await ctx.reply(ctx.t(messageKeyOf(outcome)), { reply_markup: keyboard });
}

function messageKeyOf(outcome: Exclude<StoredOutcome, { kind: "link" }>): string {
  switch (outcome.kind) {
    case "unavailable":
      return `checkout-unavailable-${outcome.reason}`;
    case "incompatible":
      return "checkout-incompatible";
    case "not_yours":
      return "checkout-not-yours";
    case "price_changed":
    case "error":
      return "checkout-failed";
  }
}
