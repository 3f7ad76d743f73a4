import { callbackData, dateTime, link, price, reply, type Screen } from "../copy/index.ts";
import type { CheckoutOutcome } from "../orders/index.ts";
import type { Ui } from "./context.ts";

/** A checkout outcome as it can be stored (a conversation log holds JSON): the link's expiry as text. */
export type StoredCheckoutOutcome =
  | (Omit<Extract<CheckoutOutcome, { kind: "link" }>, "expiresAt"> & { expiresAt: string })
  | StoredStarsInvoice
  | Exclude<CheckoutOutcome, { kind: "link" | "stars_invoice" }>
  | { kind: "error" };

export type StoredStarsInvoice = Omit<Extract<CheckoutOutcome, { kind: "stars_invoice" }>, "expiresAt"> & { expiresAt: string };

export function storableOutcome(outcome: CheckoutOutcome): StoredCheckoutOutcome {
  return outcome.kind === "link" || outcome.kind === "stars_invoice" ? { ...outcome, expiresAt: outcome.expiresAt.toISOString() } : outcome;
}

/** Telegram's limits on an invoice's title and description. */
const INVOICE_TITLE_MAX = 32;
const INVOICE_DESCRIPTION_MAX = 255;

/** What a Telegram Stars invoice shows: the plan, how long it may be paid, and the one price line. */
export interface StarsInvoiceCopy {
  title: string;
  description: string;
  label: string;
}

export function starsInvoiceCopy(ui: Ui, outcome: StoredStarsInvoice, plan: string): StarsInvoiceCopy {
  const description = ui.t("stars-invoice-description", { plan, expires: dateTime(new Date(outcome.expiresAt), ui.language) });
  return {
    title: clip(outcome.title, INVOICE_TITLE_MAX),
    description: clip(description, INVOICE_DESCRIPTION_MAX),
    label: clip(ui.t("stars-invoice-label"), INVOICE_TITLE_MAX),
  };
}

/** Telegram counts UTF-16 units; a cut never splits an emoji's surrogate pair. */
function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  return `${/[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut}…`;
}

/** Why Telegram must not take the Stars (the pre-checkout refused), in the payer's language. */
export function starsRefusalText(ui: Ui, reason: "price_changed" | "paid" | "expired" | "not_yours"): string {
  return ui.t(`stars-refused-${reason.replace("_", "-")}`);
}

/**
 * The price we would charge differs from the one the customer saw: they accept it or cancel. `acceptData` is what
 * accepting sends back (Telegram's checkout conversation waits for `cc:y`; a stateless channel sends the Pay action
 * again, now with the price just shown).
 */
export function priceChangedScreen(ui: Ui, priceMinor: number, currency: string, acceptData: string = callbackData.priceAccepted): Screen {
  const amount = price(priceMinor, currency, ui.language);
  return {
    text: ui.t("checkout-price-changed", { price: amount }),
    actions: [[reply(ui.t("btn-confirm-price", { price: amount }), acceptData), reply(ui.t("btn-cancel"), callbackData.priceRejected)]],
  };
}

/** The payment link (a button that opens it), or why there is none and what to do next. */
export function checkoutOutcomeScreen(ui: Ui, outcome: StoredCheckoutOutcome, plan: string): Screen {
  if (outcome.kind === "link") {
    const amount = price(outcome.priceMinor, outcome.currency, ui.language);
    const text = ui.t(outcome.reused ? "checkout-link-reused" : "checkout-link", {
      price: amount,
      plan,
      expires: dateTime(new Date(outcome.expiresAt), ui.language),
    });
    return { text, actions: [[link(ui.t("btn-pay-link", { price: amount }), outcome.url)]] };
  }
  return { text: ui.t(failureKey(outcome)), actions: [[reply(ui.t("btn-menu"), callbackData.nav("menu"))]] };
}

function failureKey(outcome: Exclude<StoredCheckoutOutcome, { kind: "link" }>): string {
  // A Stars invoice is no screen: the Telegram channel sends it as an invoice.
  switch (outcome.kind) {
    case "unavailable":
      return `checkout-unavailable-${outcome.reason}`;
    case "incompatible":
      return "checkout-incompatible";
    case "not_yours":
      return "checkout-not-yours";
    case "limit":
      return `checkout-limit-${outcome.reason.replace("_", "-")}`;
    case "price_changed":
    case "stars_invoice":
    case "error":
      return "checkout-failed";
  }
}
