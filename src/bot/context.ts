import type { ConversationFlavor } from "@grammyjs/conversations";
import type { I18nFlavor } from "@grammyjs/i18n";
import type { Context } from "grammy";
import type { Kysely } from "kysely";
import type { Catalogue } from "../catalogue/index.ts";
import type { CustomerDirectory, Language } from "../customers/index.ts";
import type { Customer, Database } from "../db/schema.ts";
import type { Logger } from "../logger.ts";
import type { Shop } from "../orders/index.ts";

export interface BotSettings {
  adminIds: number[];
  refundPolicy: string;
  supportContact?: string;
  /** Every message the bot sends says it is a sandbox. */
  sandbox: boolean;
  lowBalanceThresholdMinor: number;
  /** Buttons per page in lists (offers, countries, eSIMs). */
  pageSize?: number;
  /** Per-user flood limit; defaults to 20 updates per 10 s. */
  rateLimit?: { limit: number; timeFrameMs: number };
}

/** What every feature needs; built once in createBot. */
export interface FeatureDeps {
  db: Kysely<Database>;
  customers: CustomerDirectory;
  catalogue: Catalogue;
  shop: Shop;
  settings: Required<Pick<BotSettings, "pageSize">> & BotSettings;
}

export interface BotFlavor {
  /** Child logger carrying the update id. */
  logger: Logger;
  /** The language every text of this update is rendered in. */
  language: Language;
  /** Set in private chats: the customer row of the sender. */
  customer?: Customer;
}

/** The context inside conversations: the same flavours, without conversation controls. */
export type BaseContext = Context & I18nFlavor & BotFlavor;
export type BotContext = ConversationFlavor<BaseContext>;

export function customerOf(ctx: BotFlavor): Customer {
  if (!ctx.customer) throw new Error("no customer on this update (not a private chat?)");
  return ctx.customer;
}

export function customerIdOf(ctx: BotFlavor): number {
  return customerOf(ctx).id;
}
