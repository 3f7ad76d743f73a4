import { Composer } from "grammy";
import { ADMIN_COMMANDS, runAdminCommand } from "../../screens/index.ts";
import type { BotContext, FeatureDeps } from "../context.ts";

/** Operator commands. For anyone not in adminIds the commands fall through and get the unknown-command answer. */
export function adminFeature(deps: FeatureDeps): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  const admin = feature.filter((ctx) => ctx.from !== undefined && deps.adminIds.has(ctx.from.id));
  for (const command of ADMIN_COMMANDS) {
    admin.command(command, async (ctx) => {
      const chatId = ctx.chat.id;
      // The answer may come after the update is done (a /sync): sent to the chat, not as a reply to the update.
      await runAdminCommand(ctx, deps, ctx.logger, command, ctx.match, (text) => ctx.api.sendMessage(chatId, text));
    });
  }
  return feature;
}
