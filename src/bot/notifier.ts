import { autoRetry } from "@grammyjs/auto-retry";
import { InlineKeyboard, InputFile, type Api } from "grammy";
import type { Kysely } from "kysely";
import { markCustomerBlocked, toLanguage, type Language } from "../customers/index.ts";
import type { Database } from "../db/schema.ts";
import type { Logger } from "../logger.ts";
import type { AdminAlert, CustomerNotice, DeliveryOutcome, Notifier } from "../notify/index.ts";
import { callbackData } from "./callback-data.ts";
import { esimPhoto, installSteps } from "./delivery.ts";
import { bytesAmount, price } from "./format.ts";
import { translatorFor, type Translate } from "./i18n.ts";
import { isBlocked, withSandboxMarker } from "./ui.ts";

export interface TelegramNotifierDeps {
  api: Api;
  db: Kysely<Database>;
  adminIds: number[];
  logger: Logger;
  sandbox: boolean;
}

/** Kept well inside the fulfilment worker's 60 s lease on the order it is delivering. */
const NOTIFIER_AUTO_RETRY = { maxRetryAttempts: 2, maxDelaySeconds: 20 };

interface Recipient {
  chatId: number;
  language: Language;
}

/** Sends rendered messages to one chat; throws on failure (403 included). */
interface Outbox {
  send(text: string, options?: { keyboard?: InlineKeyboard; html?: boolean }): Promise<void>;
  sendPhoto(png: Uint8Array, name: string, caption: string, keyboard: InlineKeyboard): Promise<void>;
}

/** The domain's Notifier over Telegram: customer notices in the customer's language, admin alerts to every admin. */
export function createTelegramNotifier(deps: TelegramNotifierDeps): Notifier {
  const { api, db, logger } = deps;
  // A flood wait must not turn a paid eSIM into a failed delivery: wait it out like the bot does.
  api.config.use(autoRetry(NOTIFIER_AUTO_RETRY));

  function sender(recipient: Recipient, t: Translate): Outbox {
    const mark = (text: string, html: boolean) => (deps.sandbox ? withSandboxMarker(text, t("sandbox-marker"), html) : text);
    return {
      send: async (text, options = {}) => {
        await api.sendMessage(recipient.chatId, mark(text, options.html ?? false), {
          ...(options.keyboard ? { reply_markup: options.keyboard } : {}),
          ...(options.html ? { parse_mode: "HTML" as const } : {}),
        });
      },
      sendPhoto: async (png, name, caption, keyboard) => {
        await api.sendPhoto(recipient.chatId, new InputFile(png, name), { caption: mark(caption, true), parse_mode: "HTML", reply_markup: keyboard });
      },
    };
  }

  async function customer(customerId: number, notice: CustomerNotice): Promise<DeliveryOutcome> {
    const row = await db.selectFrom("customers").select(["telegram_id", "language"]).where("id", "=", customerId).executeTakeFirst();
    if (!row) throw new Error(`customer ${customerId} not found`);
    const recipient = { chatId: row.telegram_id, language: toLanguage(row.language) };
    const t = translatorFor(recipient.language);
    try {
      await renderNotice(notice, t, recipient.language, sender(recipient, t));
      return "delivered";
    } catch (error) {
      if (!isBlocked(error)) throw error;
      logger.info({ customerId, notice: notice.type }, "customer blocked the bot; notice not delivered");
      await markCustomerBlocked(db, customerId);
      return "blocked";
    }
  }

  async function admins(alert: AdminAlert): Promise<void> {
    await Promise.all(
      deps.adminIds.map(async (adminId) => {
        try {
          const language = await adminLanguage(db, adminId);
          const t = translatorFor(language);
          await sender({ chatId: adminId, language }, t).send(renderAlert(alert, t, language));
        } catch (error) {
          logger.error({ err: error, adminId, alert: alert.type }, "could not alert an admin");
        }
      }),
    );
  }

  return { customer, admins };
}

