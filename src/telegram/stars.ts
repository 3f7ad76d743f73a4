import { setTimeout as sleep } from "node:timers/promises";
import { autoRetry } from "@grammyjs/auto-retry";
import { Composer, GrammyError, type Api } from "grammy";
import type { CustomerDirectory } from "../customers/index.ts";
import { StarRefundRefusedError, type StarRefunds, type StarsPaymentEvent } from "../payments/index.ts";
import { paySupportScreen, starsRefusalText } from "../screens/index.ts";
import type { Shop } from "../shop/index.ts";
import type { BotContext, FeatureDeps } from "./context.ts";
import { setLanguage, telegramIdentity } from "./middleware.ts";
import { show } from "./ui.ts";

/**
 * Tries to store a payment for about 5 s (inside the webhook's 8 s) before giving the Stars back: Telegram never sends
 * a confirmed update again, so a payment not stored now would be Stars kept with no order to show for them.
 */
const APPLY_ATTEMPTS = 5;
const APPLY_RETRY_MS = 500;

/**
 * Payments in Telegram Stars, on the bot's side: the pre-checkout question answered from the database (Telegram waits
 * 10 s at most), and each `successful_payment` turned into a payment event the shop applies once per charge. Installed
 * before the flood limit and the private-chat guard: a payment is never dropped, whoever sends it and however often.
 */
export function starsPaymentsFeature(deps: { shop: Pick<Shop, "starsPreCheckout" | "applyPaymentEvent">; customers: CustomerDirectory }): Composer<BotContext> {
  const feature = new Composer<BotContext>();

  feature.on("pre_checkout_query", async (ctx) => {
    const query = ctx.preCheckoutQuery;
    const customer = await deps.customers.lookup(telegramIdentity(query.from.id)).catch(() => undefined);
    if (customer?.language) setLanguage(ctx, customer.language);
    const answer = await deps.shop
      .starsPreCheckout({ payload: query.invoice_payload, payerId: String(query.from.id), currency: query.currency, amount: query.total_amount })
      .catch((error: unknown) => {
        ctx.logger.error({ err: error }, "pre-checkout check failed; the payment is refused");
        return { ok: false as const, reason: "expired" as const };
      });
    if (answer.ok) {
      await ctx.answerPreCheckoutQuery(true);
      return;
    }
    ctx.logger.info({ reason: answer.reason, payer: query.from.id }, "payment in Stars refused at pre-checkout");
    await ctx.answerPreCheckoutQuery(false, { error_message: starsRefusalText(ctx, answer.reason) });
  });

  feature.on("message:successful_payment", async (ctx) => {
    const payment = ctx.message.successful_payment;
    const event: StarsPaymentEvent = {
      provider: "telegram_stars",
      eventId: payment.telegram_payment_charge_id,
      eventType: "successful_payment",
      type: "stars_paid",
      payload: payment.invoice_payload,
      chargeId: payment.telegram_payment_charge_id,
      payerId: String(ctx.message.from.id),
      amount: payment.total_amount,
      currency: payment.currency,
    };
    for (let attempt = 1; ; attempt++) {
      try {
        const outcome = await deps.shop.applyPaymentEvent(event);
        ctx.logger.info({ chargeId: event.chargeId, outcome }, "payment in Stars received");
        return;
      } catch (error) {
        if (attempt >= APPLY_ATTEMPTS) return giveBack(ctx, event, error);
        await sleep(APPLY_RETRY_MS * attempt);
      }
    }
  });
  return feature;
}

/** A payment that could not be stored goes back to the payer at once; only if that fails too is it left to an operator. */
async function giveBack(ctx: BotContext, event: StarsPaymentEvent, cause: unknown): Promise<void> {
  const facts = { chargeId: event.chargeId, payer: event.payerId, amount: event.amount, payload: event.payload };
  try {
    await ctx.api.refundStarPayment(Number(event.payerId), event.chargeId);
    ctx.logger.error({ err: cause, ...facts }, "a payment in Stars could not be stored; the Stars were given back");
    await ctx.reply(ctx.t("stars-not-stored-refunded"));
  } catch (error) {
    ctx.logger.fatal({ err: error, cause, ...facts }, "a payment in Stars could not be stored nor given back: refund it by hand");
    await ctx.reply(ctx.t("stars-not-stored"));
  }
}

/** /paysupport: Telegram requires bots that take Stars to answer it. */
export function paySupportFeature(deps: FeatureDeps): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  feature.command("paysupport", (ctx) => show(ctx, paySupportScreen(ctx, deps)));
  return feature;
}

/**
 * The shop's refunds in Stars through the Bot API's refundStarPayment. A 400 is Telegram's final word
 * (`CHARGE_ALREADY_REFUNDED`, `CHARGE_NOT_FOUND`…); anything else may be asked again.
 */
export function telegramStarRefunds(api: Api): StarRefunds {
  api.config.use(autoRetry({ maxRetryAttempts: 2, maxDelaySeconds: 10 }));
  return {
    async refund(payerId, chargeId) {
      try {
        await api.refundStarPayment(Number(payerId), chargeId);
      } catch (error) {
        if (error instanceof GrammyError && error.error_code === 400) {
          const code = error.description.replace(/^Bad Request:\s*/, "");
          throw new StarRefundRefusedError(code, error.description);
        }
        throw error;
      }
    },
  };
}
