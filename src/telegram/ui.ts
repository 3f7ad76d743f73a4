import { GrammyError, InlineKeyboard, InputFile, type Api, type Transformer } from "grammy";
import { withSandboxMarker, type Action, type Message, type Screen } from "../copy/index.ts";
import type { BaseContext } from "./context.ts";

/** A screen's actions as Telegram's inline keyboard: reply actions as callback buttons, links as URL buttons. */
export function inlineKeyboard(actions: Action[][]): InlineKeyboard | undefined {
  if (actions.length === 0) return undefined;
  const keyboard = new InlineKeyboard();
  actions.forEach((row, index) => {
    if (index > 0) keyboard.row();
    for (const action of row) {
      if (action.kind === "url") keyboard.url(action.label, action.url);
      else keyboard.text(action.label, action.data);
    }
  });
  return keyboard;
}

function messageOptions(message: Message) {
  const keyboard = inlineKeyboard(message.actions);
  return { ...(keyboard ? { reply_markup: keyboard } : {}), ...(message.html ? { parse_mode: "HTML" as const } : {}) };
}

/** Shows a screen by editing the pressed message, or as a new message. */
export async function show(ctx: BaseContext, screen: Screen): Promise<void> {
  const options = messageOptions(screen);
  const message = ctx.callbackQuery?.message;
  if (message && "text" in message && message.text !== undefined && !screen.image) {
    try {
      await ctx.editMessageText(screen.text, options);
      return;
    } catch (error) {
      if (isNotModified(error)) return;
      // An old or deleted message cannot be edited: the customer still gets the screen.
      ctx.logger.debug({ err: error }, "could not edit the message; sending a new one");
    }
  }
  await replyWith(ctx, screen);
}

/** Sends a message into the update's chat (never edits): a photo with its caption when it has an image. */
export async function replyWith(ctx: BaseContext, message: Message): Promise<void> {
  const options = messageOptions(message);
  if (message.image) await ctx.replyWithPhoto(new InputFile(message.image.png, message.image.name), { caption: message.text, ...options });
  else await ctx.reply(message.text, options);
}

/** Sends one message to a chat: a photo with its caption when it has an image. Throws on failure (403 included). */
export async function send(api: Api, chatId: number, message: Message): Promise<void> {
  if (message.image) {
    await api.sendPhoto(chatId, new InputFile(message.image.png, message.image.name), { caption: message.text, ...messageOptions(message) });
    return;
  }
  await api.sendMessage(chatId, message.text, messageOptions(message));
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

/** The single place the sandbox marker is added to outgoing messages (bot, conversations, notices). */
export function sandboxTransformer(marker: (chatId: unknown) => string | Promise<string>): Transformer {
  return async (prev, method, payload, signal) => {
    const field = TEXT_FIELDS[method];
    if (field && payload && typeof payload === "object") {
      const fields = payload as Record<string, unknown>;
      const html = fields.parse_mode === "HTML";
      const current = typeof fields[field] === "string" ? (fields[field] as string) : "";
      const marked = { ...fields, [field]: withSandboxMarker(current, await marker(fields.chat_id), html) };
      return prev(method, marked as typeof payload, signal);
    }
    return prev(method, payload, signal);
  };
}
