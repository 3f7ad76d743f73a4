import type { Api } from "grammy";
import type { BotCommand } from "grammy/types";
import { translatorFor } from "../copy/index.ts";
import { SUPPORTED_LANGUAGES, type Language } from "../customers/index.ts";
import { ADMIN_COMMANDS } from "../screens/index.ts";

const BASE_CUSTOMER_COMMANDS: readonly string[] = ["start", "buy", "myesims", "help", "language"];

function commands(names: readonly string[], language: Language): BotCommand[] {
  const t = translatorFor(language);
  return names.map((command) => ({ command, description: t(`cmd-${command}`) }));
}

/** The command menu per language; admins also see the operator commands in their own chat. */
export async function registerCommands(api: Api, adminIds: number[], options: { stars?: boolean } = {}): Promise<void> {
  // Telegram asks bots that take Stars to answer /paysupport; it is listed only then.
  const CUSTOMER_COMMANDS = options.stars ? [...BASE_CUSTOMER_COMMANDS, "paysupport"] : BASE_CUSTOMER_COMMANDS;
  await api.setMyCommands(commands(CUSTOMER_COMMANDS, "en"));
  for (const language of SUPPORTED_LANGUAGES) {
    await api.setMyCommands(commands(CUSTOMER_COMMANDS, language), { language_code: language });
  }
  for (const adminId of adminIds) {
    const scope = { type: "chat" as const, chat_id: adminId };
    await api.setMyCommands(commands([...CUSTOMER_COMMANDS, ...ADMIN_COMMANDS], "en"), { scope });
    for (const language of SUPPORTED_LANGUAGES) {
      await api.setMyCommands(commands([...CUSTOMER_COMMANDS, ...ADMIN_COMMANDS], language), { scope, language_code: language });
    }
  }
}
