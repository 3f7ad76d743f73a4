import type { ColumnType, Generated, Insertable, Selectable, Updateable } from "kysely";

// jsonb columns are written as JSON text (pg would turn a JS array into a PG array) and read as values.
type Json<T> = ColumnType<T, string, string>;
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export type OrderStatus =
  | "pending_payment" // created, payment link may exist
  | "expired" // payment link expired unpaid
  | "payment_failed" // async payment failed
  | "paid" // queued for fulfilment
  | "placing" // POST /orders sent, outcome not yet recorded
  | "awaiting_balance" // provider balance too low: waits and resumes by itself
  | "placed" // provider order exists, install details pending
  | "ready" // eSIMs stored, delivery pending
  | "delivered" // customer got it (or delivery failed but the eSIM is theirs)
  | "failed"; // permanent failure: refund follows

export type RefundStatus = "pending" | "succeeded" | "failed";

export interface CustomersTable {
  id: Generated<number>;
  telegram_id: number;
  language: string | null;
  first_name: string | null;
  username: string | null;
  blocked_at: NullableTimestamp;
  created_at: CreatedAt;
  updated_at: Timestamp;
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
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export interface OrderEventsTable {
  id: Generated<number>;
  order_id: number;
  at: CreatedAt;
  type: string;
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

export interface Database {
  customers: CustomersTable;
  catalogue_bundles: CatalogueBundlesTable;
  catalogue_bundle_countries: CatalogueBundleCountriesTable;
  catalogue_syncs: CatalogueSyncsTable;
  orders: OrdersTable;
  order_events: OrderEventsTable;
  esims: EsimsTable;
  usage_alerts: UsageAlertsTable;
  webhook_events: WebhookEventsTable;
  conversation_state: ConversationStateTable;
}

export type Order = Selectable<OrdersTable>;
export type NewOrder = Insertable<OrdersTable>;
export type OrderUpdate = Updateable<OrdersTable>;
export type Customer = Selectable<CustomersTable>;
export type CatalogueBundleRow = Selectable<CatalogueBundlesTable>;
export type EsimRow = Selectable<EsimsTable>;
