import { type Kysely, sql } from "kysely";

// PGlite's extended protocol runs one statement per query, so statements run one by one.
async function runEach(db: Kysely<unknown>, script: string): Promise<void> {
  const statements = script.split(/;\s*\n/).map((s) => s.trim()).filter(Boolean);
  for (const statement of statements) await sql.raw(statement).execute(db);
}

// Schema v1: everything one sale needs. Money is always integer minor units.
export async function up(db: Kysely<unknown>): Promise<void> {
  await runEach(
    db,
    `
    create table if not exists customers (
      id bigserial primary key,
      telegram_id bigint not null unique,
      language text,
      first_name text,
      username text,
      blocked_at timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );

    create table if not exists catalogue_bundles (
      name text primary key,
      description text not null,
      groups jsonb not null default '[]',
      countries jsonb not null default '[]',
      data_mb integer,
      unlimited boolean not null default false,
      duration_days integer not null,
      speed jsonb not null default '[]',
      autostart boolean not null default false,
      roaming_countries jsonb not null default '[]',
      cost_minor integer not null check (cost_minor >= 0),
      currency text not null,
      image_url text,
      active boolean not null default true,
      first_seen_at timestamptz not null default now(),
      synced_at timestamptz not null default now()
    );

    create table if not exists catalogue_bundle_countries (
      bundle_name text not null references catalogue_bundles(name) on delete cascade,
      iso text not null,
      primary key (iso, bundle_name)
    );

    create table if not exists catalogue_syncs (
      id bigserial primary key,
      started_at timestamptz not null default now(),
      finished_at timestamptz,
      ok boolean,
      bundle_count integer,
      error text
    );

    create table if not exists orders (
      id bigserial primary key,
      customer_id bigint not null references customers(id),
      kind text not null default 'new' check (kind in ('new', 'topup')),
      target_iccid text,
      bundle_name text not null,
      bundle_description text not null,
      quantity integer not null default 1 check (quantity between 1 and 10),
      price_minor integer not null check (price_minor > 0),
      currency text not null,
      provider_cost_minor integer not null check (provider_cost_minor >= 0),
      provider_currency text not null,
      status text not null default 'pending_payment',
      stripe_session_id text unique,
      stripe_session_url text,
      stripe_session_expires_at timestamptz,
      stripe_payment_intent_id text,
      paid_at timestamptz,
      deadline_at timestamptz,
      esimgo_order_reference text unique,
      placing_started_at timestamptz,
      attempts integer not null default 0,
      next_attempt_at timestamptz,
      locked_until timestamptz,
      locked_by text,
      last_error text,
      delivered_at timestamptz,
      delivery_error text,
      refund_status text,
      refund_id text,
      refund_amount_minor integer,
      refunded_at timestamptz,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create index if not exists orders_due_idx on orders (next_attempt_at) where next_attempt_at is not null;
    create index if not exists orders_customer_idx on orders (customer_id, created_at desc);
    create index if not exists orders_status_idx on orders (status, updated_at desc);

    create table if not exists order_events (
      id bigserial primary key,
      order_id bigint not null references orders(id),
      at timestamptz not null default now(),
      type text not null,
      detail jsonb
    );
    create index if not exists order_events_order_idx on order_events (order_id, id);

    create table if not exists esims (
      iccid text primary key,
      customer_id bigint not null references customers(id),
      order_id bigint not null references orders(id),
      matching_id text not null,
      smdp_address text not null,
      apple_install_url text,
      usage jsonb,
      usage_checked_at timestamptz,
      created_at timestamptz not null default now()
    );
    create index if not exists esims_customer_idx on esims (customer_id, created_at desc);

    create table if not exists usage_alerts (
      iccid text not null,
      bundle_reference text not null,
      threshold integer not null,
      sent_at timestamptz not null default now(),
      primary key (iccid, bundle_reference, threshold)
    );

    create table if not exists webhook_events (
      provider text not null,
      event_id text not null,
      type text not null,
      received_at timestamptz not null default now(),
      primary key (provider, event_id)
    );

    create table if not exists conversation_state (
      key text primary key,
      value jsonb not null,
      updated_at timestamptz not null default now()
    );
  `,
  );
}
