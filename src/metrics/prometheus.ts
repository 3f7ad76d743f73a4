import type { Kysely } from "kysely";
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { Database } from "../db/schema.ts";
import type { Logger } from "../logger.ts";
import { countOrders, ORDER_STATUSES } from "../orders/index.ts";
import type { Metrics } from "./port.ts";

export interface PrometheusDeps {
  db: Kysely<Database>;
  logger: Logger;
  /** Paid this long ago and not delivered counts as stuck (as in `/orders`). */
  stuckMinutes?: number;
  now?: () => Date;
}

export interface PrometheusMetrics {
  metrics: Metrics;
  /** The text exposition of every family; reads the order counts from the database. */
  render(): Promise<{ contentType: string; body: string }>;
}

const PROVIDER_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30];
const FULFILMENT_BUCKETS = [5, 10, 20, 30, 60, 120, 300, 600, 1800, 3600, 7200];

/** One registry per app (never prom-client's global one): two apps in one process keep their own figures. */
export function createPrometheusMetrics(deps: PrometheusDeps): PrometheusMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const now = deps.now ?? (() => new Date());
  const stuckMs = (deps.stuckMinutes ?? 15) * 60_000;

  const orders = new Gauge({ name: "esimshop_orders", help: "Orders in each state (from the database).", labelNames: ["status"], registers });
  const stuck = new Gauge({ name: "esimshop_orders_stuck", help: "Orders paid more than 15 minutes ago and not delivered yet (from the database).", registers });
  const fulfilment = new Histogram({ name: "esimshop_fulfilment_seconds", help: "From paid to delivered.", buckets: FULFILMENT_BUCKETS, registers });
  const providerRequests = new Counter({
    name: "esimshop_provider_requests_total",
    help: "HTTP attempts at eSIM Go by endpoint and status code (429 included; code=error: no answer).",
    labelNames: ["endpoint", "code"],
    registers,
  });
  const providerSeconds = new Histogram({
    name: "esimshop_provider_request_seconds",
    help: "Duration of HTTP attempts at eSIM Go.",
    labelNames: ["endpoint"],
    buckets: PROVIDER_BUCKETS,
    registers,
  });
  const balance = new Gauge({ name: "esimshop_provider_balance", help: "The eSIM Go balance last read, in the account currency.", registers });
  const webhooks = new Counter({ name: "esimshop_webhooks_total", help: "Webhooks received by source and outcome.", labelNames: ["source", "outcome"], registers });
  const updates = new Counter({ name: "esimshop_updates_total", help: "Chat updates received by channel.", labelNames: ["channel"], registers });
  const payments = new Counter({ name: "esimshop_payments_total", help: "Orders paid, by payment method and currency.", labelNames: ["method", "currency"], registers });

  const metrics: Metrics = {
    providerRequest: (endpoint, code, seconds) => {
      providerRequests.inc({ endpoint, code });
      providerSeconds.observe({ endpoint }, seconds);
    },
    webhook: (source, outcome) => webhooks.inc({ source, outcome }),
    update: (channel) => updates.inc({ channel }),
    payment: (method, currency) => payments.inc({ method, currency: currency.toUpperCase() }),
    fulfilled: (seconds) => fulfilment.observe(seconds),
    balance: (amount) => balance.set(amount),
  };
  // Read on every scrape, so any instance tells the truth about every order; both gauges come from one query.
  async function readOrders(): Promise<void> {
    try {
      const counts = await countOrders(deps.db, new Date(now().getTime() - stuckMs));
      for (const status of ORDER_STATUSES) orders.set({ status }, counts.byStatus[status]);
      stuck.set(counts.stuck);
    } catch (error) {
      // No figure rather than a stale one: an alert on absent(esimshop_orders) notices.
      orders.reset();
      stuck.reset();
      deps.logger.warn({ err: error }, "metrics: order counts could not be read");
    }
  }

  return {
    metrics,
    render: async () => {
      await readOrders();
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}
