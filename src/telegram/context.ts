import type { ConversationFlavor } from "@grammyjs/conversations";
import type { Context } from "grammy";
import type { Kysely } from "kysely";
import type { Translate } from "../copy/index.ts";
import type { CustomerDirectory, Identity, Language } from "../customers/index.ts";
import type { Customer, Database } from "../db/schema.ts";
import type { Logger } from "../logger.ts";
import type { ScreenDeps, ScreenSettings } from "../screens/index.ts";

export interface BotSettings extends Omit<ScreenSettings, "pageSize"> {
  /** Telegram user ids allowed the operator commands. */
  adminIds: number[];
  /** Every message the bot sends says it is a sandbox. */
  sandbox: boolean;
  /** Buttons per page in lists (offers, countries, eSIMs). */
  pageSize?: number;
  /** Per-user flood limit; defaults to 20 updates per 10 s. */
  rateLimit?: { limit: number; timeFrameMs: number };
}

/** What every feature needs; built once in createBot. */
export interface FeatureDeps extends ScreenDeps {
  db: Kysely<Database>;
  customers: CustomerDirectory;
  adminIds: ReadonlySet<number>;
}

export interface BotFlavor {
  /** Child logger carrying the update id. */
  logger: Logger;
  /** The language every text of this update is rendered in. */
  language: Language;
  /** Translates into `language`. */
  t: Translate;
  /** The sender as a customer identity (Telegram user id), when the update has a person as sender. */
  identity?: Identity;
  /** The sender's customer row, when they have one. */
  customer?: Customer;
  /** The sender's customer row, created now if they have none yet (orders, eSIMs and settings need one). */
  ensureCustomer(): Promise<Customer>;
}

/** The context inside conversations: the same flavours, without conversation controls. */
export type BaseContext = Context & BotFlavor;
export type BotContext = ConversationFlavor<BaseContext>;

export async function customerIdOf(ctx: BotFlavor): Promise<number> {
  return (await ctx.ensureCustomer()).id;
}
