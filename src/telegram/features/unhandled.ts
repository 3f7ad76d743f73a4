import { Composer } from "grammy";
import { mainMenu } from "../../screens/index.ts";
import type { BotContext } from "../context.ts";
import { show } from "../ui.ts";

/** Last: nothing else took the update. Never silence. */
export function unhandledFeature(): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  feature.on("callback_query", async (ctx) => {
    ctx.logger.info({ data: ctx.callbackQuery.data?.slice(0, 64) }, "stale or unknown button");
    await ctx.answerCallbackQuery({ text: ctx.t("button-expired"), show_alert: true });
  });
  feature.on("message:text", async (ctx) => {
    const key = ctx.message.text.startsWith("/") ? "unknown-command" : "unknown-message";
    await show(ctx, mainMenu(ctx, ctx.t(key)));
  });
  feature.on("message", (ctx) => show(ctx, mainMenu(ctx, ctx.t("unknown-message"))));
  return feature;
}
