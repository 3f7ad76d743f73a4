import { randomBytes } from "node:crypto";
import type { Kysely } from "kysely";
import type Stripe from "stripe";
import type { Database, Order } from "../db/schema.ts";
import type { EsimGoClient } from "../esimgo/index.ts";
import { createCallbackHandler, createEsims, type EsimSummary, type UsageView } from "../esims/index.ts";
import { createFulfilment } from "../fulfilment/index.ts";
import type { Logger } from "../logger.ts";
import type { DeliveredEsim, Notifier } from "../notify/index.ts";
import { createPayments, type PaymentsSettings } from "../payments/index.ts";
import type { PricingSettings } from "../pricing/index.ts";
import { createCheckout, type CheckoutInput, type CheckoutOutcome } from "./checkout.ts";
import { createOperator, type OrderStory, type StatsRow } from "./operator.ts";
import { createRefunder } from "./refunds.ts";
import { appendOrderEvent, causeOf, findOrder, transitionOrder } from "./store.ts";
import { createStripeWebhookHandler, type HttpAnswer } from "./stripe-webhook.ts";

export interface ShopSettings {
  pricing: PricingSettings;
  payments: PaymentsSettings;
  fulfilmentDeadlineMinutes: number;
  lowBalanceThresholdMinor: number;
  usageCacheSeconds: number;
  workerId?: string;
  /** Orders the worker advances side by side (default 1); the eSIM Go client's rate limit still holds for all. */
  workerConcurrency?: number;
  leaseSeconds?: number;
  pollIntervalMs?: number;
  /** Wait before re-placing an order whose POST had no clear answer (default: the lease). */
  reconcileGraceSeconds?: number;
  /** How often an order waiting for provider balance looks again (default 60). */
  balanceRecheckSeconds?: number;
  retryBaseMs?: number;
  retryMaxMs?: number;
  /** Paid and not delivered after this long shows in problemOrders (default 15). */
  stuckMinutes?: number;
}

export interface ShopDeps {
  db: Kysely<Database>;
  esimgo: EsimGoClient;
  /** eSIM Go signs its callbacks with the API key. */
  esimgoApiKey: string;
  stripe: Stripe;
  notifier: Notifier;
  logger: Logger;
  settings: ShopSettings;
  now?: () => Date;
}

export interface Shop {
  checkout(input: CheckoutInput): Promise<CheckoutOutcome>;
  order(orderId: number): Promise<Order | undefined>;
  customerOrder(customerId: number, orderId: number): Promise<Order | undefined>;
  customerEsims(customerId: number, page: { offset: number; limit: number }): Promise<{ total: number; items: EsimSummary[] }>;
  esimUsage(customerId: number, iccid: string, opts?: { refresh?: boolean }): Promise<UsageView | undefined>;
  installDetails(customerId: number, iccid: string): Promise<DeliveredEsim | undefined>;
  topUpOffers(customerId: number, iccid: string, candidates: string[]): Promise<string[]>;
  recentOrders(limit: number): Promise<Order[]>;
  problemOrders(): Promise<Order[]>;
  orderStory(orderId: number): Promise<OrderStory | undefined>;
  retry(orderId: number): Promise<"queued" | "not_retryable" | "not_found">;
  refund(orderId: number): Promise<"refunding" | "already" | "not_refundable" | "not_found">;
  stats(now?: Date): Promise<StatsRow[]>;
  balance(): Promise<{ balanceMinor: number; currency: string; low: boolean }>;
  handleStripeWebhook(rawBody: string, signature: string | undefined): Promise<HttpAnswer>;
  handleEsimGoCallback(rawBody: string, signature: string | undefined): Promise<HttpAnswer>;
  startWorker(): { stop(): Promise<void> };
  runDueOnce(): Promise<number>;
}

/** A link is expired here only after Stripe's own expiry plus this, so a last-second payment still lands first. */
const EXPIRY_GRACE_MS = 60_000;
const ABANDONED_WITHOUT_LINK_MS = 60 * 60_000;

