import type Stripe from "stripe";

/**
 * Stripe's objects are the `stripe` SDK's own types (generated from Stripe's OpenAPI spec), so a field the
 * stand-in forgets or mistypes fails to compile. `Narrow` keeps what this stand-in always knows: ids are never
 * expanded in storage (expansion happens on the way out), amounts and currency are always set.
 */
type Narrow<T, N extends Partial<T>> = Omit<T, keyof N> & N;

export type Metadata = Stripe.Metadata;

export type CheckoutSession = Narrow<
  Stripe.Checkout.Session,
  {
    amount_subtotal: number;
    amount_total: number;
    currency: string;
    customer: string | null;
    invoice: string | null;
    metadata: Metadata;
    payment_intent: string | null;
    payment_link: string | null;
    payment_status: "paid" | "unpaid" | "no_payment_required";
    setup_intent: string | null;
    status: "open" | "complete" | "expired";
    subscription: string | null;
  }
>;

export type PaymentIntentStatus = "processing" | "requires_payment_method" | "succeeded" | "canceled";

export type PaymentIntent = Narrow<
  Stripe.PaymentIntent,
  {
    application: string | null;
    customer: string | null;
    latest_charge: string | null;
    on_behalf_of: string | null;
    payment_method: string | null;
    payment_record: string | null;
    review: string | null;
    source: string | null;
    status: PaymentIntentStatus;
  }
>;

export type Charge = Narrow<
  Stripe.Charge,
  {
    application: string | null;
    application_fee: string | null;
    balance_transaction: string | null;
    customer: string | null;
    failure_balance_transaction: string | null;
    on_behalf_of: string | null;
    payment_intent: string;
    review: string | null;
    source_transfer: string | null;
  }
>;

export type RefundStatus = "pending" | "succeeded" | "failed";

export type Refund = Narrow<
  Stripe.Refund,
  {
    balance_transaction: string | null;
    charge: string;
    customer: string | null;
    failure_balance_transaction?: string;
    metadata: Metadata;
    payment_intent: string;
    payment_method: string | null;
    source_transfer_reversal: string | null;
    status: RefundStatus;
    transfer_reversal: string | null;
  }
>;

export type StripeObject = CheckoutSession | PaymentIntent | Charge | Refund;

/** The event types this stand-in raises, each with the object it carries. */
export interface EventObjects {
  "checkout.session.completed": CheckoutSession;
  "checkout.session.expired": CheckoutSession;
  "checkout.session.async_payment_succeeded": CheckoutSession;
  "checkout.session.async_payment_failed": CheckoutSession;
  "payment_intent.succeeded": PaymentIntent;
  "payment_intent.payment_failed": PaymentIntent;
  "charge.succeeded": Charge;
  "charge.refunded": Charge;
  "refund.created": Refund;
  "refund.updated": Refund;
  "refund.failed": Refund;
}

export type EventType = keyof EventObjects;

export type StripeEvent = Narrow<
  Stripe.EventBase,
  {
    api_version: string;
    data: { object: StripeObject; previous_attributes?: Record<string, unknown> };
    request: { id: string | null; idempotency_key: string | null };
    type: EventType;
  }
>;

/** A line of a session as the hosted page shows it (Stripe serves these only through `line_items`, not here). */
export interface LineItem {
  id: string;
  object: "item";
  amount_subtotal: number;
  amount_total: number;
  currency: string;
  description: string;
  quantity: number;
  price: { object: "price"; currency: string; unit_amount: number; product_data: { name: string; description: string | null } };
}

export interface Delivery {
  eventId: string;
  type: string;
  /** The receiver's HTTP status; 0 when it could not be reached or did not answer in time. */
  status: number;
  attempt: number;
}

export type SignatureMode = "valid" | "wrong" | "stale" | "missing";

/** The little a stand-in logs through: pino, a console-like logger, or nothing. */
export interface SimLogger {
  warn(details: object, message: string): void;
}
