import { randomBytes } from "node:crypto";
import type { Chat, Message, User } from "grammy/types";
import type { MessageListener, SimChat, SimMessage, SimUser } from "./types.ts";

export interface StoredFile {
  fileId: string;
  fileUniqueId: string;
  kind: "photo" | "document";
  bytes: Buffer;
  fileName: string;
  mimeType?: string;
  width?: number;
  height?: number;
  path: string;
}

/** One message twice: as the transcript shows it and as the Bot API returns it. */
export interface StoredMessage {
  sim: SimMessage;
  wire: Message;
}

export class ChatRecord {
  private readonly ordered: StoredMessage[] = [];
  private readonly indexById = new Map<number, number>();
  private lastMessageId = 0;
  blocked = false;
  readonly chatInstance = String(BigInt(`0x${randomBytes(8).toString("hex")}`) >> 1n);

  constructor(public chat: SimChat) {}

  nextMessageId(): number {
    return ++this.lastMessageId;
  }

  add(message: StoredMessage): void {
    this.indexById.set(message.sim.message_id, this.ordered.length);
    this.ordered.push(message);
  }

  get(messageId: number): StoredMessage | undefined {
    const index = this.indexById.get(messageId);
    return index === undefined ? undefined : this.ordered[index];
  }

  replace(message: StoredMessage): void {
    const index = this.indexById.get(message.sim.message_id);
    if (index !== undefined) this.ordered[index] = message;
  }

  transcript(): SimMessage[] {
    return this.ordered.map((message) => message.sim);
  }

  *newestFirst(): Generator<SimMessage> {
    for (let i = this.ordered.length - 1; i >= 0; i--) {
      const message = this.ordered[i];
      if (message) yield message.sim;
    }
  }
}

export function privateChatOf(user: SimUser): SimChat {
  return { id: user.id, type: "private", first_name: user.first_name, last_name: user.last_name, username: user.username };
}

export function wireChatOf(chat: SimChat): Chat {
  if (chat.type === "private") {
    return withoutUndefined({
      id: chat.id,
      type: "private",
      first_name: chat.first_name ?? "",
      last_name: chat.last_name,
      username: chat.username,
    }) as Chat;
  }
  return withoutUndefined({ id: chat.id, type: chat.type, title: chat.title ?? "", username: chat.username }) as Chat;
}

export function wireUserOf(user: SimUser): User {
  return withoutUndefined({ ...user, is_bot: false }) as User;
}

export function userOfPrivateChat(chat: SimChat): SimUser {
  return { id: chat.id, first_name: chat.first_name ?? "", last_name: chat.last_name, username: chat.username };
}

export function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

export function unixNow(): number {
  return Math.floor(Date.now() / 1000);
}

/** Chats, their messages and the files the bot uploaded, with change notifications. */
export class SimStore {
  private readonly chats = new Map<number, ChatRecord>();
  private readonly files = new Map<string, StoredFile>();
  private readonly filesByPath = new Map<string, StoredFile>();
  private readonly listeners = new Set<MessageListener>();
  private readonly chatWatchers = new Map<number, Set<(message: SimMessage) => void>>();
  private fileCounter = 0;

  chat(chatId: number): ChatRecord | undefined {
    return this.chats.get(chatId);
  }

  ensureChat(chat: SimChat): ChatRecord {
    const existing = this.chats.get(chat.id);
    if (existing) {
      existing.chat = { ...existing.chat, ...withoutUndefined(chat) };
      return existing;
    }
    const record = new ChatRecord(chat);
    this.chats.set(chat.id, record);
    return record;
  }

  addFile(file: Omit<StoredFile, "fileId" | "fileUniqueId" | "path">): StoredFile {
    const counter = ++this.fileCounter;
    const extension = /\.([a-z0-9]{1,8})$/i.exec(file.fileName)?.[1] ?? (file.kind === "photo" ? "jpg" : "dat");
    const stored: StoredFile = {
      ...file,
      fileId: `${file.kind === "photo" ? "AgAC" : "BQAC"}${randomBytes(24).toString("base64url")}`,
      fileUniqueId: `AQAD${randomBytes(6).toString("base64url")}`,
      path: `${file.kind === "photo" ? "photos" : "documents"}/file_${counter}.${extension}`,
    };
    this.files.set(stored.fileId, stored);
    this.filesByPath.set(stored.path, stored);
    return stored;
  }

  file(fileId: string): StoredFile | undefined {
    return this.files.get(fileId);
  }

  fileAtPath(path: string): StoredFile | undefined {
    return this.filesByPath.get(path);
  }

  onMessage(listener: MessageListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  watchChat(chatId: number, watcher: (message: SimMessage) => void): () => void {
    const watchers = this.chatWatchers.get(chatId) ?? new Set();
    watchers.add(watcher);
    this.chatWatchers.set(chatId, watchers);
    return () => {
      watchers.delete(watcher);
      if (watchers.size === 0) this.chatWatchers.delete(chatId);
    };
  }

  /** Called for every new, edited or deleted message. */
  changed(chatId: number, message: SimMessage): void {
    for (const watcher of this.chatWatchers.get(chatId) ?? []) watcher(message);
    for (const listener of this.listeners) {
      try {
        listener(chatId, message);
      } catch {
        // A broken UI listener must not fail the bot's API call.
      }
    }
  }
}
