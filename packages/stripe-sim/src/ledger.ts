import { invalidRequest, noSuch } from "./errors.ts";
import { newId } from "./ids.ts";
import { formatMinor } from "./money.ts";
import type { Charge, CheckoutSession, LineItem, Metadata, PaymentIntent, Refund, StripeEvent, StripeObject } from "./types.ts";

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
  locale: string | null;
  paymentMethodTypes: string[];
}

export interface RefundInput {
  paymentIntentId: string;
  amount: number | undefined;
  metadata: Metadata;
  reason: string | null;
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
    const session: CheckoutSession = {
      id,
      object: "checkout.session",
      amount_subtotal: total,
      amount_total: total,
      cancel_url: input.cancelUrl,
      client_reference_id: input.clientReferenceId,
      created,
      currency,
      customer: null,
      customer_details: null,
      customer_email: input.customerEmail,
      expires_at: input.expiresAt,
      livemode: false,
      locale: input.locale,
      metadata: input.metadata,
      mode: "payment",
      payment_intent: null,
      payment_method_types: input.paymentMethodTypes,
      payment_status: "unpaid",
      status: "open",
      success_url: input.successUrl,
      ui_mode: "hosted",
      url: hostedUrl,
    };
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
  completeSession(id: string, options: { async: boolean }): Outcome<CheckoutSession> {
    const record = this.retrieveSession(id);
    const { session } = record;
    if (session.status !== "open") throw invalidRequest(`This Checkout Session is ${session.status} and can no longer be paid.`, undefined, "checkout_session_not_open");
    const intent = this.createPaymentIntent(record);
    const events: StripeEvent[] = [];
    if (!options.async) events.push(...this.succeedPayment(intent));
    Object.assign(session, {
      status: "complete",
      url: null,
      payment_intent: intent.id,
      payment_status: options.async ? "unpaid" : "paid",
      customer_details: { email: session.customer_email ?? "sandbox.customer@example.com", name: "Sandbox Customer" },
    });
    events.push(this.raise("checkout.session.completed", session, NO_REQUEST, { status: "open" }));
    return { result: copy(session), events };
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
    const events = this.succeedPayment(intent);
    session.payment_status = "paid";
    events.push(this.raise("checkout.session.async_payment_succeeded", session, NO_REQUEST, { payment_status: "unpaid" }));
    return { result: copy(session), events };
  }

  private createPaymentIntent(record: SessionRecord): PaymentIntent {
    const intent: PaymentIntent = {
      id: newId.paymentIntent(),
      object: "payment_intent",
      amount: record.session.amount_total,
      amount_received: 0,
      created: this.nowSeconds(),
      currency: record.session.currency,
      description: record.paymentIntentDescription,
      latest_charge: null,
      livemode: false,
      metadata: { ...record.paymentIntentMetadata },
      payment_method_types: [...record.session.payment_method_types],
      status: "processing",
    };
    this.paymentIntents.set(intent.id, intent);
    return intent;
  }

  private succeedPayment(intent: PaymentIntent): StripeEvent[] {
    const charge: Charge = {
      id: newId.charge(),
      object: "charge",
      amount: intent.amount,
      amount_captured: intent.amount,
      amount_refunded: 0,
      captured: true,
      created: this.nowSeconds(),
      currency: intent.currency,
      livemode: false,
      metadata: { ...intent.metadata },
      paid: true,
      payment_intent: intent.id,
      refunded: false,
      status: "succeeded",
    };
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
    const intent = this.paymentIntents.get(input.paymentIntentId);
    if (!intent) throw noSuch("payment_intent", input.paymentIntentId, "payment_intent");
    const charge = intent.latest_charge ? this.charges.get(intent.latest_charge) : undefined;
    if (!charge || intent.status !== "succeeded") {
      throw invalidRequest(`This PaymentIntent (${intent.id}) does not have a successful charge to refund.`, "payment_intent", "charge_not_refundable");
    }
    const amount = this.refundableAmount(charge, input.amount);
    const refund: Refund = {
      id: newId.refund(),
      object: "refund",
      amount,
      charge: charge.id,
      created: this.nowSeconds(),
      currency: charge.currency,
      failure_reason: null,
      metadata: input.metadata,
      payment_intent: intent.id,
      reason: input.reason,
      status: "pending",
    };
    this.refundsById.set(refund.id, refund);
    // A failing refund answers "pending" (as Stripe does) and fails right after, announced by refund.failed.
    const answeredPending = copy(refund);
    if (this.deps.refundsFail()) return { result: answeredPending, events: this.failRefund(refund, request) };
    const events = this.succeedRefund(refund, charge, request);
    return { result: copy(refund), events };
  }

  private refundableAmount(charge: Charge, requested: number | undefined): number {
    const remaining = charge.amount - charge.amount_refunded - this.pendingRefundTotal(charge.id);
    if (remaining <= 0) throw invalidRequest(`Charge ${charge.id} has already been refunded.`, "charge", "charge_already_refunded");
    const amount = requested ?? remaining;
    if (amount <= 0) throw invalidRequest("Invalid positive integer", "amount");
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
    Object.assign(refund, { status: "failed", failure_reason: "expired_or_canceled_card" });
    return [created, this.raise("refund.failed", refund, NO_REQUEST), this.raise("refund.updated", refund, NO_REQUEST, { status: "pending" })];
  }

  private raise(type: string, object: StripeObject, request: RequestRef, previous?: Record<string, unknown>): StripeEvent {
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

export function copy<T>(value: T): T {
  return structuredClone(value);
}

