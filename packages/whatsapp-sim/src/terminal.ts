import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { createInterface } from "node:readline";
import { setTimeout as sleep } from "node:timers/promises";
import { renderSent } from "./render.ts";
import type { InboundResult, NewUser, SentMessage, SimUser, WhatsAppSim } from "./types.ts";

export { renderWhatsAppText } from "./format.ts";

export interface TerminalChatOptions {
  sim: Pick<WhatsAppSim, "createUser" | "user" | "sendText" | "press" | "onSend" | "onActivity">;
  /** The person chatting: an existing user (by userId or waId), or one to create. */
  user: SimUser | NewUser;
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  /** Where images the business sends are saved. */
  photoDir: string;
  banner?: string;
  /** Called once when the chat ends (/quit, end of input or close()). */
  onClose?: () => void;
  /** ANSI bold and italics; default: when the output is a terminal. */
  color?: boolean;
  /** The bot counts as done with a line once it made no API request for this long; default 600 ms. */
  settleMs?: number;
  /** How long to wait for the bot's first request after a line; default 10 s. */
  replyWaitMs?: number;
}

export interface TerminalChat {
  /** The user the person plays. */
  user: SimUser;
  close(): void;
  closed: Promise<void>;
}

/** A reply button or list row the person can pick by typing its number. */
export interface Choice {
  number: number;
  title: string;
  messageId: string;
  id: string;
}

const PROMPT = "> ";
const PROMPT_DELAY_MS = 150;
const POLL_MS = 25;
const INDENT = "   ";

export function runTerminalChat(options: TerminalChatOptions): TerminalChat {
  const user = userOf(options);
  const chat = new Chat(options, user);
  return { user, close: () => chat.close(), closed: chat.closed };
}

function userOf(options: TerminalChatOptions): SimUser {
  const { sim, user } = options;
  const existing = ("userId" in user && user.userId ? sim.user(user.userId) : undefined) ?? (user.waId ? sim.user(user.waId) : undefined);
  return existing ?? sim.createUser({ name: user.name, ...(user.waId ? { waId: user.waId } : {}), ...("withUsername" in user && user.withUsername ? { withUsername: true } : {}), ...(user.userId ? { userId: user.userId } : {}) });
}

class Chat {
  readonly closed: Promise<void>;
  private resolveClosed: () => void = () => undefined;
  private isClosed = false;
  private printing: Promise<void> = Promise.resolve();
  private promptTimer?: NodeJS.Timeout;
  private promptOpen = false;
  private choices: Choice[] = [];
  private readonly typedAhead: string[] = [];
  private draining = false;
  private inputEnded = false;
  private images = 0;
  private activityCount = 0;
  private lastActivity = 0;
  private readonly color: boolean;
  private readonly stops: (() => void)[];
  private readonly lines: ReturnType<typeof createInterface>;

  constructor(
    private readonly options: TerminalChatOptions,
    private readonly user: SimUser,
  ) {
    this.closed = new Promise((resolve) => (this.resolveClosed = resolve));
    this.color = options.color ?? (options.output as { isTTY?: boolean }).isTTY === true;
    this.stops = [
      options.sim.onSend((message) => {
        if (message.userId === user.userId) this.print(() => this.renderMessage(message));
      }),
      options.sim.onActivity(() => {
        this.activityCount += 1;
        this.lastActivity = performance.now();
      }),
    ];
    this.lines = createInterface({ input: options.input, terminal: false });
    this.lines.on("line", (line) => this.onLine(line));
    this.lines.on("close", () => this.onInputEnd());
    this.print(() => (options.banner ? options.banner.split("\n") : []));
  }

  close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    clearTimeout(this.promptTimer);
    for (const stop of this.stops) stop();
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
   * Lines are handled one at a time, each once the bot is done with the one before: a number typed ahead
   * (or piped in) presses a choice of the message the bot is about to send, not of the one before it.
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
    const choice = /^\d+$/.test(text) ? this.choices.find((c) => c.number === Number(text)) : undefined;
    const before = this.activityCount;
    try {
      let result: InboundResult;
      if (choice) {
        this.print(() => [`👆 ${choice.title}`]);
        result = await this.options.sim.press(this.user.userId, choice.messageId, choice.id);
      } else result = await this.options.sim.sendText(this.user.userId, text);
      if (result.status < 200 || result.status >= 300) this.print(() => [`⚠️ the product answered the webhook with ${result.status || "no connection"}; WhatsApp retries it`]);
    } catch (error) {
      this.print(() => [`⚠️ ${error instanceof Error ? error.message : String(error)}`]);
      await this.printing;
      return;
    }
    await this.settle(before);
    await this.printing;
  }

  /** Waits for the bot's first API request, then until it has been quiet for a moment. */
  private async settle(before: number): Promise<void> {
    const started = performance.now();
    const settleMs = this.options.settleMs ?? 600;
    const replyWaitMs = this.options.replyWaitMs ?? 10_000;
    while (!this.isClosed) {
      const now = performance.now();
      if (this.activityCount === before ? now - started >= replyWaitMs : now - this.lastActivity >= settleMs) return;
      await sleep(POLL_MS);
    }
  }

  /** Output is produced in order even when saving an image takes a moment. */
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

  private async renderMessage(message: SentMessage): Promise<string[]> {
    const rendered = await renderSent(message, {
      color: this.color,
      imagePath: (extension) => join(this.options.photoDir, `${fileSafe(this.user.waId ?? this.user.userId)}-${++this.images}.${extension}`),
      save: saveFile,
    });
    // Old buttons stay pressable on WhatsApp, but the numbers always mean the newest message that has some.
    if (rendered.choices.length > 0) this.choices = rendered.choices;
    const [first, ...rest] = rendered.lines;
    return [`🤖 ${first ?? ""}`.trimEnd(), ...rest.map((line) => (line === "" ? "" : INDENT + line))];
  }
}

function fileSafe(text: string): string {
  return text.replace(/[^\w.-]+/g, "_");
}

async function saveFile(path: string, bytes: Buffer): Promise<void> {
  await mkdir(join(path, ".."), { recursive: true });
  await writeFile(path, bytes);
}