export function createShop(deps: ShopDeps): Shop {
  const now = deps.now ?? (() => new Date());
  const { db, esimgo, notifier, settings } = deps;
  const logger = deps.logger.child({ module: "shop" });
  const leaseSeconds = settings.leaseSeconds ?? 60;

  const payments = createPayments({ db, stripe: deps.stripe, logger, settings: settings.payments });
  const esims = createEsims({ db, esimgo, logger, settings: { usageCacheSeconds: settings.usageCacheSeconds }, now });
  const refunder = createRefunder({ db, payments, notifier, logger, now });
  const fulfilment = createFulfilment({
    db,
    esimgo,
    notifier,
    logger,
    now,
    onFailed: (order, cause, reason) => refunder.refund(order, cause, reason),
    settings: {
      workerId: settings.workerId ?? `worker-${randomBytes(4).toString("hex")}`,
      leaseSeconds,
      reconcileGraceSeconds: settings.reconcileGraceSeconds ?? leaseSeconds,
      balanceRecheckSeconds: settings.balanceRecheckSeconds ?? 60,
      retryBaseMs: settings.retryBaseMs ?? 2_000,
      retryMaxMs: settings.retryMaxMs ?? 5 * 60_000,
      maxDeliveryAttempts: 8,
      maxOrdersPerPass: 50,
      concurrency: settings.workerConcurrency ?? 1,
    },
  });
  const checkout = createCheckout({ db, esimgo, payments, esims, notifier, logger, pricing: settings.pricing, now });
  const operator = createOperator({
    db,
    esimgo,
    now,
    fulfilmentDeadlineMinutes: settings.fulfilmentDeadlineMinutes,
    lowBalanceThresholdMinor: settings.lowBalanceThresholdMinor,
    stuckMinutes: settings.stuckMinutes ?? 15,
  });
  const handleStripeWebhook = createStripeWebhookHandler({
    db,
    payments,
    notifier,
    logger,
    now,
    fulfilmentDeadlineMinutes: settings.fulfilmentDeadlineMinutes,
    refundDuplicatePayment: (orderId, paymentIntentId, amountMinor) => refundDuplicatePayment(orderId, paymentIntentId, amountMinor),
  });
  const handleEsimGoCallback = createCallbackHandler({ db, notifier, logger, apiKey: deps.esimgoApiKey, now });

  async function refundDuplicatePayment(orderId: number, paymentIntentId: string, amountMinor: number): Promise<void> {
    const cause = `order ${orderId}: paid a second time (payment ${paymentIntentId})`;
    try {
      const refund = await deps.stripe.refunds.create(
        { payment_intent: paymentIntentId, amount: amountMinor, metadata: { order_id: String(orderId), duplicate: "true" } },
        { idempotencyKey: `refund:duplicate:${paymentIntentId}` },
      );
      await appendOrderEvent(db, orderId, "duplicate_payment_refunded", { refundId: refund.id, status: refund.status });
      await notifier.admins({ type: "refund", orderId, amountMinor, currency: refund.currency.toUpperCase(), status: refund.status === "succeeded" ? "succeeded" : "pending", cause });
    } catch (error) {
      await notifier.admins({ type: "refund", orderId, amountMinor, currency: "", status: "failed", cause: `${cause}; refund it by hand: ${causeOf(error)}` });
    }
  }

  async function expireStalePending(): Promise<number> {
    const at = now();
    const stale = await db
      .selectFrom("orders")
      .select("id")
      .where("status", "=", "pending_payment")
      .where((eb) =>
        eb.or([
          eb("stripe_session_expires_at", "<", new Date(at.getTime() - EXPIRY_GRACE_MS)),
          eb.and([eb("stripe_session_id", "is", null), eb("created_at", "<", new Date(at.getTime() - ABANDONED_WITHOUT_LINK_MS))]),
        ]),
      )
      .limit(100)
      .execute();
    let expired = 0;
    for (const { id } of stale) {
      const order = await transitionOrder(db, id, { from: ["pending_payment"], set: { status: "expired" }, event: { type: "expired", detail: { by: "worker" } } });
      if (!order) continue;
      expired++;
      if (!order.stripe_session_id) continue;
      await notifier.customer(order.customer_id, { type: "link_expired", orderId: order.id }).catch((error: unknown) => {
        logger.warn({ orderId: order.id, err: error }, "link-expired notice not delivered");
      });
    }
    return expired;
  }

  async function runDueOnce(): Promise<number> {
    const expired = await expireStalePending();
    const advanced = await fulfilment.runDueOnce();
    await refunder.retryPending();
    return expired + advanced;
  }

  function startWorker(): { stop(): Promise<void> } {
    let running = true;
    let wake: () => void = () => {};
    const loop = (async () => {
      while (running) {
        try {
          await runDueOnce();
        } catch (error) {
          logger.error({ err: error }, "worker pass failed");
        }
        if (!running) break;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, settings.pollIntervalMs ?? 500);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    })();
    return {
      stop: async () => {
        running = false;
        wake();
        await loop;
      },
    };
  }

  return {
    checkout,
    order: (orderId) => findOrder(db, orderId),
    customerOrder: (customerId, orderId) => db.selectFrom("orders").selectAll().where("id", "=", orderId).where("customer_id", "=", customerId).executeTakeFirst(),
    customerEsims: esims.customerEsims,
    esimUsage: esims.esimUsage,
    installDetails: esims.installDetails,
    topUpOffers: esims.topUpOffers,
    recentOrders: operator.recentOrders,
    problemOrders: operator.problemOrders,
    orderStory: operator.orderStory,
    retry: operator.retry,
    refund: refunder.operatorRefund,
    stats: operator.stats,
    balance: operator.balance,
    handleStripeWebhook,
    handleEsimGoCallback,
    startWorker,
    runDueOnce,
  };
}
