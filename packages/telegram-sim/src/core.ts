import type { Message, MessageEntity, Update, User, UserFromGetMe } from "grammy/types";
import { badRequest } from "./errors.ts";
import { inlineButtonsOf } from "./markup.ts";
import {
  type ChatRecord,
  privateChatOf,
  SimStore,
  type StoredMessage,
  unixNow,
  userOfPrivateChat,
  wireChatOf,
  wireUserOf,
  withoutUndefined,
} from "./store.ts";
import type { CallbackAnswer, SimChat, SimMessage, SimUser } from "./types.ts";
import { UpdateQueue, type WebhookReplyHandler } from "./updates.ts";
import { SimPayments } from "./payments.ts";

type CallbackMessage = NonNullable<NonNullable<Update["callback_query"]>["message"]>;

interface CallbackRecord {
  answer?: CallbackAnswer;
  waiters: Set<(answer: CallbackAnswer) => void>;
}

/** What a new or edited bot message shows, in both shapes. */
export interface BotContent {
  sim: Partial<Omit<SimMessage, "message_id" | "from" | "date">>;
  wire: Record<string, unknown>;
}

const COMMAND_PATTERN = /(^|\s)(\/[a-zA-Z0-9_]{1,32}(?:@[a-zA-Z0-9_]{3,32})?)(?=$|\s)/g;

/** Telegram marks every /command in a user's text as a bot_command entity. */
function commandEntities(text: string): MessageEntity[] {
  return [...text.matchAll(COMMAND_PATTERN)].map((match) => ({
    type: "bot_command",
    offset: (match.index ?? 0) + (match[1]?.length ?? 0),
    length: match[2]?.length ?? 0,
  }));
}

/** The simulated Telegram: chats, updates for the bot, callback queries and the user's actions. */
export class SimCore {
  readonly store = new SimStore();
  readonly updates: UpdateQueue;
  readonly botUser: User;
  /** Invoices in Stars, pre-checkout queries, payments and refunds. */
  readonly payments: SimPayments;
  private readonly callbacks = new Map<string, CallbackRecord>();
  private callbackCounter = 0;
  private readonly callbackPrefix = String(Date.now() % 1_000_000_000);

  constructor(
    readonly botInfo: UserFromGetMe,
    runWebhookReply: WebhookReplyHandler,
    preCheckoutTimeoutMs?: number,
  ) {
    this.updates = new UpdateQueue(runWebhookReply);
    this.payments = new SimPayments(this, preCheckoutTimeoutMs);
    this.botUser = { id: botInfo.id, is_bot: true, first_name: botInfo.first_name, username: botInfo.username };
  }

  // --- the user's side

  sendText(user: SimUser, text: string, chat?: SimChat): number {
    const record = this.store.ensureChat(chat ?? privateChatOf(user));
    if (record.blocked) this.setBlocked(record.chat.id, false);
    const message_id = record.nextMessageId();
    const date = unixNow();
    const entities = commandEntities(text);
    const wire = withoutUndefined({
      message_id,
      from: wireUserOf(user),
      chat: wireChatOf(record.chat),
      date,
      text,
      entities: entities.length > 0 ? entities : undefined,
    }) as NonNullable<Update["message"]>;
    const sim: SimMessage = { message_id, from: "user", text, plainText: text, entities, date };
    this.record(record, { sim, wire });
    return this.updates.push((update_id) => ({ update_id, message: wire }));
  }

