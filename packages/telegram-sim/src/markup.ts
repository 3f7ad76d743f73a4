import type { InlineKeyboardMarkup } from "grammy/types";
import { badRequest } from "./errors.ts";
import type { SimInlineButton, SimReplyMarkup } from "./types.ts";

const CALLBACK_DATA_MAX_BYTES = 64;
const BUTTON_ACTIONS = [
  "url",
  "callback_data",
  "web_app",
  "login_url",
  "switch_inline_query",
  "switch_inline_query_current_chat",
  "switch_inline_query_chosen_chat",
  "copy_text",
  "callback_game",
  "pay",
];

/** Validates markup the way Telegram does for the mistakes a bot actually makes. */
export function validateReplyMarkup(markup: unknown): SimReplyMarkup | undefined {
  if (markup === undefined) return undefined;
  if (!isRecord(markup)) throw badRequest("can't parse reply keyboard markup JSON object");
  if ("inline_keyboard" in markup) validateInlineKeyboard(markup.inline_keyboard);
  else if ("keyboard" in markup) validateRows(markup.keyboard, "keyboard");
  else if (!("remove_keyboard" in markup) && !("force_reply" in markup)) {
    throw badRequest("can't parse reply keyboard markup JSON object");
  }
  return markup;
}

function validateRows(rows: unknown, field: string): unknown[][] {
  if (!Array.isArray(rows) || !rows.every(Array.isArray)) {
    throw badRequest(`field "${field}" of the ${field === "keyboard" ? "ReplyKeyboardMarkup" : "InlineKeyboardMarkup"} must be an Array of Arrays`);
  }
  return rows as unknown[][];
}

function validateInlineKeyboard(rows: unknown): void {
  for (const row of validateRows(rows, "inline_keyboard")) {
    for (const button of row) validateInlineButton(button);
  }
}

function validateInlineButton(button: unknown): void {
  if (!isRecord(button) || typeof button.text !== "string") {
    throw badRequest("can't parse inline keyboard button: Field \"text\" must be of type String");
  }
  if (!BUTTON_ACTIONS.some((action) => action in button)) {
    throw badRequest("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard");
  }
  if ("callback_data" in button) validateCallbackData(button.callback_data);
  if ("url" in button) validateButtonUrl(button.url);
}

function validateCallbackData(data: unknown): void {
  const bytes = typeof data === "string" ? Buffer.byteLength(data) : 0;
  if (bytes < 1 || bytes > CALLBACK_DATA_MAX_BYTES) throw badRequest("BUTTON_DATA_INVALID");
}

function validateButtonUrl(url: unknown): void {
  const text = typeof url === "string" ? url : "";
  let parsed: URL | undefined;
  try {
    parsed = new URL(text);
  } catch {
    parsed = undefined;
  }
  // Real Telegram also refuses localhost links; the sandbox needs them for its local checkout pages.
  if (!parsed || !["http:", "https:", "tg:"].includes(parsed.protocol)) {
    throw badRequest(`inline keyboard button URL '${text}' is invalid: Wrong HTTP URL`);
  }
}

/** Only inline keyboards are attached to the Message object Telegram returns. */
export function inlineKeyboardOf(markup: SimReplyMarkup | undefined): InlineKeyboardMarkup | undefined {
  if (!markup || !Array.isArray(markup.inline_keyboard)) return undefined;
  return markup as unknown as InlineKeyboardMarkup;
}

export function inlineButtonsOf(markup: SimReplyMarkup | undefined): SimInlineButton[] {
  const keyboard = markup?.inline_keyboard;
  return Array.isArray(keyboard) ? (keyboard.flat() as SimInlineButton[]) : [];
}

/** Stable comparison of two markups regardless of key order. */
export function sameMarkup(a: SimReplyMarkup | undefined, b: SimReplyMarkup | undefined): boolean {
  return canonicalJson(inlineKeyboardOf(a) ?? null) === canonicalJson(inlineKeyboardOf(b) ?? null);
}

export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, nested: unknown) =>
    isRecord(nested) && !Array.isArray(nested)
      ? Object.fromEntries(Object.entries(nested).sort(([x], [y]) => x.localeCompare(y)))
      : nested,
  );
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
