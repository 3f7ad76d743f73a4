import { MAXIMUM_AMOUNT_MINOR, MINIMUM_CHARGE_MINOR, SUPPORTED_CURRENCIES } from "./currencies.ts";
import { invalidRequest, missingParam } from "./errors.ts";
import type { Params } from "./form.ts";
import type { RefundInput, SessionInput } from "./ledger.ts";
import { formatMinor } from "./money.ts";
import {
  metadataOf,
  optionalArray,
  optionalEnum,
  optionalInteger,
  optionalObject,
  optionalString,
  optionalUrl,
  rejectUnknown,
  requiredInteger,
  requiredString,
} from "./params.ts";

const MIN_EXPIRY_SECONDS = 30 * 60;
const MAX_EXPIRY_SECONDS = 24 * 60 * 60;

// Real Checkout Session parameters this stand-in accepts without acting on them (so valid product code is not refused).
const ACCEPTED_SESSION_PARAMS = [
  "mode", "line_items", "client_reference_id", "metadata", "payment_intent_data", "expires_at", "success_url", "cancel_url",
  "customer_email", "locale", "payment_method_types", "submit_type", "billing_address_collection", "allow_promotion_codes",
  "custom_text", "ui_mode", "expand", "consent_collection", "phone_number_collection", "customer_creation", "after_expiration",
  "currency", "automatic_tax", "invoice_creation", "payment_method_options", "tax_id_collection", "custom_fields",
  "shipping_address_collection", "payment_method_collection", "wallet_options", "name_collection", "adaptive_pricing", "discounts",
] as const;

const LOCALES = [
  "auto", "bg", "cs", "da", "de", "el", "en", "en-GB", "es", "es-419", "et", "fi", "fil", "fr", "fr-CA", "hr", "hu", "id", "it",
  "ja", "ko", "lt", "lv", "ms", "mt", "nb", "nl", "pl", "pt", "pt-BR", "ro", "ru", "sk", "sl", "sv", "th", "tr", "vi", "zh",
  "zh-HK", "zh-TW",
] as const;

export function sessionInputOf(params: Params, nowSeconds: number): SessionInput {
  rejectUnknown(params, ACCEPTED_SESSION_PARAMS);
  const mode = requiredString(params.mode, "mode");
  if (mode !== "payment") throw invalidRequest(`This Stripe stand-in supports only mode=payment, not ${mode}.`, "mode");
  const paymentIntentData = optionalObject(params.payment_intent_data, "payment_intent_data") ?? {};
  rejectUnknown(paymentIntentData, ["metadata", "description", "statement_descriptor", "statement_descriptor_suffix", "receipt_email", "capture_method"], "payment_intent_data.");
  const lineItems = lineItemsOf(params);
  return {
    lineItems,
    clientReferenceId: optionalString(params.client_reference_id, "client_reference_id", 200) || null,
    metadata: metadataOf(params.metadata, "metadata"),
    paymentIntentMetadata: metadataOf(paymentIntentData.metadata, "payment_intent_data[metadata]"),
    paymentIntentDescription: optionalString(paymentIntentData.description, "payment_intent_data[description]", 1_000) ?? null,
    expiresAt: expiresAtOf(params, nowSeconds),
    successUrl: optionalUrl(params.success_url, "success_url") ?? null,
    cancelUrl: optionalUrl(params.cancel_url, "cancel_url") ?? null,
    customerEmail: optionalString(params.customer_email, "customer_email", 800) ?? null,
    locale: optionalEnum(params.locale, "locale", LOCALES) ?? null,
    paymentMethodTypes: paymentMethodTypesOf(params),
    ...discountsOf(params),
    adaptivePricing: adaptivePricingOf(params),
  };
}

/** `allow_promotion_codes` or `discounts` (one promotion code), never both, as Stripe refuses. */
function discountsOf(params: Params): Pick<SessionInput, "allowPromotionCodes" | "promotionCodeId"> {
  const allow = optionalBoolean(params.allow_promotion_codes, "allow_promotion_codes");
  const discounts = optionalArray(params.discounts, "discounts");
  if (allow !== undefined && discounts !== undefined) {
    throw invalidRequest("You may only specify one of these parameters: allow_promotion_codes, discounts.", "allow_promotion_codes");
  }
  if (!discounts || discounts.length === 0) return { allowPromotionCodes: allow ?? null, promotionCodeId: null };
  if (discounts.length > 1) throw invalidRequest("Checkout Sessions in payment mode take at most one discount.", "discounts");
  const discount = optionalObject(discounts[0], "discounts[0]") ?? {};
  rejectUnknown(discount, ["promotion_code", "coupon"], "discounts[0].");
  if (discount.coupon !== undefined) throw invalidRequest(`No such coupon: '${String(discount.coupon)}' (this stand-in takes promotion codes only)`, "discounts[0][coupon]", "resource_missing");
  return { allowPromotionCodes: null, promotionCodeId: requiredString(discount.promotion_code, "discounts[0][promotion_code]") };
}

function adaptivePricingOf(params: Params): boolean {
  const adaptive = optionalObject(params.adaptive_pricing, "adaptive_pricing");
  if (!adaptive) return false;
  rejectUnknown(adaptive, ["enabled"], "adaptive_pricing.");
  return optionalBoolean(adaptive.enabled, "adaptive_pricing[enabled]") ?? false;
}

function optionalBoolean(value: Params[string] | undefined, param: string): boolean | undefined {
  if (value === undefined) return undefined;
  if (value === "true") return true;
  if (value === "false") return false;
  throw invalidRequest(`Invalid boolean: ${String(value)}`, param);
}