  pressButton(user: SimUser, messageId: number, callbackData: string, chatId: number): { callbackQueryId: string; updateId: number } {
    const stored = this.store.chat(chatId)?.get(messageId);
    if (!stored || stored.sim.deleted || stored.sim.from !== "bot") {
      throw new Error(`no bot message ${messageId} in chat ${chatId} to press a button on`);
    }
    if (!inlineButtonsOf(stored.sim.reply_markup).some((button) => button.callback_data === callbackData)) {
      throw new Error(`message ${messageId} in chat ${chatId} has no button with callback_data "${callbackData}"`);
    }
    const id = `${this.callbackPrefix}${String(++this.callbackCounter).padStart(9, "0")}`;
    this.callbacks.set(id, { waiters: new Set() });
    const chatInstance = this.store.chat(chatId)?.chatInstance ?? "0";
    const updateId = this.updates.push((update_id) => ({
      update_id,
      callback_query: { id, from: wireUserOf(user), message: stored.wire as unknown as CallbackMessage, chat_instance: chatInstance, data: callbackData },
    }));
    return { callbackQueryId: id, updateId };
  }

  answerOf(callbackQueryId: string, timeoutMs: number): Promise<CallbackAnswer | undefined> {
    const callback = this.callbacks.get(callbackQueryId);
    if (!callback || callback.answer) return Promise.resolve(callback?.answer);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        callback.waiters.delete(waiter);
        resolve(undefined);
      }, timeoutMs).unref();
      const waiter = (answer: CallbackAnswer): void => {
        clearTimeout(timer);
        resolve(answer);
      };
      callback.waiters.add(waiter);
    });
  }

  /** Blocking (and unblocking) sends the bot a my_chat_member update, as Telegram does. */
  setBlocked(chatId: number, blocked: boolean): void {
    const record = this.store.ensureChat(this.store.chat(chatId)?.chat ?? { id: chatId, type: "private", first_name: "User" });
    if (record.blocked === blocked) return;
    record.blocked = blocked;
    if (record.chat.type !== "private") return;
    const user = wireUserOf(userOfPrivateChat(record.chat));
    const [before, after] = blocked ? ["member", "kicked"] : ["kicked", "member"];
    this.updates.push((update_id) => ({
      update_id,
      my_chat_member: {
        chat: wireChatOf(record.chat),
        from: user,
        date: unixNow(),
        old_chat_member: { user: this.botUser, status: before, until_date: 0 },
        new_chat_member: { user: this.botUser, status: after, until_date: 0 },
      } as NonNullable<Update["my_chat_member"]>,
    }));
  }

  // --- the bot's side

  answerCallback(callbackQueryId: string, answer: CallbackAnswer): void {
    const callback = this.callbacks.get(callbackQueryId);
    if (!callback || callback.answer) {
      throw badRequest("query is too old and response timeout expired or query ID is invalid");
    }
    callback.answer = answer;
    for (const waiter of callback.waiters) waiter(answer);
    callback.waiters.clear();
  }

  addBotMessage(record: ChatRecord, content: BotContent): StoredMessage {
    const message_id = record.nextMessageId();
    const date = unixNow();
    const wire = withoutUndefined({
      message_id,
      from: this.botUser,
      chat: wireChatOf(record.chat),
      date,
      ...content.wire,
    }) as Message;
    const sim = withoutUndefined({ ...content.sim, message_id, from: "bot", date }) as SimMessage;
    const stored = { sim, wire };
    this.record(record, stored);
    return stored;
  }

  editBotMessage(record: ChatRecord, current: StoredMessage, change: BotContent): StoredMessage {
    const wire = withoutUndefined({ ...current.wire, ...change.wire, edit_date: unixNow() }) as Message;
    const sim = withoutUndefined({ ...current.sim, ...change.sim, edited: true }) as SimMessage;
    const edited = { sim, wire };
    record.replace(edited);
    this.store.changed(record.chat.id, sim);
    return edited;
  }

  deleteMessage(record: ChatRecord, current: StoredMessage): void {
    const sim: SimMessage = { ...current.sim, deleted: true };
    record.replace({ sim, wire: current.wire });
    this.store.changed(record.chat.id, sim);
  }

  private record(record: ChatRecord, stored: StoredMessage): void {
    record.add(stored);
    this.store.changed(record.chat.id, stored.sim);
  }
}
