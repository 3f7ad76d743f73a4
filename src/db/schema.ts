import type { ColumnType, Generated, Insertable, Selectable, Updateable } from "kysely";

// jsonb columns are written as JSON text (pg would turn a JS array into a PG array) and read as values.
type Json<T> = ColumnType<T, string, string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export type OrderStatus =
  | "pending_payment" // created, payment link may exist
  | "expired" // payment link expired unpaid
  | "payment_processing" // paid by a delayed method (a bank debit): Stripe confirms or fails it later
  | "payment_failed" // async payment failed
  | "paid" // queued for fulfilment
  | "placing" // POST /orders sent, outcome not yet recorded
  | "awaiting_balance" // provider balance too low: waits and resumes by itself
  | "placed" // provider order exists, install details pending
  | "ready" // eSIMs stored, delivery pending
  | "delivered" // customer got it (or delivery failed but the eSIM is theirs)
  | "failed"; // permanent failure: refund follows

export type RefundStatus = "pending" | "succeeded" | "failed";

/** How an order is paid: by card through Stripe, or in Telegram Stars (Telegram only). Chosen at checkout. */
export type PaymentMethod = "card" | "stars";

/** The languages every customer-facing text exists in. */
export type Language = "en" | "ru" | "tr";

/** The chat channels a customer reaches the shop through. */
export type Channel = "telegram" | "whatsapp";

/**
 * Every line of an order's story. Logic reads some of them (the count of `refund_attempt` numbers the next refund's
 * idempotency key; `awaiting_balance` is announced once), so a typo must not compile.
 */
export type OrderEventType =
  | "created"
  | "checkout_link"
  | "checkout_link_failed"
  | "expired"
  | "payment_processing"
  | "payment_mismatch"
  | "payment_unmatched"
  | "paid"
  | "duplicate_payment"
  | "duplicate_payment_refunded"
  | "payment_failed"
  | "placing"
  | "placed"
  | "adopted"
  | "replacing"
  | "placing_stuck"
  | "retry_scheduled"
  | "retry_requested"
  | "awaiting_balance"
  | "balance_restored"
  | "ready"
  | "delivered"
  | "undelivered"
  | "failed"
  | "refund_requested"
  | "refund_attempt"
  | "refund_created"
  | "refund_pending"
  | "refund_succeeded"
  | "refund_failed"
  | "refund_partial"
  | "charge_refunded"
  | "stars_invoice"
  | "discount_below_margin";

