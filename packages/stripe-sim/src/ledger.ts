import { invalidRequest, noSuch } from "./errors.ts";
import { newId } from "./ids.ts";
import { MINIMUM_CHARGE_MINOR, SUPPORTED_CURRENCIES } from "./currencies.ts";
import { currencyExponent, formatMinor } from "./money.ts";
import { chargeObject, customerDetails, paymentIntentObject, refundObject, sessionObject } from "./objects.ts";
import type { Charge, CheckoutSession, EventObjects, EventType, LineItem, Metadata, PaymentIntent, Refund, StripeEvent } from "./types.ts";

export interface SessionInput {
  lineItems: { name: string; description: string | null; currency: string; unitAmount: number; quantity: number }[];
  clientReferenceId: string | null;
  metadata: Metadata;
  paymentIntentMetadata: Metadata;
  paymentIntentDescription: string | null;
  expiresAt: number;
  successUrl: string | null;
  cancelUrl: string | null;
  customerEmail: string | null;
  locale: CheckoutSession["locale"];
  paymentMethodTypes: string[];
  /** `allow_promotion_codes`: the buyer may enter a code on the page (null when not sent, as Stripe shows it). */
  allowPromotionCodes: boolean | null;
  /** `discounts[0][promotion_code]`: a code applied when the session is created. */
  promotionCodeId: string | null;
  /** `adaptive_pricing[enabled]`: the buyer may pay in a local currency. */
  adaptivePricing: boolean;
}

/** A promotion code and its coupon: percent off, or an amount off in one currency. Codes are matched case-insensitively, as Stripe does. */
export interface PromotionCode {
  id: string;
  code: string;
  couponId: string;
  percentOff: number | null;
  amountOff: number | null;
  currency: string | null;
  active: boolean;
}

export interface PromotionCodeInput {
  code: string;
  percentOff?: number;
  amountOff?: number;
  currency?: string;
  active?: boolean;
}

/** What the customer does on the hosted page: a promotion code typed in, and (Adaptive Pricing) the local currency chosen at a fixed rate. */
export interface PayOptions {
  async: boolean;
  promotionCode?: string;
  presentmentCurrency?: string;
  /** Units of the presentment currency per unit of the session's currency. */
  fxRate?: number;
}

/** A refund names the payment intent, the charge, or both (then they must belong together). */
export interface RefundInput {
  paymentIntentId: string | undefined;
  chargeId: string | undefined;
  amount: number | undefined;
  metadata: Metadata;
  reason: Refund["reason"];
}

/** Where an event came from: an API request (with its idempotency key) or the customer/dashboard (none). */
export interface RequestRef {
  id: string | null;
  idempotency_key: string | null;
}

export const NO_REQUEST: RequestRef = { id: null, idempotency_key: null };

export interface SessionRecord {
  session: CheckoutSession;
  lineItems: LineItem[];
  hostedUrl: string;
  paymentIntentMetadata: Metadata;
  paymentIntentDescription: string | null;
}

export interface LedgerDeps {
  nowMs: () => number;
  apiVersion: string;
  /** How many webhook endpoints will receive an event of this type (Stripe's `pending_webhooks`). */
  pendingWebhooksFor: (type: string) => number;
  publish: (event: StripeEvent) => void;
  sessionCreated?: (record: SessionRecord) => void;
  refundsFail: () => boolean;
}

export interface Outcome<T> {
  result: T;
  events: StripeEvent[];
}

/** The in-memory account: sessions, payment intents, charges, refunds and the events their changes raise. */
export class Ledger {
  private readonly sessionsById = new Map<string, SessionRecord>();
  private readonly paymentIntents = new Map<string, PaymentIntent>();
  private readonly charges = new Map<string, Charge>();
  private readonly refundsById = new Map<string, Refund>();
  private readonly eventLog: StripeEvent[] = [];
  private readonly promotionCodesById = new Map<string, PromotionCode>();

  constructor(private readonly deps: LedgerDeps) {}

  nowSeconds(): number {
    return Math.floor(this.deps.nowMs() / 1000);
  }

  sessions(): SessionRecord[] {
    return [...this.sessionsById.values()];
  }

  events(): StripeEvent[] {
    return [...this.eventLog];
  }

  event(id: string): StripeEvent | undefined {
    return this.eventLog.find((event) => event.id === id);
  }

  refunds(): Refund[] {
    return [...this.refundsById.values()].map(copy);
  }

