import { statusErrorOf } from "./errors.ts";
import { unixSeconds } from "./ids.ts";
import type { BatchSplit, DeliveryStatus, ReceivedMessage, SentMessage, SimUser } from "./types.ts";

/** The business side every webhook names. */
export interface Business {
  wabaId: string;
  phoneNumberId: string;
  displayPhoneNumber: string;
}

/**
 * JSON as Meta writes it: non-ASCII characters as \uXXXX escapes (emoji as surrogate pairs) and "/" as "\/".
 * A receiver that re-encodes the parsed body before checking the signature gets other bytes, as with Meta.
 */
export function metaJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/[\u007f-\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`)
    .replace(/\//g, "\\/");
}

function metadataOf(business: Business) {
  // Webhooks carry the number as digits only; the phone number node answers it formatted.
  return { display_phone_number: business.displayPhoneNumber.replace(/\D/g, ""), phone_number_id: business.phoneNumberId };
}

export function contactOf(user: SimUser) {
  return { profile: { name: user.name }, ...(user.waId ? { wa_id: user.waId } : {}), user_id: user.userId };
}

export function inboundJson(message: ReceivedMessage, user: SimUser, business: Business): Record<string, unknown> {
  const sender = { ...(user.waId ? { from: user.waId } : {}), from_user_id: user.userId, id: message.id, timestamp: unixSeconds(message.at) };
  const { content } = message;
  if (content.type === "text") return { ...sender, type: "text", text: { body: content.body } };
  const context = { context: { from: metadataOf(business).display_phone_number, id: content.replyTo } };
  if (content.type === "button_reply") return { ...context, ...sender, type: "interactive", interactive: { type: "button_reply", button_reply: { id: content.id, title: content.title } } };
  const reply = { id: content.id, title: content.title, ...(content.description !== undefined ? { description: content.description } : {}) };
  return { ...context, ...sender, type: "interactive", interactive: { type: "list_reply", list_reply: reply } };
}

export interface StatusEvent {
  message: SentMessage;
  user: SimUser;
  status: DeliveryStatus | "failed";
  at: number;
  errorCode?: number;
}

export function statusJson(event: StatusEvent): Record<string, unknown> {
  const { message, user, status } = event;
  const template = message.content.type === "template";
  return {
    id: message.id,
    status,
    timestamp: unixSeconds(event.at),
    ...(user.waId ? { recipient_id: user.waId } : {}),
    recipient_user_id: user.userId,
    ...(status === "failed"
      ? { errors: [statusErrorOf(event.errorCode ?? 131026)] }
      : { pricing: { billable: template, pricing_model: "PMP", category: template ? "utility" : "service", type: template ? "regular" : "free_customer_service" } }),
  };
}

type ChangeValue = Record<string, unknown>;

function envelope(business: Business, entries: ChangeValue[][]): Record<string, unknown> {
  return { object: "whatsapp_business_account", entry: entries.map((changes) => ({ id: business.wabaId, changes: changes.map((value) => ({ value, field: "messages" })) })) };
}

function messagesValue(business: Business, pairs: { message: ReceivedMessage; user: SimUser }[]): ChangeValue {
  const users = [...new Map(pairs.map(({ user }) => [user.userId, user])).values()];
  return { messaging_product: "whatsapp", metadata: metadataOf(business), contacts: users.map(contactOf), messages: pairs.map(({ message, user }) => inboundJson(message, user, business)) };
}

/** Inbound messages in one body: all in one change, one change each, or one entry each. */
export function inboundBody(business: Business, pairs: { message: ReceivedMessage; user: SimUser }[], split: BatchSplit = "messages"): Record<string, unknown> {
  if (split === "messages") return envelope(business, [[messagesValue(business, pairs)]]);
  const values = pairs.map((pair) => messagesValue(business, [pair]));
  return split === "changes" ? envelope(business, [values]) : envelope(business, values.map((value) => [value]));
}

export function statusBody(business: Business, event: StatusEvent): Record<string, unknown> {
  return envelope(business, [[{ messaging_product: "whatsapp", metadata: metadataOf(business), statuses: [statusJson(event)] }]]);
}
