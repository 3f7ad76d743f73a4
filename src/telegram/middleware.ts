import { limit } from "@grammyjs/ratelimiter";
import { InlineKeyboard, type MiddlewareFn, type NextFunction } from "grammy";
import type { Kysely } from "kysely";
import { translatorFor } from "../copy/index.ts";
import { markIdentityBlocked, toLanguage, type CustomerDirectory, type Identity } from "../customers/index.ts";
import type { Database } from "../db/schema.ts";
import type { Logger } from "../logger.ts";
import type { BaseContext, BotContext } from "./context.ts";
import { sandboxTransformer } from "./ui.ts";

/** How a Telegram user is known as a customer. */
export function telegramIdentity(userId: number): Identity {
  return { channel: "telegram", externalId: String(userId) };
}

/** ctx.logger with the update id; the language (and translator) of the sender until the customer row says otherwise. */
export function contextSetup<C extends BaseContext>(logger: Logger): MiddlewareFn<C> {
  return async (ctx, next) => {
    ctx.logger = logger.child({ update_id: ctx.update.update_id });
    setLanguage(ctx, toLanguage(ctx.from?.language_code));
    ctx.ensureCustomer = () => Promise.reject(new Error("no customer on this update (not from a person?)"));
    await next();
  };
}

export function setLanguage(ctx: BaseContext, language: BaseContext["language"]): void {
  ctx.language = language;
  ctx.t = translatorFor(language);
}

/** Every callback query gets an answer, even when no handler (or a failing one) answered it. */
export function answerEveryCallbackQuery(): MiddlewareFn<BotContext> {
  return async (ctx, next) => {
    if (!ctx.callbackQuery) return next();
    let answered = false;
    ctx.api.config.use((prev, method, payload, signal) => {
      if (method === "answerCallbackQuery") answered = true;
      return prev(method, payload, signal);
    });
    try {
      await next();
    } finally {
      if (!answered) await ctx.answerCallbackQuery().catch((error: unknown) => ctx.logger.debug({ err: error }, "could not answer the callback query"));
    }
  };
}

export function floodLimit(settings: { limit: number; timeFrameMs: number }): MiddlewareFn<BotContext> {
  return limit<BotContext, never>({
    limit: settings.limit,
    timeFrame: settings.timeFrameMs,
    keyGenerator: (ctx) => ctx.from?.id.toString(),
    onLimitExceeded: (ctx) => void tellFlooding(ctx),
  }) as MiddlewareFn<BotContext>;
}

async function tellFlooding(ctx: BotContext): Promise<void> {
  ctx.logger.info({ user: ctx.from?.id }, "rate limited");
  const text = ctx.t("rate-limited");
  try {
    if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text });
    else if (ctx.chat?.type === "private") await ctx.reply(text);
  } catch (error) {
    ctx.logger.debug({ err: error }, "could not tell a flooding user");
  }
}

/** Groups and channels get a pointer to the private chat (when they address the bot) and nothing else. */
export function privateChatGuard(): MiddlewareFn<BotContext> {
  return async (ctx, next) => {
    if (ctx.chat?.type === "private") return next();
    if (ctx.callbackQuery) return; // answered by answerEveryCallbackQuery
    if (!addressesBot(ctx)) return;
    const keyboard = new InlineKeyboard().url(ctx.t("btn-open-private"), `https://t.me/${ctx.me.username}?start=group`);
    await ctx.reply(ctx.t("group-pointer"), { reply_markup: keyboard, reply_parameters: replyTo(ctx) });
  };
}

function addressesBot(ctx: BotContext): boolean {
  const message = ctx.message;
  if (!message) return false;
  const text = message.text ?? message.caption ?? "";
  if (text.startsWith("/")) return true;
  if (text.toLowerCase().includes(`@${ctx.me.username.toLowerCase()}`)) return true;
  return message.reply_to_message?.from?.id === ctx.me.id;
}

function replyTo(ctx: BotContext): { message_id: number; allow_sending_without_reply: true } | undefined {
  return ctx.message ? { message_id: ctx.message.message_id, allow_sending_without_reply: true } : undefined;
}

/** Telegram tells the bot when a user blocks or unblocks it: remember it, nothing else to do. */
export function trackBlocking(db: Kysely<Database>): MiddlewareFn<BotContext> {
  return async (ctx, next) => {
    const change = ctx.myChatMember;
    if (!change) return next();
    if (change.chat.type !== "private") return;
    const blocked = change.new_chat_member.status === "kicked";
    await markIdentityBlocked(db, telegramIdentity(change.from.id), blocked);
    ctx.logger.info({ user: change.from.id, blocked }, "bot blocked status changed");
  };
}

/** The sender's customer row, if they have one, and the language it says; ensureCustomer creates it when needed. */
export function loadCustomer<C extends BaseContext>(customers: CustomerDirectory): MiddlewareFn<C> {
  return async (ctx, next) => {
    const from = ctx.from;
    if (from && !from.is_bot) {
      const identity = telegramIdentity(from.id);
      ctx.identity = identity;
      ctx.customer = await customers.lookup(identity);
      if (ctx.customer?.language) setLanguage(ctx, ctx.customer.language);
      const language = toLanguage(from.language_code);
      ctx.ensureCustomer = async () => (ctx.customer ??= await customers.ensure(identity, language));
    }
    await next();
  };
}

/** Installs the sandbox marker on this update's Api (the bot's and each conversation's own); installed only in a sandbox. */
export function sandboxMarker<C extends BaseContext>(): MiddlewareFn<C> {
  return async (ctx: C, next: NextFunction) => {
    ctx.api.config.use(sandboxTransformer(() => ctx.t("sandbox-marker")));
    await next();
  };
}