export interface CustomersTable {
  id: Generated<number>;
  language: Language | null;
  blocked_at: NullableTimestamp;
  /** The customer erased their data (/deletemydata): the row stays for the orders' accounts, with nothing personal. */
  erased_at: NullableTimestamp;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

/** How a customer is known on a channel: a Telegram user id, a WhatsApp business-scoped user id or wa_id. */
export interface CustomerIdentitiesTable {
  channel: Channel;
  external_id: string;
  customer_id: number;
  created_at: CreatedAt;
}

export interface CatalogueBundlesTable {
  name: string;
  description: string;
  groups: Json<string[]>;
  countries: Json<string[]>;
  data_mb: number | null;
  unlimited: boolean;
  duration_days: number;
  speed: Json<string[]>;
  autostart: boolean;
  roaming_countries: Json<string[]>;
  cost_minor: number;
  currency: string;
  image_url: string | null;
  active: boolean;
  first_seen_at: CreatedAt;
  synced_at: Timestamp;
}

export interface CatalogueBundleCountriesTable {
  bundle_name: string;
  iso: string;
}

export interface CatalogueSyncsTable {
  id: Generated<number>;
  started_at: CreatedAt;
  finished_at: NullableTimestamp;
  ok: boolean | null;
  bundle_count: number | null;
  error: string | null;
}

export interface OrdersTable {
  id: Generated<number>;
  customer_id: number;
  kind: "new" | "topup";
  target_iccid: string | null;
  bundle_name: string;
  bundle_description: string;
  quantity: Generated<number>;
  price_minor: number;
  currency: string;
  provider_cost_minor: number;
  provider_currency: string;
  status: Generated<OrderStatus>;
  stripe_session_id: string | null;
  stripe_session_url: string | null;
  stripe_session_expires_at: NullableTimestamp;
  stripe_payment_intent_id: string | null;
  paid_at: NullableTimestamp;
  deadline_at: NullableTimestamp;
  esimgo_order_reference: string | null;
  placing_started_at: NullableTimestamp;
  /** When the last POST /orders ended without a clear answer; null while one is in flight or none was sent. */
  placing_ended_at: NullableTimestamp;
  /** eSIM Go answered that POST (a 5xx): it is not running anywhere any more. */
  placing_answered: Generated<boolean>;
  attempts: Generated<number>;
  next_attempt_at: NullableTimestamp;
  locked_until: NullableTimestamp;
  locked_by: string | null;
  last_error: string | null;
  delivered_at: NullableTimestamp;
  delivery_error: string | null;
  refund_status: RefundStatus | null;
  refund_id: string | null;
  refund_amount_minor: number | null;
  refunded_at: NullableTimestamp;
  payment_method: Generated<PaymentMethod>;
  /** The price in Stars the invoice asks (computed from price_minor when the order was opened). */
  stars_amount: number | null;
  /** The opaque reference the Stars invoice carries; the only thing a pre-checkout query or payment names. */
  stars_payload: string | null;
  /** The Stars invoice is payable until then. */
  stars_expires_at: NullableTimestamp;
  /** Telegram's telegram_payment_charge_id of the payment that paid the order. */
  telegram_charge_id: string | null;
  /** The Telegram user id that paid (a refund in Stars goes back to them). */
  telegram_payer_id: string | null;
  /** What the buyer paid, in the order's currency: the price less a promotion code's discount; null before payment. */
  paid_minor: number | null;
  /** The discount Stripe applied (a promotion code), in the order's currency. */
  discount_minor: Generated<number>;
  /** Adaptive Pricing: what the buyer paid in their own currency (the order is reconciled in its own). */
  presentment_minor: number | null;
  presentment_currency: string | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface OrderEventsTable {
  id: Generated<number>;
  order_id: number;
  at: CreatedAt;
  type: OrderEventType;
  detail: ColumnType<unknown, string | null, string | null>;
}

export interface EsimsTable {
  iccid: string;
  customer_id: number;
  order_id: number;
  matching_id: string;
  smdp_address: string;
  apple_install_url: string | null;
  usage: ColumnType<unknown, string | null, string | null>;
  usage_checked_at: NullableTimestamp;
  created_at: CreatedAt;
}

export interface UsageAlertsTable {
  iccid: string;
  bundle_reference: string;
  threshold: number;
  sent_at: CreatedAt;
}

export interface WebhookEventsTable {
  provider: string;
  event_id: string;
  type: string;
  received_at: CreatedAt;
}

export interface ConversationStateTable {
  key: string;
  value: ColumnType<unknown, string, string>;
  updated_at: Timestamp;
}

/** When a WhatsApp contact last wrote: free-form messages are allowed for 24 hours after. */
export interface WhatsAppContactsTable {
  external_id: string;
  last_inbound_at: Timestamp;
}

/** A customer's WhatsApp message, kept from the webhook until handled. */
export interface WhatsAppInboundTable {
  message_id: string;
  external_id: string;
  wa_id: string | null;
  kind: Json<unknown>;
  received_at: CreatedAt;
  claimed_at: NullableTimestamp;
  handled_at: NullableTimestamp;
}

/** Messages for a contact outside the 24-hour window: a template went out, these follow their reply. */
export interface WhatsAppPendingTable {
  id: Generated<number>;
  external_id: string;
  language: Language;
  messages: Json<unknown>;
  /** Being sent by a process until then; past it, anyone may send it again. */
  claimed_until: NullableTimestamp;
  created_at: CreatedAt;
}

export interface Database {
  customers: CustomersTable;
  customer_identities: CustomerIdentitiesTable;
  catalogue_bundles: CatalogueBundlesTable;
  catalogue_bundle_countries: CatalogueBundleCountriesTable;
  catalogue_syncs: CatalogueSyncsTable;
  orders: OrdersTable;
  order_events: OrderEventsTable;
  esims: EsimsTable;
  usage_alerts: UsageAlertsTable;
  webhook_events: WebhookEventsTable;
  conversation_state: ConversationStateTable;
  whatsapp_contacts: WhatsAppContactsTable;
  whatsapp_inbound: WhatsAppInboundTable;
  whatsapp_pending: WhatsAppPendingTable;
}

export type Order = Selectable<OrdersTable>;
export type NewOrder = Insertable<OrdersTable>;
export type OrderUpdate = Updateable<OrdersTable>;
export type Customer = Selectable<CustomersTable>;
export type OrderEvent = Selectable<OrderEventsTable>;
export type CatalogueBundleRow = Selectable<CatalogueBundlesTable>;
export type EsimRow = Selectable<EsimsTable>;