function lineItemsOf(params: Params): SessionInput["lineItems"] {
  const items = optionalArray(params.line_items, "line_items");
  if (!items || items.length === 0) throw missingParam("line_items");
  const parsed = items.map((item, index) => lineItemOf(item, `line_items[${index}]`));
  const currencies = new Set(parsed.map((item) => item.currency));
  if (currencies.size > 1) throw invalidRequest("All line items must use the same currency.", "line_items");
  checkTotal(parsed);
  return parsed;
}

/** Stripe refuses a payment below the currency's minimum charge (and above eight digits) when the session is created. */
function checkTotal(items: SessionInput["lineItems"]): void {
  const currency = items[0]?.currency ?? "usd";
  const total = items.reduce((sum, item) => sum + item.unitAmount * item.quantity, 0);
  const minimum = MINIMUM_CHARGE_MINOR[currency];
  if (minimum !== undefined && total < minimum) {
    throw invalidRequest(`The Checkout Session's total amount due must add up to at least ${formatMinor(minimum, currency)} ${currency}`, "line_items", "amount_too_small");
  }
  if (total > MAXIMUM_AMOUNT_MINOR) {
    throw invalidRequest(`The Checkout Session's total amount due must be no more than ${formatMinor(MAXIMUM_AMOUNT_MINOR, currency)} ${currency}`, "line_items", "amount_too_large");
  }
}

function lineItemOf(raw: Params[string], param: string): SessionInput["lineItems"][number] {
  const item = optionalObject(raw, param) ?? {};
  rejectUnknown(item, ["price_data", "quantity", "price", "adjustable_quantity", "tax_rates"], `${param}.`);
  if (item.price !== undefined) throw invalidRequest(`No such price: '${String(item.price)}' (this stand-in takes price_data only)`, `${param}[price]`, "resource_missing");
  const priceData = optionalObject(item.price_data, `${param}[price_data]`);
  if (!priceData) throw missingParam(`${param}[price_data]`);
  const productData = optionalObject(priceData.product_data, `${param}[price_data][product_data]`);
  if (!productData) throw missingParam(`${param}[price_data][product_data]`);
  const currency = requiredString(priceData.currency, `${param}[price_data][currency]`).toLowerCase();
  if (!SUPPORTED_CURRENCIES.has(currency)) {
    throw invalidRequest(`Invalid currency: ${currency}. Stripe currently supports these currencies: ${[...SUPPORTED_CURRENCIES].join(", ")}`, `${param}[price_data][currency]`);
  }
  const unitAmount = requiredInteger(priceData.unit_amount, `${param}[price_data][unit_amount]`);
  if (unitAmount < 0 || unitAmount > MAXIMUM_AMOUNT_MINOR) throw invalidRequest(`Invalid unit_amount: must be between 0 and ${MAXIMUM_AMOUNT_MINOR}.`, `${param}[price_data][unit_amount]`);
  const quantity = requiredInteger(item.quantity, `${param}[quantity]`);
  if (quantity < 1 || quantity > 999_999) throw invalidRequest("Invalid quantity: must be a positive integer.", `${param}[quantity]`);
  return {
    name: requiredString(productData.name, `${param}[price_data][product_data][name]`, 250),
    description: optionalString(productData.description, `${param}[price_data][product_data][description]`, 500) || null,
    currency,
    unitAmount,
    quantity,
  };
}

function expiresAtOf(params: Params, nowSeconds: number): number {
  const expiresAt = optionalInteger(params.expires_at, "expires_at");
  if (expiresAt === undefined) return nowSeconds + MAX_EXPIRY_SECONDS;
  if (expiresAt < nowSeconds + MIN_EXPIRY_SECONDS) {
    throw invalidRequest("The `expires_at` timestamp must be at least 30 minutes from Checkout Session creation.", "expires_at");
  }
  if (expiresAt > nowSeconds + MAX_EXPIRY_SECONDS) {
    throw invalidRequest("The `expires_at` timestamp must be less than 24 hours from Checkout Session creation.", "expires_at");
  }
  return expiresAt;
}

function paymentMethodTypesOf(params: Params): string[] {
  const types = optionalArray(params.payment_method_types, "payment_method_types");
  if (!types) return ["card"];
  return types.map((type, index) => requiredString(type, `payment_method_types[${index}]`, 100));
}

export function refundInputOf(params: Params): RefundInput {
  rejectUnknown(params, ["payment_intent", "charge", "amount", "metadata", "reason", "expand", "instructions_email", "origin"]);
  const reason = optionalEnum(params.reason, "reason", ["duplicate", "fraudulent", "requested_by_customer"] as const);
  const paymentIntentId = optionalString(params.payment_intent, "payment_intent") || undefined;
  const chargeId = optionalString(params.charge, "charge") || undefined;
  if (paymentIntentId === undefined && chargeId === undefined) throw invalidRequest("One of `charge` or `payment_intent` is required.", undefined, "parameter_missing");
  return {
    paymentIntentId,
    chargeId,
    amount: positiveAmountOf(params),
    metadata: metadataOf(params.metadata, "metadata"),
    reason: reason ?? null,
  };
}


function positiveAmountOf(params: Params): number | undefined {
  const amount = optionalInteger(params.amount, "amount");
  if (amount !== undefined && amount <= 0) throw invalidRequest("Invalid positive integer", "amount");
  return amount;
}
