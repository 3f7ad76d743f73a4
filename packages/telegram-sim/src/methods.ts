import type { BotCommand, Message } from "grammy/types";
import {
  optionalBoolean,
  optionalJson,
  optionalNumber,
  optionalString,
  type Payload,
  requiredNumber,
} from "./body.ts";
import type { BotContent, SimCore } from "./core.ts";
import { badRequest } from "./errors.ts";
import { photoSizesOf, resolveInputFile } from "./files.ts";
import { type FormattedText, formatText } from "./formatting.ts";
import { canonicalJson, inlineKeyboardOf, isRecord, sameMarkup, validateReplyMarkup } from "./markup.ts";
import { type ChatRecord, type StoredMessage, wireChatOf } from "./store.ts";
import type { SimReplyMarkup } from "./types.ts";

export interface RequestContext {
  /** Long polling registers how to end its wait when the client goes away. */
  onCancel(cancel: () => void): void;
}

/** A result Telegram sends with a `description` (setWebhook, deleteWebhook). */
export class Described {
  constructor(
    readonly result: unknown,
    readonly description: string,
  ) {}
}

export type Handler = (payload: Payload, request: RequestContext) => unknown;

const TEXT_LIMIT = 4096;
const CAPTION_LIMIT = 1024;
const CALLBACK_ANSWER_LIMIT = 200;
const NOT_MODIFIED =
  "message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message";
const CHAT_ACTIONS = new Set([
  "typing",
  "upload_photo",
  "record_video",
  "upload_video",
  "record_voice",
  "upload_voice",
  "upload_document",
  "choose_sticker",
  "find_location",
  "record_video_note",
  "upload_video_note",
]);

/** The Bot API methods, keyed by lower-case name (Telegram matches method names case-insensitively). */
export function createMethods(core: SimCore): Map<string, { name: string; handler: Handler }> {
  const settings = new BotSettings();
  const handlers: Record<string, Handler> = {
    getMe: () => core.botInfo,
    logOut: () => true,
    close: () => true,
    getUpdates: (payload, request) => getUpdates(core, payload, request),
    setWebhook: (payload) => setWebhook(core, payload),
    deleteWebhook: (payload) => deleteWebhook(core, optionalBoolean(payload, "drop_pending_updates") ?? false),
    getWebhookInfo: () => core.updates.webhookInfo(),
    sendMessage: (payload) => sendMessage(core, payload),
    sendPhoto: (payload) => sendMedia(core, payload, "photo"),
    sendDocument: (payload) => sendMedia(core, payload, "document"),
    sendChatAction: (payload) => sendChatAction(core, payload),
    editMessageText: (payload) => editMessageText(core, payload),
    editMessageCaption: (payload) => editMessageCaption(core, payload),
    editMessageReplyMarkup: (payload) => editMessageReplyMarkup(core, payload),
    deleteMessage: (payload) => deleteMessage(core, payload),
    deleteMessages: (payload) => deleteMessages(core, payload),
    answerCallbackQuery: (payload) => answerCallbackQuery(core, payload),
    getChat: (payload) => getChat(core, payload),
    sendInvoice: (payload) => core.payments.sendInvoice(payload),
    createInvoiceLink: (payload) => core.payments.createInvoiceLink(payload),
    answerPreCheckoutQuery: (payload) => core.payments.answerPreCheckoutQuery(payload),
    refundStarPayment: (payload) => core.payments.refundStarPayment(payload),
    getFile: (payload) => getFile(core, payload),
    setMyCommands: (payload) => settings.setCommands(payload),
    getMyCommands: (payload) => settings.getCommands(payload),
    deleteMyCommands: (payload) => settings.deleteCommands(payload),
    setChatMenuButton: (payload) => settings.setMenuButton(payload),
    getChatMenuButton: (payload) => settings.getMenuButton(payload),
    setMyName: (payload) => settings.setText("name", payload),
    getMyName: (payload) => ({ name: settings.getText("name", payload) }),
    setMyDescription: (payload) => settings.setText("description", payload),
    getMyDescription: (payload) => ({ description: settings.getText("description", payload) }),
    setMyShortDescription: (payload) => settings.setText("short_description", payload),
    getMyShortDescription: (payload) => ({ short_description: settings.getText("short_description", payload) }),
  };
  return new Map(Object.entries(handlers).map(([name, handler]) => [name.toLowerCase(), { name, handler }]));
}

// --- updates and webhook

