import type { MessageEntity, UserFromGetMe } from "grammy/types";

export interface TelegramSimOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  token?: string;
  botUsername?: string;
  /** Added before every Bot API answer, to make a benchmark feel the network. */
  latencyMs?: number;
}

export interface SimUser {
  id: number;
  first_name: string;
  last_name?: string;
  username?: string;
  language_code?: string;
}

export interface SimChat {
  id: number;
  type: "private" | "group" | "supergroup" | "channel";
  title?: string;
  username?: string;
  first_name?: string;
  last_name?: string;
}

/** Markup exactly as the bot sent it (inline keyboard, reply keyboard, remove, force reply). */
export type SimReplyMarkup = Record<string, unknown>;

export interface SimInlineButton {
  text: string;
  callback_data?: string;
  url?: string;
  [other: string]: unknown;
}

export interface SimMessage {
  message_id: number;
  from: "bot" | "user";
  /** As sent, markup included (see parse_mode); `plainText` is what the user sees. */
  text?: string;
  caption?: string;
  plainText?: string;
  entities?: MessageEntity[];
  parse_mode?: string;
  photo?: { png: Buffer; fileId: string };
  document?: { fileName: string; bytes: Buffer; fileId: string; mimeType?: string };
  reply_markup?: SimReplyMarkup;
  edited?: boolean;
  deleted?: boolean;
  /** Unix seconds, like Telegram's `date`. */
  date: number;
}

export interface ApiErrorShape {
  error_code: number;
  description: string;
  parameters?: { retry_after?: number; migrate_to_chat_id?: number };
}

export interface RecordedCall {
  method: string;
  payload: Record<string, unknown>;
  at: number;
}

export interface CallbackAnswer {
  text?: string;
  show_alert?: boolean;
  url?: string;
}

export interface TelegramSim {
  apiRoot: string;
  token: string;
  botInfo: UserFromGetMe;
  /** Resolves to the update_id of the message. */
  sendText(user: SimUser, text: string, chat?: SimChat): Promise<number>;
  pressButton(user: SimUser, messageId: number, callbackData: string, chatId?: number): Promise<{ callbackQueryId: string; updateId: number }>;
  /** True once the bot has finished with the update (confirmed it); false after timeoutMs or when the sim closed. */
  handled(updateId: number, timeoutMs?: number): Promise<boolean>;
  answerOf(callbackQueryId: string, timeoutMs?: number): Promise<CallbackAnswer | undefined>;
  messages(chatId: number): SimMessage[];
  waitFor(chatId: number, predicate: (m: SimMessage) => boolean, timeoutMs?: number): Promise<SimMessage>;
  calls(method?: string): RecordedCall[];
  onMessage(listener: MessageListener): () => void;
  failNext(method: string, error: ApiErrorShape, opts?: { chatId?: number; times?: number }): void;
  blockBy(chatId: number): void;
  unblockBy(chatId: number): void;
  /** A chat the bot may write to without the user having written first (e.g. an admin who started the bot earlier). */
  registerChat(chat: SimChat): void;
  close(): Promise<void>;
}

export type MessageListener = (chatId: number, message: SimMessage) => void;