async function adminLanguage(db: Kysely<Database>, telegramId: number): Promise<Language> {
  const row = await db.selectFrom("customers").select("language").where("telegram_id", "=", telegramId).executeTakeFirst();
  return toLanguage(row?.language);
}

async function renderNotice(notice: CustomerNotice, t: Translate, language: Language, out: Outbox): Promise<void> {
  const order = "orderId" in notice ? String(notice.orderId) : "";
  switch (notice.type) {
    case "payment_received":
      return out.send(t("notice-payment-received", { order }));
    case "esim_ready":
      for (const esim of notice.esims) {
        const { caption, keyboard } = esimPhoto(t, esim, notice.bundleDescription);
        await out.sendPhoto(esim.qrPng, `esim-${esim.iccid}.png`, caption, keyboard);
      }
      return out.send(installSteps(t));
    case "topup_ready":
      return out.send(t("topup-ready", { bundle: notice.bundleDescription, iccid: notice.iccid.slice(-4) }));
    case "refunded":
      return out.send(
        t("notice-refunded", { order, amount: price(notice.amountMinor, notice.currency, language), reason: t(`refund-reason-${notice.reason}`) }),
      );
    case "payment_failed":
      return out.send(t("notice-payment-failed", { order }), { keyboard: new InlineKeyboard().text(t("btn-try-again"), callbackData.payAgain(notice.orderId)) });
    case "link_expired":
      return out.send(t("notice-link-expired", { order }), { keyboard: new InlineKeyboard().text(t("btn-new-link"), callbackData.payAgain(notice.orderId)) });
    case "usage":
      return out.send(usageNotice(notice, t, language), { keyboard: new InlineKeyboard().text(t("btn-top-up"), callbackData.topUp(notice.iccid)) });
  }
}

function usageNotice(notice: Extract<CustomerNotice, { type: "usage" }>, t: Translate, language: Language): string {
  if (notice.usedPercent === 100) return t("notice-usage-100", { bundle: notice.bundleName });
  if (notice.remainingBytes === null) return t("notice-usage-80-unknown", { bundle: notice.bundleName });
  return t("notice-usage-80", { bundle: notice.bundleName, remaining: bytesAmount(notice.remainingBytes, t, language) });
}

function renderAlert(alert: AdminAlert, t: Translate, language: Language): string {
  const money = (minor: number | undefined, currency: string) => (minor === undefined ? t("unknown-amount") : price(minor, currency, language));
  switch (alert.type) {
    case "sale":
      return t("alert-sale", { order: String(alert.orderId), bundle: alert.bundleName, price: money(alert.priceMinor, alert.currency), cost: money(alert.costMinor, alert.currency) });
    case "delivered":
      return t("alert-delivered", { order: String(alert.orderId), seconds: Math.round(alert.seconds) });
    case "fulfilment_failed":
      return t("alert-fulfilment-failed", { order: String(alert.orderId), cause: alert.cause, retry: alert.willRetry ? "yes" : "no" });
    case "awaiting_balance":
      return t("alert-awaiting-balance", { order: String(alert.orderId), needed: money(alert.neededMinor, alert.currency), balance: money(alert.balanceMinor, alert.currency) });
    case "refund":
      return t("alert-refund", { order: String(alert.orderId), amount: money(alert.amountMinor, alert.currency), status: alert.status, cause: alert.cause });
    case "low_balance":
      return t("alert-low-balance", { balance: money(alert.balanceMinor, alert.currency), threshold: money(alert.thresholdMinor, alert.currency) });
    case "bundle_unavailable":
      return t("alert-bundle-unavailable", { bundle: alert.bundleName, cause: alert.cause });
    case "sync_failed":
      return t("alert-sync-failed", { cause: alert.cause });
    case "delivery_failed":
      return t("alert-delivery-failed", { order: String(alert.orderId), cause: alert.cause });
  }
}