function getUpdates(core: SimCore, payload: Payload, request: RequestContext): Promise<unknown> {
  const allowed = optionalJson(payload, "allowed_updates", "allowed_updates");
  return core.updates.getUpdates(
    {
      offset: optionalNumber(payload, "offset"),
      limit: optionalNumber(payload, "limit"),
      timeoutSeconds: optionalNumber(payload, "timeout"),
      allowedUpdates: Array.isArray(allowed) ? allowed.map(String) : undefined,
    },
    (cancel) => request.onCancel(cancel),
  );
}

function setWebhook(core: SimCore, payload: Payload): Described {
  const url = optionalString(payload, "url") ?? "";
  const dropPending = optionalBoolean(payload, "drop_pending_updates") ?? false;
  if (url === "") return deleteWebhook(core, dropPending);
  if (!/^https?:\/\/[^/]+/i.test(url)) throw badRequest("bad webhook: An HTTPS URL must be provided for webhook");
  const secretToken = optionalString(payload, "secret_token");
  if (secretToken !== undefined && !/^[A-Za-z0-9_-]{1,256}$/.test(secretToken)) {
    throw badRequest("secret token contains unallowed characters");
  }
  const maxConnections = optionalNumber(payload, "max_connections") ?? 40;
  if (maxConnections < 1 || maxConnections > 100) throw badRequest("bad webhook: max_connections must be between 1 and 100");
  const allowed = optionalJson(payload, "allowed_updates");
  const alreadySet = core.updates.webhookInfo().url === url;
  core.updates.setWebhook({ url, secretToken, maxConnections }, dropPending, Array.isArray(allowed) ? allowed.map(String) : undefined);
  return new Described(true, alreadySet ? "Webhook is already set" : "Webhook was set");
}

function deleteWebhook(core: SimCore, dropPending: boolean): Described {
  const wasActive = core.updates.deleteWebhook(dropPending);
  return new Described(true, wasActive ? "Webhook was deleted" : "Webhook is already deleted");
}

// --- chats and messages

export function chatIdOf(payload: Payload): number | string | undefined {
  const value = payload.chat_id;
  if (typeof value === "number") return value;
  if (typeof value !== "string" || value === "") return undefined;
  return /^-?\d+$/.test(value) ? Number(value) : value;
}

function chatFor(core: SimCore, payload: Payload): ChatRecord {
  const chatId = chatIdOf(payload);
  if (chatId === undefined) throw badRequest("chat_id is empty");
  const record = typeof chatId === "number" ? core.store.chat(chatId) : undefined;
  if (!record) throw badRequest("chat not found");
  return record;
}

function formatted(payload: Payload, field: "text" | "caption", entitiesField: string): FormattedText & { source: string; parseMode?: string } {
  const source = optionalString(payload, field) ?? "";
  const parseMode = optionalString(payload, "parse_mode");
  const result = formatText(source, parseMode, optionalJson(payload, entitiesField));
  return { ...result, source, parseMode: parseMode || undefined };
}

function messageText(payload: Payload): ReturnType<typeof formatted> {
  const text = formatted(payload, "text", "entities");
  if (text.text.trim() === "") throw badRequest("message text is empty");
  if (text.text.length > TEXT_LIMIT) throw badRequest("message is too long");
  return text;
}

function messageCaption(payload: Payload): ReturnType<typeof formatted> | undefined {
  const caption = formatted(payload, "caption", "caption_entities");
  if (caption.text.length > CAPTION_LIMIT) throw badRequest("message caption is too long");
  return caption.text === "" ? undefined : caption;
}

function replyMarkup(payload: Payload): SimReplyMarkup | undefined {
  return validateReplyMarkup(optionalJson(payload, "reply_markup", "reply keyboard markup"));
}

function replyTarget(record: ChatRecord, payload: Payload): Message | undefined {
  const parameters = optionalJson(payload, "reply_parameters");
  const messageId = isRecord(parameters) ? Number(parameters.message_id) : optionalNumber(payload, "reply_to_message_id");
  if (messageId === undefined || Number.isNaN(messageId)) return undefined;
  const target = record.get(messageId);
  if (target && !target.sim.deleted) return target.wire;
  const allowWithout = (isRecord(parameters) && parameters.allow_sending_without_reply === true) || optionalBoolean(payload, "allow_sending_without_reply");
  if (allowWithout) return undefined;
  throw badRequest("message to be replied not found");
}

function entitiesOrNothing<T>(entities: T[]): T[] | undefined {
  return entities.length > 0 ? entities : undefined;
}

