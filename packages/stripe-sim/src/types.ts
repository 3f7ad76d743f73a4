/** Stripe-shaped objects, limited to the fields this stand-in fills in (names and types as in Stripe's API). */
export type Metadata = Record<string, string>;

export interface CheckoutSession {
  id: string;
  object: "checkout.session";
  amount_subtotal: number;
  amount_total: number;
  cancel_url: string | null;
  client_reference_id: string | null;
  created: number;
  currency: string;
  customer: string | null;
  customer_details: { email: string | null; name: string | null } | null;
  customer_email: string | null;
  expires_at: number;
  livemode: false;
  locale: string | null;
  metadata: Metadata;
  mode: "payment";
  payment_intent: string | null;
  payment_method_types: string[];
  payment_status: "paid" | "unpaid";
  status: "open" | "complete" | "expired";
  success_url: string | null;
  ui_mode: "hosted";
  /** Only while the session is open, as at Stripe. */
  url: string | null;
}

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

export type PaymentIntentStatus = "processing" | "requires_payment_method" | "succeeded" | "canceled";

export interface PaymentIntent {
  id: string;
  object: "payment_intent";
  amount: number;
  amount_received: number;
  created: number;
  currency: string;
  description: string | null;
  latest_charge: string | null;
  livemode: false;
  metadata: Metadata;
  payment_method_types: string[];
  status: PaymentIntentStatus;
}

export interface Charge {
  id: string;
  object: "charge";
  amount: number;
  amount_captured: number;
  amount_refunded: number;
  captured: boolean;
  created: number;
  currency: string;
  livemode: false;
  metadata: Metadata;
  paid: boolean;
  payment_intent: string;
  refunded: boolean;
  status: "succeeded" | "pending" | "failed";
}

export type RefundStatus = "pending" | "succeeded" | "failed";

export interface Refund {
  id: string;
  object: "refund";
  amount: number;
  charge: string;
  created: number;
  currency: string;
  failure_reason: string | null;
  metadata: Metadata;
  payment_intent: string;
  reason: string | null;
  status: RefundStatus;
}

export type StripeObject = CheckoutSession | PaymentIntent | Charge | Refund;

export interface StripeEvent {
  id: string;
  object: "event";
  api_version: string;
  created: number;
  data: { object: StripeObject; previous_attributes?: Record<string, unknown> };
  livemode: false;
  pending_webhooks: number;
  request: { id: string | null; idempotency_key: string | null };
  type: string;
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
