export { startWhatsAppSim, DEFAULTS, DEFAULT_TEMPLATES } from "./server.ts";
export { FAULT_ANSWERS, ERROR_CODES, GraphError, graphErrorAnswer, type ErrorName, type GraphErrorBody } from "./errors.ts";
export { signBody as signWhatsAppBody } from "./webhooks.ts";
export { metaJson } from "./payloads.ts";
export { LIMITS } from "./send-schema.ts";
export { runTerminalChat, renderWhatsAppText, type TerminalChat, type TerminalChatOptions } from "./terminal.ts";
export { decodeQr } from "./qr.ts";
export type {
  BatchItem,
  BatchSplit,
  DeliveryKind,
  DeliveryStatus,
  HandshakeResult,
  InboundContent,
  InboundResult,
  InteractiveHeader,
  ListRow,
  NewUser,
  ReceivedMessage,
  ReplyButton,
  SentContent,
  SentMessage,
  SimUser,
  StatusMode,
  StoredMedia,
  TemplateDefinition,
  TranscriptEntry,
  UndeliverableReport,
  WebhookDelivery,
  WhatsAppSettings,
  WhatsAppSim,
  WhatsAppSimOptions,
} from "./types.ts";