function sendMessage(core: SimCore, payload: Payload): Message {
  const record = chatFor(core, payload);
  const text = messageText(payload);
  const markup = replyMarkup(payload);
  const content: BotContent = {
    sim: { text: text.source, plainText: text.text, entities: text.entities, parse_mode: text.parseMode, reply_markup: markup },
    wire: {
      text: text.text,
      entities: entitiesOrNothing(text.entities),
      reply_markup: inlineKeyboardOf(markup),
      reply_to_message: replyTarget(record, payload),
    },
  };
  return core.addBotMessage(record, content).wire;
}

async function sendMedia(core: SimCore, payload: Payload, kind: "photo" | "document"): Promise<Message> {
  const record = chatFor(core, payload);
  const caption = messageCaption(payload);
  const markup = replyMarkup(payload);
  const replyTo = replyTarget(record, payload);
  const file = await resolveInputFile(core.store, payload, kind, kind);
  const media =
    kind === "photo"
      ? { sim: { photo: { png: file.bytes, fileId: file.fileId } }, wire: { photo: photoSizesOf(core.store, file) } }
      : {
          sim: { document: { fileName: file.fileName, bytes: file.bytes, fileId: file.fileId, mimeType: file.mimeType } },
          wire: {
            document: {
              file_id: file.fileId,
              file_unique_id: file.fileUniqueId,
              file_name: file.fileName,
              mime_type: file.mimeType,
              file_size: file.bytes.length,
            },
          },
        };
  const content: BotContent = {
    sim: { ...media.sim, caption: caption?.source, plainText: caption?.text, entities: caption?.entities, parse_mode: caption?.parseMode, reply_markup: markup },
    wire: {
      ...media.wire,
      caption: caption?.text,
      caption_entities: entitiesOrNothing(caption?.entities ?? []),
      reply_markup: inlineKeyboardOf(markup),
      reply_to_message: replyTo,
    },
  };
  return core.addBotMessage(record, content).wire;
}

function sendChatAction(core: SimCore, payload: Payload): true {
  chatFor(core, payload);
  if (!CHAT_ACTIONS.has(optionalString(payload, "action") ?? "")) throw badRequest("wrong parameter action in request");
  return true;
}

// --- edits

function editable(core: SimCore, payload: Payload): { record: ChatRecord; current: StoredMessage } {
  if (payload.inline_message_id !== undefined) throw badRequest("MESSAGE_ID_INVALID");
  const record = chatFor(core, payload);
  const current = record.get(requiredNumber(payload, "message_id", "message identifier is not specified"));
  if (!current || current.sim.deleted) throw badRequest("message to edit not found");
  if (current.sim.from !== "bot") throw badRequest("message can't be edited");
  return { record, current };
}

function sameText(current: StoredMessage, next: FormattedText | undefined): boolean {
  return (
    (current.sim.plainText ?? "") === (next?.text ?? "") &&
    canonicalJson(current.sim.entities ?? []) === canonicalJson(next?.entities ?? [])
  );
}

function editMessageText(core: SimCore, payload: Payload): Message {
  const { record, current } = editable(core, payload);
  if (current.sim.text === undefined) throw badRequest("there is no text in the message to edit");
  const text = messageText(payload);
  // Leaving reply_markup out removes the keyboard, as on Telegram.
  const markup = replyMarkup(payload);
  if (sameText(current, text) && sameMarkup(current.sim.reply_markup, markup)) throw badRequest(NOT_MODIFIED);
  return core.editBotMessage(record, current, {
    sim: { text: text.source, plainText: text.text, entities: text.entities, parse_mode: text.parseMode, reply_markup: markup },
    wire: { text: text.text, entities: entitiesOrNothing(text.entities), reply_markup: inlineKeyboardOf(markup) },
  }).wire;
}

function editMessageCaption(core: SimCore, payload: Payload): Message {
  const { record, current } = editable(core, payload);
  if (!current.sim.photo && !current.sim.document) throw badRequest("there is no caption in the message to edit");
  const caption = messageCaption(payload);
  const markup = replyMarkup(payload);
  if (sameText(current, caption) && sameMarkup(current.sim.reply_markup, markup)) throw badRequest(NOT_MODIFIED);
  return core.editBotMessage(record, current, {
    sim: { caption: caption?.source, plainText: caption?.text, entities: caption?.entities, parse_mode: caption?.parseMode, reply_markup: markup },
    wire: { caption: caption?.text, caption_entities: entitiesOrNothing(caption?.entities ?? []), reply_markup: inlineKeyboardOf(markup) },
  }).wire;
}

