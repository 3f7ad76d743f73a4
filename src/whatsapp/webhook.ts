import { z } from "zod";

/**
 * Meta's webhook payload, parsed (never trusted): one POST may carry several entries, each several changes, each
 * several messages and statuses. Only what the shop reads is checked; unknown message types are kept as such.
 */
const contact = z.object({
  wa_id: z.string().min(1).max(64).optional(),
  /** Business-scoped user id, sent since 2026; usernames may come without a wa_id (phone number). */
  user_id: z.string().min(1).max(128).optional(),
  profile: z.object({ name: z.string().optional() }).partial().optional(),
});

const inboundMessage = z.object({
  id: z.string().min(1).max(256),
  from: z.string().min(1).max(64).optional(),
  from_user_id: z.string().min(1).max(128).optional(),
  timestamp: z.string().optional(),
  type: z.string(),
  text: z.object({ body: z.string().max(4096) }).optional(),
  interactive: z
    .object({
      type: z.string(),
      button_reply: z.object({ id: z.string().max(256), title: z.string() }).optional(),
      list_reply: z.object({ id: z.string().max(200), title: z.string(), description: z.string().optional() }).optional(),
    })
    .optional(),
  button: z.object({ payload: z.string().optional(), text: z.string().optional() }).optional(),
});

const status = z.object({
  id: z.string(),
  status: z.string(),
  timestamp: z.string().optional(),
  recipient_id: z.string().optional(),
  recipient_user_id: z.string().optional(),
  errors: z.array(z.object({ code: z.number(), title: z.string().optional() })).optional(),
});

const change = z.object({
  field: z.string(),
  value: z.object({
    messaging_product: z.string().optional(),
    metadata: z.object({ phone_number_id: z.string() }).partial().optional(),
    contacts: z.array(contact).optional(),
    messages: z.array(inboundMessage).optional(),
    statuses: z.array(status).optional(),
  }),
});

export const webhookPayloadSchema = z.object({
  object: z.literal("whatsapp_business_account"),
  entry: z.array(z.object({ id: z.string().optional(), changes: z.array(change) })),
});

/** What a customer did, in our terms. */
export type InboundKind = { kind: "text"; text: string } | { kind: "action"; data: string } | { kind: "other"; type: string };

export interface InboundMessage {
  /** Meta's message id (wamid): duplicates of a retried webhook carry the same one. */
  id: string;
  /** Who sent it: the business-scoped user id when present, else the wa_id. */
  externalId: string;
  /** The phone number, when Meta sent one (a username may have none). */
  waId?: string;
  /** Seconds since the epoch, as Meta stamped it. */
  sentAt?: number;
  what: InboundKind;
}

export interface StatusUpdate {
  messageId: string;
  status: string;
  recipient?: string;
  errorCodes: number[];
}

/** Every message and status of every entry and change, for our phone number only. */
export function readWebhook(payload: unknown, phoneNumberId: string): { messages: InboundMessage[]; statuses: StatusUpdate[] } | undefined {
  const parsed = webhookPayloadSchema.safeParse(payload);
  if (!parsed.success) return undefined;
  const messages: InboundMessage[] = [];
  const statuses: StatusUpdate[] = [];
  for (const entry of parsed.data.entry) {
    for (const { field, value } of entry.changes) {
      if (field !== "messages") continue;
      const forUs = !value.metadata?.phone_number_id || value.metadata.phone_number_id === phoneNumberId;
      if (!forUs) continue;
      for (const message of value.messages ?? []) {
        const sender = senderOf(message, value.contacts ?? []);
        if (sender) messages.push({ id: message.id, ...sender, ...(message.timestamp ? { sentAt: Number(message.timestamp) } : {}), what: kindOf(message) });
      }
      for (const update of value.statuses ?? []) {
        // The recipient as we know them: by business-scoped user id when Meta sends one, like the messages.
        const recipient = update.recipient_user_id ?? update.recipient_id;
        statuses.push({ messageId: update.id, status: update.status, ...(recipient ? { recipient } : {}), errorCodes: (update.errors ?? []).map((e) => e.code) });
      }
    }
  }
  return { messages, statuses };
}

type Message = z.infer<typeof inboundMessage>;
type Contact = z.infer<typeof contact>;

function senderOf(message: Message, contacts: Contact[]): { externalId: string; waId?: string } | undefined {
  const known = contacts.find((c) => (message.from && c.wa_id === message.from) || (message.from_user_id && c.user_id === message.from_user_id)) ?? (contacts.length === 1 ? contacts[0] : undefined);
  const userId = message.from_user_id ?? known?.user_id;
  const waId = message.from ?? known?.wa_id;
  const externalId = userId ?? waId;
  if (!externalId) return undefined;
  return { externalId, ...(waId ? { waId } : {}) };
}

function kindOf(message: Message): InboundKind {
  if (message.type === "text" && message.text) return { kind: "text", text: message.text.body };
  const reply = message.interactive?.button_reply ?? message.interactive?.list_reply;
  if (message.type === "interactive" && reply) return { kind: "action", data: reply.id };
  // A quick-reply button of a template message.
  if (message.type === "button" && message.button) return message.button.payload ? { kind: "action", data: message.button.payload } : { kind: "text", text: message.button.text ?? "" };
  return { kind: "other", type: message.type };
}
