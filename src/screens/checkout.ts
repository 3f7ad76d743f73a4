import { callbackData, dateTime, link, price, reply, type Screen } from "../copy/index.ts";
import type { CheckoutOutcome } from "../orders/index.ts";
import type { Ui } from "./context.ts";

/** A checkout outcome as it can be stored (a conversation log holds JSON): the link's expiry as text. */
export type StoredCheckoutOutcome =
  | (Omit<Extract<CheckoutOutcome, { kind: "link" }>, "expiresAt"> & { expiresAt: string })
  | Exclude<CheckoutOutcome, { kind: "link" }>
  | { kind: "error" };

export function storableOutcome(outcome: CheckoutOutcome): StoredCheckoutOutcome {
  return outcome.kind === "link" ? { ...outcome, expiresAt: outcome.expiresAt.toISOString() } : outcome;
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
    case "error":
      return "checkout-failed";
  }
}
