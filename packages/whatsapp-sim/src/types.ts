import type { RequestLog, StandIn } from "@esim-shop/sim-kit";

/** An approved message template the stand-in accepts (outside the 24-hour window too). */
export interface TemplateDefinition {
  name: string;
  /** Language codes it is approved in, e.g. ["en", "ru", "tr"]. */
  languages: string[];
  /** How many `{{n}}` parameters its body has. */
  bodyParameters: number;
}

export type DeliveryStatus = "sent" | "delivered" | "read";

/** How status callbacks follow each message the business sends. */
export interface StatusMode {
  /** The last status a message reaches ("none": no status callbacks at all). */
  upTo: DeliveryStatus | "none";
  /** "reversed" posts read before delivered before sent; "shuffled" in a random order. */
  order: "in-order" | "reversed" | "shuffled";
  /** Each status is posted twice. */
  duplicates: boolean;
}

/** How a user who is not on WhatsApp fails: in the API answer (400, 131026), or in a `failed` status callback after a 200 (as Meta often does). */
export type UndeliverableReport = "response" | "status";

export interface WhatsAppSimOptions {
  /** 0 (the default) picks a free port; the CLI uses 8090. */
  port?: number;
  host?: string;
  controlToken?: string;
  /** The one Graph API version accepted in the URL; default "v26.0". */
  version?: string;
  /** The accepted access token; default "wa-sim-token". */
  accessToken?: string;
  phoneNumberId?: string;
  /** The WhatsApp Business Account id, `entry[].id` of every webhook. */
  wabaId?: string;
  /** default "+44 7700 900123" */
  displayPhoneNumber?: string;
  verifiedName?: string;
  /** Signs webhooks (X-Hub-Signature-256). */
  appSecret?: string;
  /** The token the GET handshake sends as hub.verify_token. */
  verifyToken?: string;
  /** The product's webhook endpoint; none when unset. */
  webhookUrl?: string;
  /** default: esim_ready in en, ru, tr with one body parameter */
  templates?: TemplateDefinition[];
  /** Messages per second per phone number before 130429; default 80; 0 disables. */
  throughputPerSecond?: number;
  /** The clock of the 24-hour window and of webhook timestamps (milliseconds); default Date.now. */
  now?: () => number;
  /** Waits between attempts of a webhook the product did not answer 2xx; default [1000, 5000, 30000]. */
  webhookRetryDelaysMs?: number[];
  /** default 10 s */
  webhookTimeoutMs?: number;
  /** default { upTo: "read", order: "in-order", duplicates: false } */
  statuses?: Partial<StatusMode>;
  /** Waited after a send's answer before its status callbacks; default 20 ms. */
  statusDelayMs?: number;
  /** Users that exist from the start. */
  users?: NewUser[];
}

/** A WhatsApp user as created: `withUsername` users have no phone number (no wa_id). */
export interface NewUser {
  name: string;
  waId?: string;
  withUsername?: boolean;
  /** A business-scoped user id to use instead of a random one, e.g. "GB.100000000000000000001". */
  userId?: string;
}

export interface SimUser {
  /** The business-scoped user id (BSUID), e.g. "US.13491208655302741918". */
  userId: string;
  /** The phone number as Meta writes it (digits); absent for users with a username. */
  waId?: string;
  name: string;
  /** When the user last wrote (opens the 24-hour window); milliseconds by the stand-in's clock. */
  lastInboundAt?: number;
  /** Not on WhatsApp: every send to them fails with 131026. */
  undeliverable?: UndeliverableReport;
}

export interface ReplyButton {
  id: string;
  title: string;
}

export interface ListRow {
  id: string;
  title: string;
  description?: string;
}

export type InteractiveHeader = { type: "text"; text: string } | { type: "image"; mediaId?: string; link?: string };

/** What the business sent, parsed. */
export type SentContent =
  | { type: "text"; body: string; previewUrl: boolean }
  | { type: "buttons"; header?: InteractiveHeader; body: string; footer?: string; buttons: ReplyButton[] }
  | { type: "list"; header?: InteractiveHeader; body: string; footer?: string; button: string; sections: { title?: string; rows: ListRow[] }[] }
  | { type: "cta_url"; header?: InteractiveHeader; body: string; footer?: string; displayText: string; url: string }
  | { type: "image"; caption?: string; mediaId?: string; link?: string; image?: { bytes: Buffer; mimeType: string } }
  | { type: "template"; name: string; language: string; parameters: string[] };

export interface SentMessage {
  direction: "out";
  /** The wamid the API answered. */
  id: string;
  /** The recipient's BSUID. */
  userId: string;
  at: number;
  content: SentContent;
  /** The statuses posted for it so far, in posting order. */
  statuses: (DeliveryStatus | "failed")[];
  /** The request body as sent. */
  payload: Record<string, unknown>;
}

export type InboundContent =
  | { type: "text"; body: string }
  | { type: "button_reply"; id: string; title: string; replyTo: string }
  | { type: "list_reply"; id: string; title: string; description?: string; replyTo: string };

