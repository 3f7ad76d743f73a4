import type { ConversationFlavor } from "@grammyjs/conversations";
import type { I18nFlavor } from "@grammyjs/i18n";
import type { Context } from "grammy";
import type { Kysely } from "kysely";
import type { Catalogue } from "../catalogue/index.ts";
import type { CustomerDirectory, Language } from "../customers/index.ts";
import type { Customer, Database } from "../db/schema.ts";
import type { Logger } from "../logger.ts";
import type { Shop } from "../orders/index.ts";
import type { ScreenCache } from "./ui.ts";

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
  /** Offer screens, per language; they are most of what browsing costs to render. */
  screens: ScreenCache;
  shop: Shop;
  settings: Required<Pick<BotSettings, "pageSize">> & BotSettings;
}

export interface BotFlavor {
  /** Child logger carrying the update id. */
  logger: Logger;
  /** The language every text of this update is rendered in. */
  language: Language;
  /** The sender's customer row, when they have one. */
  customer?: Customer;
  /** The sender's customer row, created now if they have none yet (orders, eSIMs and settings need one). */
  ensureCustomer(): Promise<Customer>;
}

/** The context inside conversations: the same flavours, without conversation controls. */
export type BaseContext = Context & I18nFlavor & BotFlavor;
export type BotContext = ConversationFlavor<BaseContext>;

export async function customerIdOf(ctx: BotFlavor): Promise<number> {
  return (await ctx.ensureCustomer()).id;
}
