export { startTelegramSim } from "./server.ts";
export { runTerminalChat, type TerminalChatOptions } from "./terminal.ts";
export type {
  ApiErrorShape,
  CallbackAnswer,
  MessageListener,
  RecordedCall,
  SimChat,
  SimInlineButton,
  SimMessage,
  SimReplyMarkup,
  SimUser,
  TelegramSim,
  TelegramSimOptions,
} from "./types.ts";