export interface ReceivedMessage {
  direction: "in";
  id: string;
  userId: string;
  at: number;
  content: InboundContent;
  /** The business marked it read (POST /messages with status "read"). */
  markedRead?: boolean;
}

export type TranscriptEntry = SentMessage | ReceivedMessage;

export type DeliveryKind = "messages" | "statuses" | "redelivery" | "forged" | "unsigned";

/** One POST to the webhook URL (each retry is its own). */
export interface WebhookDelivery {
  seq: number;
  kind: DeliveryKind;
  /** 1 for the first POST of a body, 2… for its retries. */
  attempt: number;
  /** The product's HTTP status; 0 when it could not be reached. */
  status: number;
  at: number;
  /** wamids of the inbound messages, or of the messages whose statuses it carries. */
  messageIds: string[];
}

/** What an inbound control call did: the message id, and the product's answer to the first POST (retries may follow). */
export interface InboundResult {
  messageId: string;
  status: number;
}

export interface HandshakeResult {
  /** The product answered 200 with the challenge as the whole body. */
  ok: boolean;
  status: number;
  body: string;
  challenge: string;
  url: string;
}

/** One inbound message of a batch: a text, or a press of a button or list row of a message the business sent. */
export type BatchItem = { user: string; text: string } | { user: string; press: { messageId: string; id: string } };

/** How a batch is laid out in its one POST: one change with every message, one change per message, or one entry per message. */
export type BatchSplit = "messages" | "changes" | "entries";

export interface StoredMedia {
  id: string;
  mimeType: string;
  bytes: Buffer;
  sha256: string;
  fileName?: string;
}

/** The settings that point the product at the stand-in. */
export interface WhatsAppSettings {
  WHATSAPP_API_URL: string;
  WHATSAPP_ACCESS_TOKEN: string;
  WHATSAPP_PHONE_NUMBER_ID: string;
  WHATSAPP_APP_SECRET: string;
  WHATSAPP_VERIFY_TOKEN: string;
  [key: string]: string;
}

/** The stand-in in-process: the users' side of WhatsApp, and what the business did. */
export interface WhatsAppSim extends StandIn {
  /** `url` + "/" + version: the WHATSAPP_API_URL setting. */
  apiUrl: string;
  version: string;
  accessToken: string;
  phoneNumberId: string;
  wabaId: string;
  displayPhoneNumber: string;
  appSecret: string;
  verifyToken: string;
  settings: WhatsAppSettings;
  requests: RequestLog<unknown>;
  /** The same shape as the other stand-ins' control, for the sandbox. */
  control: { setWebhookUrl(url: string | undefined): void };
  webhookUrl(): string | undefined;
  setWebhookUrl(url: string | undefined): void;

  createUser(user: NewUser): SimUser;
  /** By BSUID or wa_id. */
  user(id: string): SimUser | undefined;
  users(): SimUser[];
  setUndeliverable(user: string, report: UndeliverableReport | false): void;
  /** Moves the user's last inbound message this many hours back (ages the 24-hour window). */
  ageWindow(user: string, hours: number): void;

  sendText(user: string, text: string): Promise<InboundResult>;
  /** Presses a reply button or picks a list row (`id`) of a message the business sent to this user. */
  press(user: string, messageId: string, id: string): Promise<InboundResult>;
  /** Posts the body that carried this inbound message again, byte for byte (a duplicate delivery). */
  redeliver(messageId: string, options?: { times?: number; concurrently?: boolean }): Promise<number[]>;
  /** Several inbound messages in one POST. */
  sendBatch(items: BatchItem[], split?: BatchSplit): Promise<{ messageIds: string[]; status: number }>;
  /** A POST signed with the wrong secret, or with no signature: the product must refuse it. */
  sendForged(user: string, text: string): Promise<number>;
  sendUnsigned(user: string, text: string): Promise<number>;
  /** Meta's GET handshake against the webhook URL. */
  verifyWebhook(verifyToken?: string): Promise<HandshakeResult>;
  /** Posts one status callback for a sent message now (e.g. a late "failed" with 131026). */
  postStatus(messageId: string, status: DeliveryStatus | "failed", errorCode?: number): Promise<number>;
  setStatusMode(mode: Partial<StatusMode>): StatusMode;

  /** Everything the business sent (to one user), oldest first. */
  sent(user?: string): SentMessage[];
  /** Both directions, oldest first. */
  transcript(user: string): TranscriptEntry[];
  media(id: string): StoredMedia | undefined;
  deliveries(): WebhookDelivery[];
  /** Called for every message the business sends, after it is accepted. */
  onSend(listener: (message: SentMessage) => void): () => void;
  /** Called for every API request, on arrival and when answered (uploads included). */
  onActivity(listener: () => void): () => void;
  /** Resolves once no webhook is in flight or waiting for a retry. */
  idle(): Promise<void>;
  close(): Promise<void>;
}
