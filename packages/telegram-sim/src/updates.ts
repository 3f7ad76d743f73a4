import type { Update } from "grammy/types";
import { BotApiError } from "./errors.ts";

/** Telegram leaves these out unless a bot asks for them explicitly. */
const OPT_IN_UPDATE_TYPES = new Set(["chat_member", "message_reaction", "message_reaction_count"]);
const WEBHOOK_TIMEOUT_MS = 60_000;
const RETRY_BASE_MS = 100;
const RETRY_MAX_MS = 3_000;

export interface WebhookSettings {
  url: string;
  secretToken?: string;
  maxConnections: number;
}

export type WebhookReplyHandler = (method: string, payload: Record<string, unknown>) => Promise<void>;

interface PendingPoll {
  limit: number;
  finish: (result: Update[] | BotApiError) => void;
}

export interface PollRequest {
  offset?: number;
  limit?: number;
  timeoutSeconds?: number;
  allowedUpdates?: string[];
}

/**
 * Updates waiting for the bot, in update_id order. Long polling confirms them by
 * offset; a webhook confirms each one with a 2xx answer. Map keeps insertion order
 * and O(1) deletes, so both modes stay linear under a benchmark's load.
 */
export class UpdateQueue {
  private nextUpdateId = 100_000_001;
  private readonly pending = new Map<number, Update>();
  private allowedUpdates: string[] = [];
  private poll?: PendingPoll;
  private delivery?: WebhookDelivery;
  private closed = false;
  private readonly handledWaiters = new Set<() => void>();

  constructor(private readonly onWebhookReply: WebhookReplyHandler) {}

  /**
   * Resolves true once the bot confirmed the update (the next getUpdates offset passed it, or the
   * webhook answered 2xx): grammY confirms only after its handler finished. False on timeout or close.
   */
  whenHandled(updateId: number, timeoutMs: number): Promise<boolean> {
    if (this.isHandled(updateId)) return Promise.resolve(true);
    return new Promise((resolve) => {
      const check = (): void => {
        if (!this.closed && !this.isHandled(updateId)) return;
        finish(!this.closed);
      };
      const finish = (handled: boolean): void => {
        clearTimeout(timer);
        this.handledWaiters.delete(check);
        resolve(handled);
      };
      // A waiter alone must not keep the process alive at shutdown.
      const timer = setTimeout(() => finish(false), timeoutMs).unref();
      this.handledWaiters.add(check);
    });
  }

  private isHandled(updateId: number): boolean {
    return updateId < this.nextUpdateId && !this.pending.has(updateId);
  }

  private notifyHandled(): void {
    for (const check of [...this.handledWaiters]) check();
  }

  push(build: (updateId: number) => Update): number {
    const update = build(this.nextUpdateId++);
    if (!this.isAllowed(update)) return update.update_id;
    this.pending.set(update.update_id, update);
    this.delivery?.enqueue(update);
    this.answerPoll();
    return update.update_id;
  }

