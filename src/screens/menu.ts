import { SUPPORTED_LANGUAGES, type Language } from "../customers/index.ts";
import type { Order } from "../db/schema.ts";
import { callbackData, reply, type Screen } from "../copy/index.ts";
import type { ScreenDeps, Ui } from "./context.ts";
import { menuActions } from "./destinations.ts";

const LANGUAGE_NAMES: Record<Language, string> = { en: "🇬🇧 English", ru: "🇷🇺 Русский", tr: "🇹🇷 Türkçe" };
/** An order a customer can still pay: a new link is offered for it. */
export const PAYABLE_AGAIN: ReadonlySet<Order["status"]> = new Set(["pending_payment", "expired", "payment_failed"]);

export function mainMenu(ui: Ui, text = ui.t("menu-title")): Screen {
  return {
    text,
    actions: [
      [reply(ui.t("menu-buy"), callbackData.nav("buy")), reply(ui.t("menu-my-esims"), callbackData.nav("esims"))],
      [reply(ui.t("menu-help"), callbackData.nav("help")), reply(ui.t("menu-language"), callbackData.nav("lang"))],
    ],
  };
}

/** /paysupport, which Telegram asks of every bot that takes Stars: where to get help with a payment. */
export function paySupportScreen(ui: Ui, deps: ScreenDeps): Screen {
  const lines = [ui.t("paysupport", { policy: deps.settings.refundPolicy })];
  if (deps.settings.supportContact) lines.push("", ui.t("help-support", { contact: deps.settings.supportContact }));
  return { text: lines.join("\n"), actions: menuActions(ui) };
}

export function helpScreen(ui: Ui, deps: ScreenDeps): Screen {
  const lines = [ui.t("help", { policy: deps.settings.refundPolicy })];
  if (deps.settings.supportContact) lines.push("", ui.t("help-support", { contact: deps.settings.supportContact }));
  lines.push("", ui.t("help-privacy"));
  return { text: lines.join("\n"), actions: menuActions(ui) };
}

export function languageScreen(ui: Ui): Screen {
  return {
    text: ui.t("language-choose"),
    actions: [SUPPORTED_LANGUAGES.map((language) => reply(LANGUAGE_NAMES[language], callbackData.language(language))), ...menuActions(ui)],
  };
}

/** Back from the payment page: what became of the order, and a new link when it can still be paid. */
export async function returnFromPaymentScreen(ui: Ui, deps: ScreenDeps, customerId: number, kind: "paid" | "cancel", orderId: number): Promise<Screen> {
  const order = await deps.shop.customerOrder(customerId, orderId);
  if (!order) return mainMenu(ui, ui.t("start-order-unknown"));
  const id = String(order.id);
  if (kind === "paid") {
    const key = order.status === "delivered" ? "start-paid-delivered" : order.status === "pending_payment" ? "start-paid-pending" : "start-paid";
    return mainMenu(ui, ui.t(key, { order: id }));
  }
  if (!PAYABLE_AGAIN.has(order.status)) return mainMenu(ui);
  return { text: ui.t("start-cancelled", { order: id }), actions: [[reply(ui.t("btn-pay-again"), callbackData.payAgain(order.id))], ...menuActions(ui)] };
}

/** /deletemydata: what erasing means, and the one button that does it. */
export function eraseQuestionScreen(ui: Ui): Screen {
  return { text: ui.t("delete-confirm"), actions: [[reply(ui.t("btn-delete-confirm"), callbackData.eraseConfirmed)], ...menuActions(ui)] };
}

export function eraseOutcomeScreen(ui: Ui, outcome: "erased" | "order_in_progress"): Screen {
  return outcome === "erased" ? { text: ui.t("delete-done"), actions: [] } : { text: ui.t("delete-in-progress"), actions: menuActions(ui) };
}
