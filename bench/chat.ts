import type { Update, User } from "grammy/types";
import type { FakeButton, FakeTelegram, ShownMessage } from "./fake-telegram.ts";

let lastUpdateId = 0;

/** The updates Telegram would send for a person in a private chat with the bot. */
export class ChatUser {
  private lastMessageId = 0;

  constructor(
    readonly profile: User,
    private readonly telegram: FakeTelegram,
  ) {}

  static numbered(id: number, telegram: FakeTelegram): ChatUser {
    const language = (["en", "ru", "tr"] as const)[id % 3];
    return new ChatUser({ id, is_bot: false, first_name: `Traveller ${id}`, language_code: language }, telegram);
  }

  text(text: string): Update {
    const command = /^\/\w+/.exec(text);
    return {
      update_id: ++lastUpdateId,
      message: {
        message_id: ++this.lastMessageId,
        date: nowSeconds(),
        chat: this.chat(),
        from: this.profile,
        text,
        ...(command ? { entities: [{ type: "bot_command" as const, offset: 0, length: command[0].length }] } : {}),
      },
    };
  }

  /** Pressing a button of the message the bot last showed in this chat; undefined when no button matches. */
  press(button: RegExp | ((buttons: FakeButton[]) => FakeButton | undefined)): Update | undefined {
    const shown = this.shown();
    if (!shown) return undefined;
    const target = typeof button === "function" ? button(shown.buttons) : shown.buttons.find((b) => b.callbackData !== undefined && button.test(b.callbackData));
    if (target?.callbackData === undefined) return undefined;
    return this.callback(shown, target.callbackData);
  }

  shown(): ShownMessage | undefined {
    return this.telegram.lastShown(this.profile.id);
  }

  private callback(shown: ShownMessage, data: string): Update {
    const id = ++lastUpdateId;
    const bot = this.telegram.botInfo;
    return {
      update_id: id,
      callback_query: {
        id: `cq${id}`,
        from: this.profile,
        chat_instance: `ci${this.profile.id}`,
        data,
        message: {
          message_id: shown.messageId,
          date: nowSeconds(),
          chat: this.chat(),
          from: { id: bot.id, is_bot: true, first_name: bot.first_name, username: bot.username },
          text: shown.text,
        },
      },
    };
  }

  private chat() {
    return { id: this.profile.id, type: "private" as const, first_name: this.profile.first_name };
  }
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
