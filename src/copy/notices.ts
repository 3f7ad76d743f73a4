import type { Language } from "../customers/index.ts";
import type { AdminAlert, CustomerNotice } from "../notify/index.ts";
import { callbackData } from "./actions.ts";
import { bytesAmount, price } from "./format.ts";
import { translatorFor, type Translate } from "./i18n.ts";
import { installMessages } from "./install.ts";
import { reply, type Message } from "./message.ts";

/** What a customer notice says, in their language, as messages any channel can send in order. */
export function renderNotice(notice: CustomerNotice, language: Language): Message[] {
  const t = translatorFor(language);
  const order = "orderId" in notice ? String(notice.orderId) : "";
  const text = (body: string, actions: Message["actions"] = []): Message[] => [{ text: body, actions }];
  switch (notice.type) {
    case "payment_received":
      return text(t("notice-payment-received", { order }));
    case "esim_ready":
      return installMessages(t, notice.esims, notice.bundleDescription);
    case "topup_ready":
      return text(t("topup-ready", { bundle: notice.bundleDescription, iccid: notice.iccid.slice(-4) }));
    case "refunded":
      return text(t("notice-refunded", { order, amount: price(notice.amountMinor, notice.currency, language), reason: t(`refund-reason-${notice.reason}`) }));
    case "payment_failed":
      return text(t("notice-payment-failed", { order }), [[reply(t("btn-try-again"), callbackData.payAgain(notice.orderId))]]);
    case "link_expired":
      return text(t("notice-link-expired", { order }), [[reply(t("btn-new-link"), callbackData.payAgain(notice.orderId))]]);
    case "usage":
      return text(usageNotice(notice, t, language), [[reply(t("btn-top-up"), callbackData.topUp(notice.iccid))]]);
  }
}

function usageNotice(notice: Extract<CustomerNotice, { type: "usage" }>, t: Translate, language: Language): string {
  if (notice.usedPercent === 100) return t("notice-usage-100", { bundle: notice.bundleName });
  if (notice.remainingBytes === null) return t("notice-usage-80-unknown", { bundle: notice.bundleName });
  return t("notice-usage-80", { bundle: notice.bundleName, remaining: bytesAmount(notice.remainingBytes, t, language) });
}

/** An operator alert as one plain text in the admin's language; it always carries the order id and the cause. */
export function renderAlert(alert: AdminAlert, language: Language): string {
  const t = translatorFor(language);
  const money = (minor: number | undefined, currency: string) => (minor === undefined ? t("unknown-amount") : price(minor, currency, language));
  switch (alert.type) {
    case "sale":
      return t("alert-sale", { order: String(alert.orderId), bundle: alert.bundleName, price: money(alert.priceMinor, alert.currency), cost: money(alert.costMinor, alert.currency) });
    case "discount_below_margin":
      return t("alert-discount-below-margin", {
        order: String(alert.orderId),
        paid: money(alert.paidMinor, alert.currency),
        discount: money(alert.discountMinor, alert.currency),
        cost: money(alert.costMinor, alert.currency),
        margin: money(alert.paidMinor - alert.costMinor, alert.currency),
        minimum: money(alert.minMarginMinor, alert.currency),
        below: alert.paidMinor < alert.costMinor ? "cost" : "margin",
      });
    case "delivered":
      return t("alert-delivered", { order: String(alert.orderId), seconds: Math.round(alert.seconds) });
    case "fulfilment_failed":
      return t("alert-fulfilment-failed", { order: String(alert.orderId), cause: alert.cause, retry: alert.willRetry ? "yes" : "no" });
    case "awaiting_balance":
      return t("alert-awaiting-balance", { order: String(alert.orderId), needed: money(alert.neededMinor, alert.currency), balance: money(alert.balanceMinor, alert.currency) });
    case "refund":
      return t("alert-refund", { order: String(alert.orderId), amount: money(alert.amountMinor, alert.currency), status: alert.status, method: alert.currency === "XTR" ? "stars" : "card", cause: alert.cause });
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