  createSession(input: SessionInput, hostedUrlOf: (sessionId: string) => string): SessionRecord {
    const id = newId.session();
    const created = this.nowSeconds();
    const currency = input.lineItems[0]?.currency ?? "usd";
    const lineItems = input.lineItems.map((item) => lineItemOf(item));
    const total = lineItems.reduce((sum, item) => sum + item.amount_total, 0);
    const hostedUrl = hostedUrlOf(id);
    const session = sessionObject({
      id,
      created,
      currency,
      amountTotal: total,
      expiresAt: input.expiresAt,
      url: hostedUrl,
      clientReferenceId: input.clientReferenceId,
      customerEmail: input.customerEmail,
      locale: input.locale,
      metadata: input.metadata,
      paymentMethodTypes: input.paymentMethodTypes,
      successUrl: input.successUrl,
      cancelUrl: input.cancelUrl,
      allowPromotionCodes: input.allowPromotionCodes,
      adaptivePricing: input.adaptivePricing,
    });
    if (input.promotionCodeId !== null) {
      const promotion = this.promotionCodesById.get(input.promotionCodeId);
      if (!promotion) throw noSuch("promotion_code", input.promotionCodeId, "discounts[0][promotion_code]");
      if (!promotion.active) throw invalidRequest(`This promotion code is inactive: '${input.promotionCodeId}'`, "discounts[0][promotion_code]");
      applyDiscount(session, promotion, "discounts[0][promotion_code]");
    }
    const record: SessionRecord = {
      session,
      lineItems,
      hostedUrl,
      paymentIntentMetadata: input.paymentIntentMetadata,
      paymentIntentDescription: input.paymentIntentDescription,
    };
    this.sessionsById.set(id, record);
    this.deps.sessionCreated?.(record);
    return record;
  }

  createPromotionCode(input: PromotionCodeInput): PromotionCode {
    const code = input.code.trim();
    if (!/^[A-Za-z0-9_-]{1,500}$/.test(code)) throw new Error("stripe-sim: a promotion code is letters, digits, _ and - only");
    if (this.promotionCodeByCode(code)) throw new Error(`stripe-sim: an active promotion code ${code} exists already`);
    if ((input.percentOff === undefined) === (input.amountOff === undefined)) throw new Error("stripe-sim: a coupon has percentOff or amountOff, exactly one");
    if (input.percentOff !== undefined && !(input.percentOff > 0 && input.percentOff <= 100)) throw new Error("stripe-sim: percentOff must be in (0, 100]");
    if (input.amountOff !== undefined && (!Number.isInteger(input.amountOff) || input.amountOff <= 0)) throw new Error("stripe-sim: amountOff must be a positive integer (minor units)");
    if (input.amountOff !== undefined && !input.currency) throw new Error("stripe-sim: amountOff needs a currency");
    const promotion: PromotionCode = {
      id: newId.promotionCode(),
      code,
      couponId: newId.coupon(),
      percentOff: input.percentOff ?? null,
      amountOff: input.amountOff ?? null,
      currency: input.amountOff !== undefined ? (input.currency ?? "").toLowerCase() : null,
      active: input.active ?? true,
    };
    this.promotionCodesById.set(promotion.id, promotion);
    return { ...promotion };
  }

  setPromotionCodeActive(idOrCode: string, active: boolean): PromotionCode {
    const promotion = this.promotionCodesById.get(idOrCode) ?? [...this.promotionCodesById.values()].find((p) => p.code.toLowerCase() === idOrCode.toLowerCase());
    if (!promotion) throw new Error(`stripe-sim: no promotion code ${idOrCode}`);
    promotion.active = active;
    return { ...promotion };
  }

  promotionCodes(): PromotionCode[] {
    return [...this.promotionCodesById.values()].map((p) => ({ ...p }));
  }

  /** The active code a customer typed (Stripe's codes are case-insensitive and unique among active ones). */
  private promotionCodeByCode(code: string): PromotionCode | undefined {
    return [...this.promotionCodesById.values()].find((p) => p.active && p.code.toLowerCase() === code.toLowerCase());
  }

  /** The session as it is now; an open one past its `expires_at` expires first (the timer may not have fired yet). */
  findSession(id: string): SessionRecord | undefined {
    const record = this.sessionsById.get(id);
    if (record) this.expireIfDue(record);
    return record;
  }

  retrieveSession(id: string): SessionRecord {
    const record = this.findSession(id);
    if (!record) throw noSuch("checkout.session", id, "session");
    return record;
  }

  expireIfDue(record: SessionRecord): StripeEvent[] {
    if (record.session.status !== "open" || this.nowSeconds() < record.session.expires_at) return [];
    return this.markExpired(record, NO_REQUEST);
  }

