import type { RequestLog, StandIn } from "@esim-shop/sim-kit";
import type { MessageEntity, UserFromGetMe } from "grammy/types";

export interface TelegramSimOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  token?: string;
  botUsername?: string;
  /** Added before every Bot API answer, to make a benchmark feel the network. */
  latencyMs?: number;
  /** The control API's bearer token; a random one by default. */
  controlToken?: string;
  /** How long a pre_checkout_query waits for the bot's answer (Telegram: 10 s); shorter only makes it stricter. */
  preCheckoutTimeoutMs?: number;
}

/** An invoice in Telegram Stars, as the bot sent it (sendInvoice) or made a link of (createInvoiceLink). */
export interface SimInvoice {
  title: string;
  description: string;
  /** The bot's own reference, 1-128 bytes, given back in the pre-checkout query and the payment. */
  payload: string;
  currency: string;
  /** Stars. */
  amount: number;
  link?: string;
}

/** A payment in Stars the user made, and whether the bot refunded it. */
export interface SimStarCharge {
  chargeId: string;
  userId: number;
  amount: number;
  payload: string;
  refunded: boolean;
}

export type StarPaymentResult =
  | { paid: true; preCheckoutQueryId: string; chargeId: string; updateId: number }
  | { paid: false; preCheckoutQueryId: string; reason: "refused" | "timeout"; errorMessage?: string };

export interface SimSuccessfulPayment {
  chargeId: string;
  currency: string;
  amount: number;
  payload: string;
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
  /** An invoice the bot sent (sendInvoice). */
  invoice?: SimInvoice;
  /** The user's payment (a service message in their chat). */
  successfulPayment?: SimSuccessfulPayment;
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

/** The stand-in's in-process face: the user's side of Telegram, and what the bot did. */
export interface TelegramSim extends StandIn {
  /** The TELEGRAM_API_ROOT setting; the same as `url`. */
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
  /** The Bot API calls received (all, or of one method), with their payloads; `requests` is the same log. */
  calls(method?: string): RecordedCall[];
  requests: RequestLog<Record<string, unknown>>;
  onMessage(listener: MessageListener): () => void;
  blockBy(chatId: number): void;
  unblockBy(chatId: number): void;
  /** A chat the bot may write to without the user having written first (e.g. an admin who started the bot earlier). */
  registerChat(chat: SimChat): void;
  /**
   * The user pays an invoice in Stars (a sent invoice message, or an invoice link): the bot gets a pre_checkout_query
   * and must answer it within 10 s; only then a successful_payment message with a charge id reaches it.
   */
  payInvoice(user: SimUser, target: { chatId: number; messageId: number } | { link: string }): Promise<StarPaymentResult>;
  /** Delivers the successful_payment of this charge once more (a repeated update); resolves its update_id. */
  repeatPayment(chargeId: string): Promise<number>;
  /** A successful_payment with whatever content, as if Telegram sent it (tests of forged or odd payments). */
  deliverPayment(user: SimUser, payment: { currency: string; total_amount: number; invoice_payload: string; telegram_payment_charge_id: string }): Promise<number>;
  /** Every payment in Stars made, and whether it was refunded. */
  starCharges(): SimStarCharge[];
  close(): Promise<void>;
}

export type MessageListener = (chatId: number, message: SimMessage) => void;