  getUpdates(request: PollRequest, onCancel: (cancel: () => void) => void): Promise<Update[]> {
    if (this.delivery) {
      throw new BotApiError(409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first");
    }
    if (request.allowedUpdates) this.setAllowedUpdates(request.allowedUpdates);
    this.confirm(request.offset ?? 0);
    this.notifyHandled();
    const limit = Math.min(Math.max(request.limit ?? 100, 1), 100);
    const ready = this.take(limit);
    const timeoutSeconds = request.timeoutSeconds ?? 0;
    if (ready.length > 0 || timeoutSeconds <= 0 || this.closed) return Promise.resolve(ready);
    return this.waitForUpdates(limit, timeoutSeconds, onCancel);
  }

  setWebhook(settings: WebhookSettings, dropPending: boolean, allowedUpdates?: string[]): void {
    if (dropPending) this.pending.clear();
    if (allowedUpdates) this.setAllowedUpdates(allowedUpdates);
    this.notifyHandled();
    this.poll?.finish(new BotApiError(409, "Conflict: terminated by setWebhook request"));
    this.poll = undefined;
    if (this.delivery) {
      this.delivery.settings = settings;
      this.delivery.retryNow();
      return;
    }
    this.delivery = new WebhookDelivery(settings, this.pending, this.onWebhookReply, () => this.notifyHandled());
    this.delivery.start();
  }

  /** Returns whether a webhook was active. */
  deleteWebhook(dropPending: boolean): boolean {
    const wasActive = this.delivery !== undefined;
    this.delivery?.stop();
    this.delivery = undefined;
    if (dropPending) this.pending.clear();
    this.notifyHandled();
    return wasActive;
  }

  webhookInfo(): Record<string, unknown> {
    const base = { url: "", has_custom_certificate: false, pending_update_count: this.pending.size };
    if (!this.delivery) return base;
    return { ...base, ...this.delivery.info(), allowed_updates: this.allowedUpdates.length ? this.allowedUpdates : undefined };
  }

  close(): void {
    this.closed = true;
    this.delivery?.stop();
    this.poll?.finish([]);
    this.poll = undefined;
    this.notifyHandled();
  }

  private isAllowed(update: Update): boolean {
    const type = Object.keys(update).find((key) => key !== "update_id") ?? "";
    return this.allowedUpdates.length === 0 ? !OPT_IN_UPDATE_TYPES.has(type) : this.allowedUpdates.includes(type);
  }

  private setAllowedUpdates(types: string[]): void {
    this.allowedUpdates = types;
    for (const [id, update] of this.pending) if (!this.isAllowed(update)) this.pending.delete(id);
  }

  private confirm(offset: number): void {
    if (offset < 0) {
      const keep = -offset;
      let drop = this.pending.size - keep;
      for (const id of this.pending.keys()) if (drop-- > 0) this.pending.delete(id);
      return;
    }
    for (const id of this.pending.keys()) {
      if (id >= offset) break;
      this.pending.delete(id);
    }
  }

  private take(limit: number): Update[] {
    const batch: Update[] = [];
    for (const update of this.pending.values()) {
      if (batch.length >= limit) break;
      batch.push(update);
    }
    return batch;
  }

  private waitForUpdates(limit: number, timeoutSeconds: number, onCancel: (cancel: () => void) => void): Promise<Update[]> {
    // A newer getUpdates ends the older one, as on Telegram (one poller per bot).
    this.poll?.finish(new BotApiError(409, "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"));
    return new Promise<Update[]>((resolve, reject) => {
      const poll: PendingPoll = {
        limit,
        finish: (result) => {
          clearTimeout(timer);
          if (this.poll === poll) this.poll = undefined;
          if (result instanceof BotApiError) reject(result);
          else resolve(result);
        },
      };
      const timer = setTimeout(() => poll.finish([]), timeoutSeconds * 1000);
      this.poll = poll;
      onCancel(() => poll.finish([]));
    });
  }

  private answerPoll(): void {
    const poll = this.poll;
    if (poll) poll.finish(this.take(poll.limit));
  }
}

/** The chat an update belongs to: Telegram delivers one chat's updates in order. */
function chatKeyOf(update: Update): string {
  const chatId =
    update.message?.chat.id ??
    update.edited_message?.chat.id ??
    update.callback_query?.message?.chat.id ??
    update.callback_query?.from.id ??
    update.my_chat_member?.chat.id ??
    update.channel_post?.chat.id;
  return chatId === undefined ? "-" : String(chatId);
}

class WebhookDelivery {
  private readonly queues = new Map<string, number[]>();
  private readonly busy = new Set<string>();
  private ready: string[] = [];
  private inFlight = 0;
  private stopped = false;
  private readonly retryTimers = new Map<NodeJS.Timeout, string>();
  private readonly abort = new AbortController();
  private lastError?: { date: number; message: string };

  constructor(
    public settings: WebhookSettings,
    private readonly pending: Map<number, Update>,
    private readonly onWebhookReply: WebhookReplyHandler,
    private readonly onDelivered: () => void,
  ) {}