  expireSession(id: string, request: RequestRef): Outcome<CheckoutSession> {
    const record = this.retrieveSession(id);
    if (record.session.status !== "open") {
      throw invalidRequest(
        `Only Checkout Sessions with a status in ["open"] can be expired. This Checkout Session has a status of "${record.session.status}".`,
        undefined,
        "checkout_session_not_open",
      );
    }
    const events = this.markExpired(record, request);
    return { result: copy(record.session), events };
  }

  private markExpired(record: SessionRecord, request: RequestRef): StripeEvent[] {
    Object.assign(record.session, { status: "expired", url: null });
    return [this.raise("checkout.session.expired", record.session, request, { status: "open" })];
  }

  /** The customer pays on the hosted page. Card payments settle at once; async methods settle later. */
  completeSession(id: string, options: PayOptions): Outcome<CheckoutSession> {
    const record = this.retrieveSession(id);
    const { session } = record;
    if (session.status !== "open") throw invalidRequest(`This Checkout Session is ${session.status} and can no longer be paid.`, undefined, "checkout_session_not_open");
    // Everything is checked before anything changes: a refused code or currency leaves the session as it was.
    const promotion = options.promotionCode === undefined ? undefined : this.promotionCodeFor(session, options.promotionCode);
    const discounted = copy(session);
    if (promotion) applyDiscount(discounted, promotion, "promotion_code");
    const presentment = options.presentmentCurrency === undefined ? undefined : presentmentOf(discounted, options.presentmentCurrency, options.fxRate);
    Object.assign(session, {
      amount_total: discounted.amount_total,
      total_details: discounted.total_details,
      discounts: discounted.discounts,
      ...(presentment ? { presentment_details: presentment } : {}),
    });
    if (session.amount_total === 0) return this.completeWithoutPayment(session);
    const intent = this.createPaymentIntent(record);
    const email = session.customer_email ?? SANDBOX_EMAIL;
    const events: StripeEvent[] = [];
    if (!options.async) events.push(...this.succeedPayment(intent, email));
    Object.assign(session, {
      status: "complete",
      url: null,
      payment_intent: intent.id,
      payment_status: options.async ? "unpaid" : "paid",
      customer_details: customerDetails(session.customer_email ?? SANDBOX_EMAIL),
    });
    events.push(this.raise("checkout.session.completed", session, NO_REQUEST, { status: "open" }));
    return { result: copy(session), events };
  }

  /** A no-cost order (the discount covers it all): complete, no payment intent, no charge, nothing more to come. */
  private completeWithoutPayment(session: CheckoutSession): Outcome<CheckoutSession> {
    Object.assign(session, {
      status: "complete",
      url: null,
      payment_intent: null,
      payment_status: "no_payment_required",
      customer_details: customerDetails(session.customer_email ?? SANDBOX_EMAIL),
    });
    return { result: copy(session), events: [this.raise("checkout.session.completed", session, NO_REQUEST, { status: "open" })] };
  }

  private promotionCodeFor(session: CheckoutSession, code: string): PromotionCode {
    if (session.allow_promotion_codes !== true) throw invalidRequest("This Checkout Session does not accept promotion codes.", "promotion_code");
    if (session.discounts && session.discounts.length > 0) throw invalidRequest("A discount is applied to this Checkout Session already.", "promotion_code");
    const promotion = this.promotionCodeByCode(code.trim());
    // Stripe's page says no more than this for an unknown, inactive or used-up code.
    if (!promotion) throw invalidRequest("This code is invalid.", "promotion_code", "promotion_code_invalid");
    return promotion;
  }

  settleAsyncPayment(id: string, succeeded: boolean): Outcome<CheckoutSession> {
    const record = this.retrieveSession(id);
    const { session } = record;
    const intent = session.payment_intent ? this.paymentIntents.get(session.payment_intent) : undefined;
    if (session.status !== "complete" || !intent || intent.status !== "processing") {
      throw invalidRequest(`Checkout Session ${id} has no payment awaiting settlement.`);
    }
    if (!succeeded) {
      intent.status = "requires_payment_method";
      const failed = this.raise("payment_intent.payment_failed", intent, NO_REQUEST, { status: "processing" });
      return { result: copy(session), events: [failed, this.raise("checkout.session.async_payment_failed", session, NO_REQUEST)] };
    }
    const events = this.succeedPayment(intent, session.customer_details?.email ?? SANDBOX_EMAIL);
    session.payment_status = "paid";
    events.push(this.raise("checkout.session.async_payment_succeeded", session, NO_REQUEST, { payment_status: "unpaid" }));
    return { result: copy(session), events };
  }

