import { Composer } from "grammy";
import { createSearch } from "../../screens/index.ts";
import type { BotContext, FeatureDeps } from "../context.ts";
import { show } from "../ui.ts";

/** Typing a destination at any time: a name in any of our languages, an ISO code, a flag, with typos. */
export function searchFeature(deps: FeatureDeps): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  const search = createSearch(deps);
  feature.on("message:text").filter(
    (ctx) => !ctx.message.text.startsWith("/"),
    (ctx) => show(ctx, search(ctx, ctx.message.text)),
  );
  return feature;
}