  start(): void {
    for (const update of this.pending.values()) this.enqueue(update);
  }

  enqueue(update: Update): void {
    const key = chatKeyOf(update);
    const queue = this.queues.get(key) ?? [];
    queue.push(update.update_id);
    this.queues.set(key, queue);
    if (!this.busy.has(key)) {
      this.busy.add(key);
      this.ready.push(key);
    }
    this.pump();
  }

  stop(): void {
    this.stopped = true;
    this.abort.abort();
    for (const timer of this.retryTimers.keys()) clearTimeout(timer);
  }

  /** New settings (say, a fixed secret) deserve an immediate attempt, not the backoff's wait. */
  retryNow(): void {
    for (const [timer, key] of this.retryTimers) {
      clearTimeout(timer);
      this.retryTimers.delete(timer);
      void this.deliverNext(key, 0);
    }
  }

  info(): Record<string, unknown> {
    return {
      url: this.settings.url,
      max_connections: this.settings.maxConnections,
      ip_address: "127.0.0.1",
      last_error_date: this.lastError?.date,
      last_error_message: this.lastError?.message,
    };
  }

  private pump(): void {
    while (!this.stopped && this.inFlight < this.settings.maxConnections && this.ready.length > 0) {
      const key = this.ready.shift();
      if (key !== undefined) void this.deliverNext(key, 0);
    }
  }

  private async deliverNext(key: string, attempt: number): Promise<void> {
    if (this.stopped) return;
    const queue = this.queues.get(key) ?? [];
    const updateId = queue[0];
    const update = updateId === undefined ? undefined : this.pending.get(updateId);
    if (updateId !== undefined && !update) queue.shift();
    if (!update) return this.finishChat(key);
    this.inFlight += 1;
    const delivered = await this.post(update);
    this.inFlight -= 1;
    if (this.stopped) return;
    if (delivered) {
      this.pending.delete(update.update_id);
      this.onDelivered();
      queue.shift();
      this.finishChat(key);
    } else {
      this.retryLater(key, attempt + 1);
    }
    this.pump();
  }

  private finishChat(key: string): void {
    if ((this.queues.get(key)?.length ?? 0) > 0) {
      this.ready.push(key);
    } else {
      this.queues.delete(key);
      this.busy.delete(key);
    }
  }

  private retryLater(key: string, attempt: number): void {
    const delay = Math.min(RETRY_BASE_MS * 2 ** attempt, RETRY_MAX_MS);
    const timer = setTimeout(() => {
      this.retryTimers.delete(timer);
      void this.deliverNext(key, attempt);
    }, delay);
    this.retryTimers.set(timer, key);
  }

  private async post(update: Update): Promise<boolean> {
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (this.settings.secretToken) headers["x-telegram-bot-api-secret-token"] = this.settings.secretToken;
    try {
      const response = await fetch(this.settings.url, {
        method: "POST",
        headers,
        body: JSON.stringify(update),
        signal: AbortSignal.any([this.abort.signal, AbortSignal.timeout(WEBHOOK_TIMEOUT_MS)]),
      });
      const body = await response.text();
      if (!response.ok) return this.failed(`Wrong response from the webhook: ${response.status} ${response.statusText}`);
      await this.runWebhookReply(body);
      return true;
    } catch (error) {
      return this.failed(error instanceof Error ? `Connection failed: ${error.message}` : "Connection failed");
    }
  }

  private failed(message: string): false {
    this.lastError = { date: Math.floor(Date.now() / 1000), message };
    return false;
  }

  /** Telegram lets a webhook answer with one method call in the response body. */
  private async runWebhookReply(body: string): Promise<void> {
    if (!body.trim().startsWith("{")) return;
    let reply: unknown;
    try {
      reply = JSON.parse(body);
    } catch {
      return;
    }
    if (typeof reply !== "object" || reply === null || !("method" in reply)) return;
    const { method, ...payload } = reply as Record<string, unknown>;
    if (typeof method === "string") await this.onWebhookReply(method, payload).catch(() => undefined);
  }
}