function editMessageReplyMarkup(core: SimCore, payload: Payload): Message {
  const { record, current } = editable(core, payload);
  const markup = replyMarkup(payload);
  if (sameMarkup(current.sim.reply_markup, markup)) throw badRequest(NOT_MODIFIED);
  return core.editBotMessage(record, current, { sim: { reply_markup: markup }, wire: { reply_markup: inlineKeyboardOf(markup) } }).wire;
}

function deleteMessage(core: SimCore, payload: Payload): true {
  const record = chatFor(core, payload);
  const current = record.get(requiredNumber(payload, "message_id", "message identifier is not specified"));
  if (!current || current.sim.deleted) throw badRequest("message to delete not found");
  core.deleteMessage(record, current);
  return true;
}

function deleteMessages(core: SimCore, payload: Payload): true {
  const record = chatFor(core, payload);
  const ids = optionalJson(payload, "message_ids");
  if (!Array.isArray(ids) || ids.length === 0 || ids.length > 100) throw badRequest("message_ids must be 1-100 message identifiers");
  for (const id of ids) {
    const current = record.get(Number(id));
    if (current && !current.sim.deleted) core.deleteMessage(record, current);
  }
  return true;
}

// --- callbacks, chats, files

function answerCallbackQuery(core: SimCore, payload: Payload): true {
  const text = optionalString(payload, "text");
  if (text !== undefined && text.length > CALLBACK_ANSWER_LIMIT) throw badRequest("MESSAGE_TOO_LONG");
  const answer = { text, show_alert: optionalBoolean(payload, "show_alert"), url: optionalString(payload, "url") };
  core.answerCallback(optionalString(payload, "callback_query_id") ?? "", answer);
  return true;
}

function getChat(core: SimCore, payload: Payload): Record<string, unknown> {
  const record = chatFor(core, payload);
  return { ...wireChatOf(record.chat), accent_color_id: 0, max_reaction_count: 11, accepted_gift_types: { unlimited_gifts: false, limited_gifts: false, unique_gifts: false, premium_subscription: false } };
}

function getFile(core: SimCore, payload: Payload): Record<string, unknown> {
  const file = core.store.file(optionalString(payload, "file_id") ?? "");
  if (!file) throw badRequest("invalid file_id");
  return { file_id: file.fileId, file_unique_id: file.fileUniqueId, file_size: file.bytes.length, file_path: file.path };
}

/** Commands, menu buttons, names and descriptions: stored per scope and language, as Telegram does. */
class BotSettings {
  private readonly commands = new Map<string, BotCommand[]>();
  private readonly menuButtons = new Map<string, unknown>();
  private readonly texts = new Map<string, string>();

  setCommands(payload: Payload): true {
    const commands = optionalJson(payload, "commands");
    if (!Array.isArray(commands) || commands.length > 100) throw badRequest("commands must be an array of at most 100 BotCommand");
    this.commands.set(this.scopeKey(payload), commands.map(validCommand));
    return true;
  }

  getCommands(payload: Payload): BotCommand[] {
    return this.commands.get(this.scopeKey(payload)) ?? [];
  }

  deleteCommands(payload: Payload): true {
    this.commands.delete(this.scopeKey(payload));
    return true;
  }

  setMenuButton(payload: Payload): true {
    this.menuButtons.set(String(chatIdOf(payload) ?? "default"), optionalJson(payload, "menu_button") ?? { type: "default" });
    return true;
  }

  getMenuButton(payload: Payload): unknown {
    return this.menuButtons.get(String(chatIdOf(payload) ?? "default")) ?? this.menuButtons.get("default") ?? { type: "commands" };
  }

  setText(kind: string, payload: Payload): true {
    this.texts.set(`${kind}|${optionalString(payload, "language_code") ?? ""}`, optionalString(payload, kind) ?? "");
    return true;
  }

  getText(kind: string, payload: Payload): string {
    return this.texts.get(`${kind}|${optionalString(payload, "language_code") ?? ""}`) ?? "";
  }

  private scopeKey(payload: Payload): string {
    const scope = optionalJson(payload, "scope") ?? { type: "default" };
    return `${canonicalJson(scope)}|${optionalString(payload, "language_code") ?? ""}`;
  }
}

function validCommand(command: unknown): BotCommand {
  if (!isRecord(command) || typeof command.command !== "string" || !/^[a-z0-9_]{1,32}$/.test(command.command)) {
    throw badRequest("BOT_COMMAND_INVALID");
  }
  if (typeof command.description !== "string" || command.description.length < 1 || command.description.length > 256) {
    throw badRequest("BOT_COMMAND_DESCRIPTION_INVALID");
  }
  return { command: command.command, description: command.description };
}
