import { mkdir, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { join } from "node:path";
import { createInterface } from "node:readline";
import type { MessageEntity } from "grammy/types";
import { PNG } from "pngjs";
import qrcodeTerminal from "qrcode-terminal";
import { inlineButtonsOf } from "./markup.ts";
import type { SimInlineButton, SimMessage, SimUser, TelegramSim } from "./types.ts";

export interface TerminalChatOptions {
  sim: TelegramSim;
  user: SimUser;
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  /** Where photos (and documents) the bot sends are saved. */
  photoDir: string;
  banner?: string;
  /** Called once when the chat ends (/quit, end of input or close()). */
  onClose?: () => void;
}

/** A button the person can pick by typing its number. */
interface NumberedButton {
  number: number;
  text: string;
  messageId: number;
  callbackData?: string;
  /** The pay button of an invoice in Stars: the user pays it (the bot is asked first). */
  invoice?: boolean;
}

// jsqr is CommonJS whose typings claim a default export; require() gets the function itself.
const jsQR = createRequire(import.meta.url)("jsqr") as typeof import("jsqr").default;

const PROMPT = "> ";
const PROMPT_DELAY_MS = 150;
/** How long one typed line may keep the next waiting for the bot. */
const BOT_WAIT_MS = 30_000;
/** The bot is done with a line once it has answered and then stayed quiet this long. */
const QUIET_MS = 200;
const INDENT = "   ";

export function runTerminalChat(options: TerminalChatOptions): { close(): void; closed: Promise<void> } {
  const chat = new TerminalChat(options);
  return { close: () => chat.close(), closed: chat.closed };
}

class TerminalChat {
  readonly closed: Promise<void>;
  private resolveClosed: () => void = () => undefined;
  private isClosed = false;
  private printing: Promise<void> = Promise.resolve();
  private promptTimer?: NodeJS.Timeout;
  private promptOpen = false;
  private buttons: NumberedButton[] = [];
  private buttonsMessageId?: number;
  private readonly typedAhead: string[] = [];
  private draining = false;
  private inputEnded = false;
  private readonly chatId: number;
  /** Bot messages (sent or edited) in this chat so far, and when the last came. */
  private botActivity = 0;
  private lastBotActivityAt = 0;
  private readonly stopListening: () => void;
  private readonly lines: ReturnType<typeof createInterface>;

  constructor(private readonly options: TerminalChatOptions) {
    this.closed = new Promise((resolve) => (this.resolveClosed = resolve));
    this.chatId = options.user.id;
    this.stopListening = options.sim.onMessage((chatId, message) => {
      if (chatId !== this.chatId || message.from !== "bot") return;
      this.botActivity++;
      this.lastBotActivityAt = Date.now();
      this.print(() => this.renderBotMessage(message));
    });
    this.lines = createInterface({ input: options.input, terminal: false });
    this.lines.on("line", (line) => this.onLine(line));
    this.lines.on("close", () => this.onInputEnd());
    this.print(() => (options.banner ? options.banner.split("\n") : []));
  }

  close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    clearTimeout(this.promptTimer);
    this.stopListening();
    this.lines.close();
    this.resolveClosed();
    this.options.onClose?.();
  }

  private onLine(line: string): void {
    if (this.isClosed) return;
    // On a terminal the typed line (and its newline) is echoed; through a pipe it is not.
    if ((this.options.input as { isTTY?: boolean }).isTTY) this.promptOpen = false;
    this.typedAhead.push(line);
    void this.drain();
  }

  private onInputEnd(): void {
    this.inputEnded = true;
    void this.drain();
  }

  /**
   * Lines are read one at a time, each only after the bot finished with the previous one: a
   * number typed ahead (or piped in, or typed during start-up) must press a button of the
   * screen the bot is about to show, not be sent as text to a screen without buttons.
   */
  private async drain(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    try {
      for (let line = this.typedAhead.shift(); line !== undefined && !this.isClosed; line = this.typedAhead.shift()) {
        await this.handleLine(line.trim());
      }
    } finally {
      this.draining = false;
    }
    if (this.inputEnded && this.typedAhead.length === 0) this.close();
    else this.schedulePrompt();
  }

  private async handleLine(text: string): Promise<void> {
    if (text === "/quit") return this.close();
    if (text === "") return;
    const button = /^\d+$/.test(text) ? this.buttons.find((b) => b.number === Number(text)) : undefined;
    const activityBefore = this.botActivity;
    const updateId = button ? await this.press(button) : await this.options.sim.sendText(this.options.user, text);
    if (updateId !== undefined) {
      await this.options.sim.handled(updateId, BOT_WAIT_MS);
      await this.botAnswered(activityBefore);
    }
    await this.printing;
  }

  /**
   * A bot that handles updates concurrently (grammY's runner) confirms an update before it has answered it: the line
   * counts as done once the bot wrote or edited something since, and then went quiet for a moment.
   */
  private async botAnswered(activityBefore: number): Promise<void> {
    const deadline = Date.now() + BOT_WAIT_MS;
    while (!this.isClosed && Date.now() < deadline) {
      const answered = this.botActivity > activityBefore;
      if (answered && Date.now() - this.lastBotActivityAt >= QUIET_MS) return;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  /** Returns the update the press became, if any. */
  private async press(button: NumberedButton): Promise<number | undefined> {
    this.print(() => [`👆 ${button.text}`]);
    if (button.invoice) return this.payInvoice(button);
    if (button.callbackData === undefined) return this.options.sim.sendText(this.options.user, button.text);
    try {
      const { callbackQueryId, updateId } = await this.options.sim.pressButton(this.options.user, button.messageId, button.callbackData, this.chatId);
      const answered = this.options.sim.answerOf(callbackQueryId, BOT_WAIT_MS);
      // A bot that never answers the callback must not hold the chat up once it is done with the press.
      const finished = this.options.sim.handled(updateId, BOT_WAIT_MS).then(() => this.options.sim.answerOf(callbackQueryId, 0));
      const answer = await Promise.race([answered, finished]);
      if (answer) {
        // An answer alone (a toast, an alert) is the bot's whole reply to some presses.
        this.botActivity++;
        this.lastBotActivityAt = Date.now();
      }
      if (answer?.text) this.print(() => [`ℹ️ ${answer.text}`]);
      if (answer?.url) this.print(() => [`🔗 ${answer.url}`]);
      return updateId;
    } catch (error) {
      this.print(() => [`⚠️ ${error instanceof Error ? error.message : String(error)}`]);
      return undefined;
    }
  }

  /** Pays an invoice in Stars as the user; resolves the payment's update, none when the bot refused it. */
  private async payInvoice(button: NumberedButton): Promise<number | undefined> {
    try {
      const result = await this.options.sim.payInvoice(this.options.user, { chatId: this.chatId, messageId: button.messageId });
      if (result.paid) {
        this.print(() => [`⭐ Paid (charge ${result.chargeId})`]);
        return result.updateId;
      }
      this.print(() => [result.reason === "timeout" ? "⚠️ The bot did not confirm the payment in time: nothing was charged." : `⚠️ ${result.errorMessage ?? "The bot refused the payment."}`]);
    } catch (error) {
      this.print(() => [`⚠️ ${error instanceof Error ? error.message : String(error)}`]);
    }
    return undefined;
  }

  /** Output is produced in order even when rendering a photo takes a moment. */
  private print(render: () => string[] | Promise<string[]>): void {
    this.printing = this.printing
      .then(async () => {
        const lines = await render();
        if (this.isClosed || lines.length === 0) return;
        const breakPrompt = this.promptOpen ? "\n" : "";
        this.promptOpen = false;
        this.options.output.write(`${breakPrompt}${lines.join("\n")}\n`);
        this.schedulePrompt();
      })
      .catch((error: unknown) => {
        this.options.output.write(`⚠️ ${error instanceof Error ? error.message : String(error)}\n`);
      });
  }

  /** The prompt appears only when the bot is done with the last line: "your turn". */
  private schedulePrompt(): void {
    clearTimeout(this.promptTimer);
    if (this.draining) return;
    this.promptTimer = setTimeout(() => {
      if (this.isClosed || this.promptOpen) return;
      this.promptOpen = true;
      this.options.output.write(PROMPT);
    }, PROMPT_DELAY_MS);
  }

  private async renderBotMessage(message: SimMessage): Promise<string[]> {
    if (message.deleted) {
      if (this.buttonsMessageId === message.message_id) this.rememberButtons(message.message_id, []);
      return [`🤖 (deleted) ${firstLine(message.plainText ?? "")}`.trimEnd()];
    }
    const edited = message.edited ? "(edited) " : "";
    const media = await this.renderMedia(message);
    const body = message.plainText ? renderEntities(message.plainText, message.entities ?? []) : "";
    const bodyLines = body === "" ? [] : body.split("\n");
    const [first, ...rest] = [...media, ...bodyLines];
    return [`🤖 ${edited}${first ?? ""}`.trimEnd(), ...rest.map((line) => INDENT + line), ...this.renderKeyboard(message)];
  }

  private async renderMedia(message: SimMessage): Promise<string[]> {
    if (message.photo) {
      const path = join(this.options.photoDir, `${this.chatId}-${message.message_id}.png`);
      if (message.edited) return [`🖼  photo: ${path}`];
      await saveFile(path, message.photo.png);
      const qr = await qrLinesOf(message.photo.png);
      return [`🖼  photo saved: ${path}`, ...qr];
    }
    if (message.document) {
      const name = message.document.fileName.replace(/[^\w.-]+/g, "_");
      const path = join(this.options.photoDir, `${this.chatId}-${message.message_id}-${name}`);
      if (!message.edited) await saveFile(path, message.document.bytes);
      return [`📎 ${message.document.fileName} (${message.document.bytes.length} bytes) saved: ${path}`];
    }
    return [];
  }

  private renderKeyboard(message: SimMessage): string[] {
    const markup = message.reply_markup;
    if (markup?.remove_keyboard === true) this.rememberButtons(message.message_id, []);
    if (Array.isArray(markup?.keyboard)) return this.renderReplyKeyboard(message.message_id, markup.keyboard as unknown[][]);
    if (message.invoice && !message.edited && !Array.isArray(markup?.inline_keyboard)) {
      // Telegram draws an invoice with its own pay button.
      const text = `Pay ${message.invoice.amount} ⭐`;
      this.rememberButtons(message.message_id, [{ number: 1, text, messageId: message.message_id, invoice: true }]);
      return [`[1] ${text}`];
    }
    if (!Array.isArray(markup?.inline_keyboard)) {
      if (this.buttonsMessageId === message.message_id) this.rememberButtons(message.message_id, []);
      return [];
    }
    const numbered: NumberedButton[] = [];
    const lines = (markup.inline_keyboard as SimInlineButton[][]).flatMap((row) => renderInlineRow(row, message.message_id, numbered));
    if (inlineButtonsOf(markup).length > 0) this.rememberButtons(message.message_id, numbered);
    return lines;
  }

  private renderReplyKeyboard(messageId: number, rows: unknown[][]): string[] {
    const numbered: NumberedButton[] = [];
    const lines = rows.map((row) => {
      const cells = row.map((button) => {
        const text = typeof button === "string" ? button : String((button as { text?: unknown }).text ?? "");
        numbered.push({ number: numbered.length + 1, text, messageId });
        return `[${numbered.length}] ${text}`;
      });
      return `${INDENT}⌨  ${cells.join("  ")}`;
    });
    this.rememberButtons(messageId, numbered);
    return lines;
  }

  private rememberButtons(messageId: number, buttons: NumberedButton[]): void {
    this.buttons = buttons;
    this.buttonsMessageId = buttons.length > 0 ? messageId : undefined;
  }
}

function renderInlineRow(row: SimInlineButton[], messageId: number, numbered: NumberedButton[]): string[] {
  const lines: string[] = [];
  const pressable: string[] = [];
  for (const button of row) {
    if (typeof button.callback_data === "string") {
      numbered.push({ number: numbered.length + 1, text: button.text, messageId, callbackData: button.callback_data });
      pressable.push(`[${numbered.length}] ${button.text}`);
    } else if (typeof button.url === "string") {
      // On its own line, so a terminal makes it clickable and it copies cleanly.
      lines.push(`${INDENT}🔗 ${button.text} — open this link in your browser:`, `${INDENT}${INDENT}${button.url}`);
    } else {
      lines.push(`${INDENT}▫ ${button.text}`);
    }
  }
  return pressable.length > 0 ? [`${INDENT}${pressable.join("  ")}`, ...lines] : lines;
}

/** Shows formatting a terminal can't: code in backticks, links with their address. */
export function renderEntities(text: string, entities: MessageEntity[]): string {
  const inserts: { at: number; text: string; order: number }[] = [];
  for (const entity of entities) {
    const end = entity.offset + entity.length;
    if (entity.type === "code") inserts.push({ at: entity.offset, text: "`", order: 1 }, { at: end, text: "`", order: 0 });
    if (entity.type === "pre") inserts.push({ at: entity.offset, text: "```\n", order: 1 }, { at: end, text: "\n```", order: 0 });
    if (entity.type === "text_link") inserts.push({ at: end, text: ` (${entity.url})`, order: 0 });
  }
  inserts.sort((a, b) => b.at - a.at || b.order - a.order);
  let rendered = text;
  for (const insert of inserts) rendered = rendered.slice(0, insert.at) + insert.text + rendered.slice(insert.at);
  return rendered;
}

function firstLine(text: string): string {
  const line = text.split("\n")[0] ?? "";
  return line.length > 60 ? `${line.slice(0, 57)}...` : line;
}

async function saveFile(path: string, bytes: Buffer): Promise<void> {
  await mkdir(join(path, ".."), { recursive: true });
  await writeFile(path, bytes);
}

/** The photo's QR, decoded and redrawn small with its text: a QR is the point of most photos here. */
export async function qrLinesOf(png: Buffer): Promise<string[]> {
  const text = decodeQr(png);
  if (text === undefined) return [];
  const art = await new Promise<string>((resolve) => qrcodeTerminal.generate(text, { small: true }, resolve));
  return [...art.trimEnd().split("\n"), `QR: ${text}`];
}

export function decodeQr(png: Buffer): string | undefined {
  try {
    const image = PNG.sync.read(png);
    return jsQR(new Uint8ClampedArray(image.data.buffer, image.data.byteOffset, image.data.length), image.width, image.height)?.data;
  } catch {
    return undefined;
  }
}
