import { GrammyError, type InlineKeyboard, type Transformer } from "grammy";
import type { BaseContext } from "./context.ts";
import { escapeHtml } from "./format.ts";

/** One screen of the chat: a text and its buttons. Shown by editing the pressed message or as a new message. */
export interface Screen {
  text: string;
  keyboard?: InlineKeyboard;
  html?: boolean;
}

/** Screens built from nothing but the catalogue and the language, reused until the catalogue changes. */
export interface ScreenCache {
  get(key: string, build: () => Screen): Screen;
}

export function createScreenCache(revision: () => number, maxEntries = 5_000): ScreenCache {
  const screens = new Map<string, Screen>();
  let builtFor = revision();
  return {
    get(key, build) {
      if (revision() !== builtFor || screens.size >= maxEntries) {
        screens.clear();
        builtFor = revision();
      }
      let screen = screens.get(key);
      if (!screen) screens.set(key, (screen = build()));
      return screen;
    },
  };
}

export async function show(ctx: BaseContext, screen: Screen): Promise<void> {
  const options = { reply_markup: screen.keyboard, ...(screen.html ? { parse_mode: "HTML" as const } : {}) };
  const message = ctx.callbackQuery?.message;
  if (message && "text" in message && message.text !== undefined) {
    try {
      await ctx.editMessageText(screen.text, options);
      return;
    } catch (error) {
      if (isNotModified(error)) return;
      // An old or deleted message cannot be edited: the customer still gets the screen.
      ctx.logger.debug({ err: error }, "could not edit the message; sending a new one");
    }
  }
  await ctx.reply(screen.text, options);
}

export function isNotModified(error: unknown): boolean {
  return error instanceof GrammyError && error.error_code === 400 && /message is not modified/i.test(error.description);
}

/** 403: the user blocked the bot or deleted the account. */
export function isBlocked(error: unknown): boolean {
  return error instanceof GrammyError && error.error_code === 403;
}

const TEXT_FIELDS: Record<string, "text" | "caption"> = {
  sendMessage: "text",
  editMessageText: "text",
  sendPhoto: "caption",
  sendDocument: "caption",
  editMessageCaption: "caption",
};

/** Prefixes the sandbox marker as the first line of every text and caption, once. */
export function withSandboxMarker(text: string, marker: string, html: boolean): string {
  const line = html ? escapeHtml(marker) : marker;
  return text.startsWith(line) ? text : `${line}\n\n${text}`;
}

/** The single place the sandbox marker is added to outgoing messages (bot, conversations). */
export function sandboxTransformer(marker: () => string): Transformer {
  return (prev, method, payload, signal) => {
    const field = TEXT_FIELDS[method];
    if (field && payload && typeof payload === "object") {
      const fields = payload as Record<string, unknown>;
      const html = fields.parse_mode === "HTML";
      const current = typeof fields[field] === "string" ? (fields[field] as string) : "";
      const marked = { ...fields, [field]: withSandboxMarker(current, marker(), html) };
      return prev(method, marked as typeof payload, signal);
    }
    return prev(method, payload, signal);
  };
}
