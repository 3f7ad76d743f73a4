import type { Readable } from "node:stream";
import type { UserFromGetMe } from "grammy/types";

/** What the bot last showed in a chat: enough for a simulated customer to press its buttons. */
export interface ShownMessage {
  messageId: number;
  text: string;
  buttons: FakeButton[];
}

export interface FakeButton {
  text: string;
  callbackData?: string;
  url?: string;
}

/**
 * Telegram faked at grammY's HTTP boundary (`client.fetch`): every Bot API call is answered in-process with the
 * `{ ok: true, result }` body Telegram would send (a Message for sends and edits, `true` for the rest). Payloads
 * are read the way Telegram reads them (JSON, or the whole multipart stream for uploads), so the bot pays for
 * serialising its calls exactly as in production; only the network is gone.
 */
export class FakeTelegram {
  readonly botInfo: UserFromGetMe = {
    id: 7_000_000_001,
    is_bot: true,
    first_name: "Bench Shop",
    username: "bench_esim_bot",
    can_join_groups: false,
    can_read_all_group_messages: false,
    supports_inline_queries: false,
    can_connect_to_business: false,
    has_main_web_app: false,
    has_topics_enabled: false,
    allows_users_to_create_topics: false,
    can_manage_bots: false,
    supports_join_request_queries: false,
  };
  readonly token = "7000000001:BENCH-fake-telegram-token";
  private readonly shown = new Map<number, ShownMessage>();
  private readonly nextMessageId = new Map<number, number>();
  private readonly callCounts = new Map<string, number>();
  private readonly listeners = new Set<(method: string, payload: Readonly<Record<string, unknown>>) => void>();

  /**
   * The `client.fetch` to give grammY (bot, conversations and notifier alike). The answer is JSON text parsed on
   * read, as a body off the wire would be; grammY reads nothing but `json()`, so no stream machinery is built.
   */
  readonly fetch = (async (input: unknown, init?: { body?: unknown }): Promise<FakeResponse> => {
    const method = methodOf(String(input));
    const payload = await readPayload(init?.body);
    this.callCounts.set(method, (this.callCounts.get(method) ?? 0) + 1);
    for (const listener of this.listeners) listener(method, payload);
    return new FakeResponse(JSON.stringify({ ok: true, result: this.answer(method, payload) }));
  }) as unknown as typeof fetch;

  /** Called for every Bot API call as it arrives, with its payload as read; returns how to stop listening. */
  onCall(listener: (method: string, payload: Readonly<Record<string, unknown>>) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  lastShown(chatId: number): ShownMessage | undefined {
    return this.shown.get(chatId);
  }

  calls(method?: string): number {
    if (method) return this.callCounts.get(method) ?? 0;
    return [...this.callCounts.values()].reduce((sum, n) => sum + n, 0);
  }

  /** Forgets what was shown (between benchmark phases), keeping message ids increasing. */
  forgetShown(): void {
    this.shown.clear();
  }

  private answer(method: string, payload: Payload): unknown {
    switch (method) {
      case "sendMessage":
      case "sendPhoto":
      case "sendDocument":
        return this.sent(payload, this.allocateMessageId(chatIdOf(payload)));
      case "editMessageText":
      case "editMessageCaption":
        return this.sent(payload, Number(payload.message_id));
      case "getMe":
        return this.botInfo;
      default:
        return true;
    }
  }

  private sent(payload: Payload, messageId: number): unknown {
    const chatId = chatIdOf(payload);
    const text = typeof payload.text === "string" ? payload.text : typeof payload.caption === "string" ? payload.caption : "";
    const markup = parseMarkup(payload.reply_markup);
    this.shown.set(chatId, { messageId, text, buttons: buttonsOf(markup) });
    const content = typeof payload.text === "string" ? { text } : { caption: text, photo: [{ file_id: `photo-${messageId}`, file_unique_id: `u${messageId}`, width: 400, height: 400 }] };
    return {
      message_id: messageId,
      date: Math.floor(Date.now() / 1000),
      chat: { id: chatId, type: "private", first_name: "Traveller" },
      from: { id: this.botInfo.id, is_bot: true, first_name: this.botInfo.first_name, username: this.botInfo.username },
      ...content,
      ...(markup ? { reply_markup: markup } : {}),
    };
  }

  private allocateMessageId(chatId: number): number {
    const id = (this.nextMessageId.get(chatId) ?? 1_000) + 1;
    this.nextMessageId.set(chatId, id);
    return id;
  }
}

type Payload = Record<string, unknown>;

class FakeResponse {
  readonly ok = true;
  readonly status = 200;
  constructor(private readonly body: string) {}
  json(): Promise<unknown> {
    return Promise.resolve(JSON.parse(this.body));
  }
  text(): Promise<string> {
    return Promise.resolve(this.body);
  }
}

function methodOf(url: string): string {
  return url.slice(url.lastIndexOf("/") + 1);
}

function chatIdOf(payload: Payload): number {
  const chatId = Number(payload.chat_id);
  if (!Number.isSafeInteger(chatId)) throw new Error(`fake Telegram: a call without a numeric chat_id: ${JSON.stringify(payload).slice(0, 200)}`);
  return chatId;
}

async function readPayload(body: unknown): Promise<Payload> {
  if (body === undefined || body === null) return {};
  if (typeof body === "string") return JSON.parse(body) as Payload;
  return parseMultipart(await drain(body as Readable));
}

async function drain(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks);
}

/** The text fields of a multipart upload (the file part is read, and skipped). */
function parseMultipart(raw: Buffer): Payload {
  const payload: Payload = {};
  const text = raw.toString("latin1");
  for (const match of text.matchAll(/content-disposition: ?form-data; ?name="([^"]+)"\r\n\r\n([\s\S]*?)\r\n--/gi)) {
    const [, name, value] = match;
    if (name && value !== undefined) payload[name] = Buffer.from(value, "latin1").toString("utf8");
  }
  return payload;
}

interface InlineMarkup {
  inline_keyboard?: { text: string; callback_data?: string; url?: string }[][];
}

function parseMarkup(markup: unknown): InlineMarkup | undefined {
  if (typeof markup === "string") return JSON.parse(markup) as InlineMarkup;
  return markup && typeof markup === "object" ? (markup as InlineMarkup) : undefined;
}

function buttonsOf(markup: InlineMarkup | undefined): FakeButton[] {
  return (markup?.inline_keyboard ?? []).flat().map((button) => ({
    text: button.text,
    ...(button.callback_data !== undefined ? { callbackData: button.callback_data } : {}),
    ...(button.url !== undefined ? { url: button.url } : {}),
  }));
}