  private createPaymentIntent(record: SessionRecord): PaymentIntent {
    const intent = paymentIntentObject({
      created: this.nowSeconds(),
      amount: record.session.amount_total,
      currency: record.session.currency,
      description: record.paymentIntentDescription,
      metadata: { ...record.paymentIntentMetadata },
      paymentMethodTypes: [...record.session.payment_method_types],
      presentment: record.session.presentment_details ?? null,
    });
    this.paymentIntents.set(intent.id, intent);
    return intent;
  }

  private succeedPayment(intent: PaymentIntent, email: string): StripeEvent[] {
    const charge = chargeObject(intent, this.nowSeconds(), email);
    this.charges.set(charge.id, charge);
    Object.assign(intent, { status: "succeeded", amount_received: intent.amount, latest_charge: charge.id });
    return [this.raise("charge.succeeded", charge, NO_REQUEST), this.raise("payment_intent.succeeded", intent, NO_REQUEST)];
  }

  retrievePaymentIntent(id: string): PaymentIntent {
    const intent = this.paymentIntents.get(id);
    if (!intent) throw noSuch("payment_intent", id, "intent");
    return copy(intent);
  }

  retrieveRefund(id: string): Refund {
    const refund = this.refundsById.get(id);
    if (!refund) throw noSuch("refund", id, "id");
    return copy(refund);
  }

  createRefund(input: RefundInput, request: RequestRef): Outcome<Refund> {
    const charge = this.refundedCharge(input);
    const amount = this.refundableAmount(charge, input.amount);
    const refund = refundObject({
      amount,
      presentment: charge.presentment_details ? presentmentShare(charge.presentment_details, amount, charge.amount) : null,
      charge,
      created: this.nowSeconds(),
      metadata: input.metadata,
      reason: input.reason,
    });
    this.refundsById.set(refund.id, refund);
    // A failing refund answers "pending" (as Stripe does) and fails right after, announced by refund.failed.
    const answeredPending = copy(refund);
    if (this.deps.refundsFail()) return { result: answeredPending, events: this.failRefund(refund, request) };
    const events = this.succeedRefund(refund, charge, request);
    return { result: copy(refund), events };
  }

  /** The charge a refund request is for: by payment intent (its latest charge), by charge, or both when they agree. */
  private refundedCharge(input: RefundInput): Charge {
    const intent = input.paymentIntentId === undefined ? undefined : this.paymentIntents.get(input.paymentIntentId);
    if (input.paymentIntentId !== undefined && !intent) throw noSuch("payment_intent", input.paymentIntentId, "payment_intent");
    const chargeId = input.chargeId ?? intent?.latest_charge ?? undefined;
    const charge = chargeId === undefined ? undefined : this.charges.get(chargeId);
    if (input.chargeId !== undefined && !charge) throw noSuch("charge", input.chargeId, "charge");
    if (intent && charge && charge.payment_intent !== intent.id) {
      throw invalidRequest(`The charge ${charge.id} does not belong to the PaymentIntent ${intent.id}.`, "charge");
    }
    if (!charge || charge.status !== "succeeded" || (intent && intent.status !== "succeeded")) {
      const subject = intent ? `This PaymentIntent (${intent.id})` : `This charge (${input.chargeId ?? ""})`;
      throw invalidRequest(`${subject} does not have a successful charge to refund.`, intent ? "payment_intent" : "charge", "charge_not_refundable");
    }
    return charge;
  }

  private refundableAmount(charge: Charge, requested: number | undefined): number {
    const remaining = charge.amount - charge.amount_refunded - this.pendingRefundTotal(charge.id);
    if (remaining <= 0) throw invalidRequest(`Charge ${charge.id} has already been refunded.`, "charge", "charge_already_refunded");
    const amount = requested ?? remaining;
    if (amount > remaining) {
      throw invalidRequest(
        `Refund amount (${formatMinor(amount, charge.currency)}) is greater than unrefunded amount on charge (${formatMinor(remaining, charge.currency)})`,
        "amount",
        "amount_too_large",
      );
    }
    return amount;
  }

  private pendingRefundTotal(chargeId: string): number {
    let total = 0;
    for (const refund of this.refundsById.values()) if (refund.charge === chargeId && refund.status === "pending") total += refund.amount;
    return total;
  }

  private succeedRefund(refund: Refund, charge: Charge, request: RequestRef): StripeEvent[] {
    refund.status = "succeeded";
    refund.destination_details = { card: { reference: newId.acquirerReference(), reference_status: "available", reference_type: "acquirer_reference_number", type: "refund" }, type: "card" };
    const previous = { amount_refunded: charge.amount_refunded, refunded: charge.refunded };
    charge.amount_refunded += refund.amount;
    charge.refunded = charge.amount_refunded >= charge.amount;
    return [
      this.raise("refund.created", refund, request),
      this.raise("charge.refunded", charge, request, previous),
      this.raise("refund.updated", refund, request),
    ];
  }

