import { limit } from "@grammyjs/ratelimiter";
import { InlineKeyboard, type MiddlewareFn, type NextFunction } from "grammy";
import type { Kysely } from "kysely";
import type { User } from "grammy/types";
import { toLanguage, type CustomerDirectory, type TelegramProfile } from "../customers/index.ts";
import type { Database } from "../db/schema.ts";
import type { Logger } from "../logger.ts";
import type { BaseContext, BotContext } from "./context.ts";
import { translatorFor } from "./i18n.ts";
import { sandboxTransformer } from "./ui.ts";

/** ctx.logger with the update id; the language of the sender until the customer row says otherwise. */
export function contextSetup<C extends BaseContext>(logger: Logger): MiddlewareFn<C> {
  return async (ctx, next) => {
    ctx.logger = logger.child({ update_id: ctx.update.update_id });
    ctx.language = toLanguage(ctx.from?.language_code);
    ctx.ensureCustomer = () => Promise.reject(new Error("no customer on this update (not from a person?)"));
    await next();
  };
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
  const text = translatorFor(ctx.language)("rate-limited");
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
    const t = translatorFor(ctx.language);
    const keyboard = new InlineKeyboard().url(t("btn-open-private"), `https://t.me/${ctx.me.username}?start=group`);
    await ctx.reply(t("group-pointer"), { reply_markup: keyboard, reply_parameters: replyTo(ctx) });
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
    await db
      .updateTable("customers")
      .set({ blocked_at: blocked ? new Date() : null, updated_at: new Date() })
      .where("telegram_id", "=", change.from.id)
      .execute();
    ctx.logger.info({ user: change.from.id, blocked }, "bot blocked status changed");
  };
}

/** The sender's customer row, if they have one, and the language it says; ensureCustomer creates it when needed. */
export function loadCustomer<C extends BaseContext>(customers: CustomerDirectory): MiddlewareFn<C> {
  return async (ctx, next) => {
    const from = ctx.from;
    if (from && !from.is_bot) {
      const profile = telegramProfileOf(from);
      ctx.customer = await customers.lookup(profile);
      if (ctx.customer) ctx.language = toLanguage(ctx.customer.language);
      ctx.ensureCustomer = async () => (ctx.customer ??= await customers.ensure(profile));
    }
    await next();
  };
}

function telegramProfileOf(from: User): TelegramProfile {
  return {
    telegramId: from.id,
    firstName: from.first_name,
    ...(from.username ? { username: from.username } : {}),
    ...(from.language_code ? { languageCode: from.language_code } : {}),
  };
}

/** Installs the sandbox marker on this update's Api (the bot's and each conversation's own). */
export function sandboxMarker<C extends BaseContext>(enabled: boolean): MiddlewareFn<C> {
  return async (ctx: C, next: NextFunction) => {
    if (enabled) ctx.api.config.use(sandboxTransformer(() => translatorFor(ctx.language)("sandbox-marker")));
    await next();
  };
}
