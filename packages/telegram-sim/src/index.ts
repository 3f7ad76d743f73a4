export { botApiError, FAULT_ANSWERS, startTelegramSim } from "./server.ts";
export { decodeQr, renderEntities, runTerminalChat, type TerminalChatOptions } from "./terminal.ts";
export type {
  ApiErrorShape,
  CallbackAnswer,
  MessageListener,
  RecordedCall,
  SimChat,
  SimInlineButton,
  SimMessage,
  SimInvoice,
  SimReplyMarkup,
  SimStarCharge,
  StarPaymentResult,
  SimUser,
  TelegramSim,
  TelegramSimOptions,
} from "./types.ts";
