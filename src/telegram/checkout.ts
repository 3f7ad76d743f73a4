import { CHECKOUT_CONVERSATION, type CheckoutArgs } from "../../conversations/checkout.ts";
import { customerIdOf, type BotContext } from "./context.ts";

/** Pay pressed: (re)starts the checkout conversation; a checkout still waiting for an answer is replaced. */
export async function startCheckout(ctx: BotContext, input: Omit<CheckoutArgs, "customerId">): Promise<void> {
  const args: CheckoutArgs = { customerId: await customerIdOf(ctx), ...input };
  await ctx.conversation.exitAll();
  await ctx.conversation.enter(CHECKOUT_CONVERSATION, args);
}