  /** Like a card refund the bank rejects: created pending, then failed; the charge keeps its money. */
  private failRefund(refund: Refund, request: RequestRef): StripeEvent[] {
    const created = this.raise("refund.created", refund, request);
    Object.assign(refund, { status: "failed", failure_reason: "expired_or_canceled_card", failure_balance_transaction: newId.balanceTransaction() });
    return [created, this.raise("refund.failed", refund, NO_REQUEST), this.raise("refund.updated", refund, NO_REQUEST, { status: "pending" })];
  }

  private raise<Type extends EventType>(type: Type, object: EventObjects[Type], request: RequestRef, previous?: Record<string, unknown>): StripeEvent {
    const event: StripeEvent = {
      id: newId.event(),
      object: "event",
      api_version: this.deps.apiVersion,
      created: this.nowSeconds(),
      data: { object: copy(object), ...(previous ? { previous_attributes: previous } : {}) },
      livemode: false,
      pending_webhooks: this.deps.pendingWebhooksFor(type),
      request: { ...request },
      type,
    };
    this.eventLog.push(event);
    this.deps.publish(event);
    return event;
  }
}

function lineItemOf(item: SessionInput["lineItems"][number]): LineItem {
  const amount = item.unitAmount * item.quantity;
  return {
    id: newId.lineItem(),
    object: "item",
    amount_subtotal: amount,
    amount_total: amount,
    currency: item.currency,
    description: item.name,
    quantity: item.quantity,
    price: {
      object: "price",
      currency: item.currency,
      unit_amount: item.unitAmount,
      product_data: { name: item.name, description: item.description },
    },
  };
}

/**
 * Applies a coupon to the session's subtotal. Stripe refuses a total above 0 but below the currency's minimum charge;
 * a total of 0 (a 100 % code, or an amount off at least the price) is a no-cost order that completes without payment.
 */
function applyDiscount(session: CheckoutSession, promotion: PromotionCode, param: string): void {
  const subtotal = session.amount_subtotal;
  let discount: number;
  if (promotion.percentOff !== null) discount = Math.round((subtotal * promotion.percentOff) / 100);
  else {
    if (promotion.currency !== session.currency) throw invalidRequest("This code is invalid.", param, "promotion_code_invalid");
    discount = Math.min(promotion.amountOff ?? 0, subtotal);
  }
  const total = subtotal - discount;
  const minimum = MINIMUM_CHARGE_MINOR[session.currency];
  if (minimum !== undefined && total > 0 && total < minimum) {
    throw invalidRequest(`The Checkout Session's total amount due must add up to at least ${formatMinor(minimum, session.currency)} ${session.currency}`, param, "amount_too_small");
  }
  Object.assign(session, {
    amount_total: total,
    total_details: { ...(session.total_details ?? { amount_shipping: 0, amount_tax: 0 }), amount_discount: discount },
    discounts: [{ coupon: promotion.couponId, promotion_code: promotion.id }],
  });
}

/** Adaptive Pricing: the buyer's currency at a fixed rate, rounded to its minor unit. */
function presentmentOf(session: CheckoutSession, currency: string, fxRate: number | undefined): { presentment_amount: number; presentment_currency: string } {
  const code = currency.toLowerCase();
  if (session.adaptive_pricing?.enabled !== true) throw invalidRequest("Adaptive Pricing is not enabled on this Checkout Session.", "presentment_currency");
  if (!SUPPORTED_CURRENCIES.has(code) || code === session.currency) throw invalidRequest(`Cannot present this Checkout Session in ${code}.`, "presentment_currency");
  if (fxRate === undefined || !(fxRate > 0) || !Number.isFinite(fxRate)) throw invalidRequest("An exchange rate above 0 is needed.", "fx_rate");
  const major = session.amount_total / 10 ** currencyExponent(session.currency);
  return { presentment_amount: Math.round(major * fxRate * 10 ** currencyExponent(code)), presentment_currency: code };
}

/** The presentment side of a part of a charge: at the charge's own rate. */
function presentmentShare(details: { presentment_amount: number; presentment_currency: string }, amount: number, chargeAmount: number) {
  return { presentment_amount: Math.round((details.presentment_amount * amount) / chargeAmount), presentment_currency: details.presentment_currency };
}

const SANDBOX_EMAIL = "sandbox.customer@example.com";

export function copy<T>(value: T): T {
  return structuredClone(value);
}

