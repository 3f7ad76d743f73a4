import { randomBytes } from "node:crypto";
import type { Kysely } from "kysely";
import { eraseCustomer as eraseCustomerRow, identityOf, markIdentityBlocked, type Identity } from "../customers/index.ts";
import type { Channel, Database, Order } from "../db/schema.ts";
import type { EsimGoClient } from "../esimgo/index.ts";
import { createCallbackHandler, createEsims, eraseEsimsOf, type CallbackOutcome, type EsimSummary, type OwnedEsim, type UsageView } from "../esims/index.ts";
import { createFulfilment } from "../fulfilment/index.ts";
import type { Logger } from "../logger.ts";
import type { Metrics } from "../metrics/port.ts";
import type { DeliveredEsim, Notifier } from "../notify/index.ts";
import {
  checkStarsPayable,
  createCheckout,
  createOperator,
  createPaymentEventHandler,
  createRefunder,
  expireOpenOrdersOf,
  expireStalePending,
  findOrder,
  hasOrderInProgress,
  purgeWebhookEvents,
  recordUndelivered,
  type CheckoutInput,
  type CheckoutOutcome,
  type OperatorRefundOutcome,
  type OrderStory,
  type PaymentEventOutcome,
  type RetryOutcome,
  type StarsPreCheckout,
  type StarsPreCheckoutInput,
  type StatsRow,
} from "../orders/index.ts";
import type { PaymentEvent, Payments, ReturnUrls, StarRefunds } from "../payments/index.ts";
import type { PricingSettings } from "../pricing/index.ts";

export interface ShopSettings {
  pricing: PricingSettings;
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
  /** Payment events kept for deduplication are purged after this many days (default 90). */
  retentionDays?: number;
  /** Payment in Telegram Stars: what a Star is worth in dollars, how long an invoice may be paid. Absent: card only. */
  stars?: { usdPerStar: number; invoiceMinutes: number };
}

export interface ShopDeps {
  db: Kysely<Database>;
  esimgo: EsimGoClient;
  /** eSIM Go signs its callbacks with the API key. */
  esimgoApiKey: string;
  payments: Payments;
  /** Refunds in Telegram Stars (the Telegram channel's Bot API); needed for orders paid in Stars. */
  starRefunds?: StarRefunds;
  /** Where a buyer lands after paying or cancelling: back in the chat of their own channel. */
  returnUrls(channel: Channel, orderId: number): ReturnUrls;
  notifier: Notifier;
  logger: Logger;
  settings: ShopSettings;
  now?: () => Date;
  /** Payments and deliveries are counted here. */
  metrics?: Pick<Metrics, "payment" | "fulfilled">;
}

/** What became of a webhook: the HTTP layer turns it into a status code. */
export type WebhookOutcome = PaymentEventOutcome | CallbackOutcome;

/**
 * The shop as the channels and the HTTP layer see it: every customer and operator action, and the webhooks. It knows
 * no chat framework and no status code; it answers in outcome unions.
 */
export interface Shop {
  /** Pay pressed: validates at eSIM Go, opens the order with the price from the database, returns its payment link. */
  checkout(input: CheckoutInput): Promise<CheckoutOutcome>;
  /** Any order, by id (operators). */
  order(orderId: number): Promise<Order | undefined>;
  /** One of this customer's orders; undefined for anyone else's. */
  customerOrder(customerId: number, orderId: number): Promise<Order | undefined>;
  /** One of the customer's eSIMs with its plan and order status; undefined for anyone else's. */
  customerEsim(customerId: number, iccid: string): Promise<OwnedEsim | undefined>;
  /** The customer's eSIMs, newest first, with the last usage figure known. */
  customerEsims(customerId: number, page: { offset: number; limit: number }): Promise<{ total: number; items: EsimSummary[] }>;
  /** Remaining data of the customer's eSIM (cached for `usageCacheSeconds` unless `refresh`); undefined if not theirs. */
  esimUsage(customerId: number, iccid: string, opts?: { refresh?: boolean }): Promise<UsageView | undefined>;
  /** The QR code and install details again, only to the eSIM's owner. */
  installDetails(customerId: number, iccid: string): Promise<DeliveredEsim | undefined>;
  /** Of `candidates`, the bundles eSIM Go can add to the customer's eSIM. */
  topUpOffers(customerId: number, iccid: string, candidates: string[]): Promise<string[]>;
  /** The newest orders (at most 100). */
  recentOrders(limit: number): Promise<Order[]>;
  /** Orders that need a look: stuck, awaiting balance, failed without a successful refund. */
  problemOrders(): Promise<Order[]>;
  /** An order and every change of it. */
  orderStory(orderId: number): Promise<OrderStory | undefined>;
  /** Runs an order's next step now (or revives a failed order whose money is still held). */
  retry(orderId: number): Promise<RetryOutcome>;
  /** Refunds an order the operator asked to refund; refused once the eSIM was delivered. */
  refund(orderId: number): Promise<OperatorRefundOutcome>;
  /** Sales, revenue, cost and margin of delivered orders today, in 7 and in 30 days. */
  stats(now?: Date): Promise<StatsRow[]>;
  /** The prepaid eSIM Go balance, and whether it is under the warning threshold. */
  balance(): Promise<{ balanceMinor: number; currency: string; low: boolean }>;
  /** A Stripe webhook: verified on the raw body, applied exactly once. */
  handleStripeWebhook(rawBody: string, signature: string | undefined): Promise<WebhookOutcome>;
  /** A payment event from any provider (a Stripe webhook, a payment in Telegram Stars), applied exactly once. */
  applyPaymentEvent(event: PaymentEvent): Promise<PaymentEventOutcome>;
  /**
   * Telegram's question before it takes Stars: is the invoice with this reference still payable, by this person, at
   * exactly this amount? Read from the database only; answer it within Telegram's 10 s.
   */
  starsPreCheckout(input: StarsPreCheckoutInput): Promise<StarsPreCheckout>;
  /** An eSIM Go callback (usage, balance): verified on the raw body. */
  handleEsimGoCallback(rawBody: string, signature: string | undefined): Promise<WebhookOutcome>;
  /** Starts the background worker (fulfilment, link expiry, refund retries); stop() finishes the pass in flight. */
  startWorker(): { stop(): Promise<void> };
  /**
   * Erases a customer's personal data (how to reach them, their language, their eSIMs' install codes) while their
   * orders stay for the accounts, anonymous. Refused while an order of theirs is still being fulfilled.
   */
  eraseCustomer(customerId: number): Promise<"erased" | "order_in_progress">;
  /**
   * A channel learnt after the fact that a message never reached this person (WhatsApp's `failed` status): they are
   * marked unreachable, and an eSIM delivered to them in the last hour gets the cause on its order, with an alert.
   */
  customerUnreachable(identity: Identity, cause: string): Promise<void>;
  /** One worker pass, for tests and tools; resolves how many orders changed. */
  runDueOnce(): Promise<number>;
}

const PURGE_EVERY_MS = 60 * 60_000;
/** How far back a late "never reached them" is taken to be about a delivery. */
const LATE_FAILURE_MS = 60 * 60_000;
const DAY_MS = 24 * 60 * 60_000;

export function createShop(deps: ShopDeps): Shop {
  const now = deps.now ?? (() => new Date());
  const { db, esimgo, notifier, settings, payments } = deps;
  const logger = deps.logger.child({ module: "shop" });
  const leaseSeconds = settings.leaseSeconds ?? 60;

  const esims = createEsims({ db, esimgo, logger, settings: { usageCacheSeconds: settings.usageCacheSeconds }, now });
  const refunder = createRefunder({ db, payments, ...(deps.starRefunds ? { stars: deps.starRefunds } : {}), notifier, logger, now });
  const fulfilment = createFulfilment({
    db,
    esimgo,
    notifier,
    logger,
    now,
    onFailed: (order, cause, reason) => refunder.refund(order, cause, reason),
    metrics: deps.metrics,
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
  const returnUrls = async (customerId: number, orderId: number): Promise<ReturnUrls> => {
    const identity = await identityOf(db, customerId);
    if (!identity) throw new Error(`customer ${customerId} has no channel identity`);
    return deps.returnUrls(identity.channel, orderId);
  };
  const checkout = createCheckout({ db, esimgo, payments, returnUrls, esims, notifier, logger, pricing: settings.pricing, ...(settings.stars ? { stars: settings.stars } : {}), now });
  const operator = createOperator({
    db,
    esimgo,
    now,
    fulfilmentDeadlineMinutes: settings.fulfilmentDeadlineMinutes,
    lowBalanceThresholdMinor: settings.lowBalanceThresholdMinor,
    stuckMinutes: settings.stuckMinutes ?? 15,
  });
  const applyPaymentEvent = createPaymentEventHandler({
    db,
    notifier,
    logger,
    now,
    fulfilmentDeadlineMinutes: settings.fulfilmentDeadlineMinutes,
    minMarginMinor: settings.pricing.minMarginMinor,
    refundDuplicatePayment: (orderId, paymentIntentId, amountMinor) => refunder.refundDuplicatePayment(orderId, paymentIntentId, amountMinor),
    refundStrayStarPayment: (stray) => refunder.refundStrayStarPayment(stray),
    metrics: deps.metrics,
  });
  const handleEsimGoCallback = createCallbackHandler({ db, notifier, logger, apiKey: deps.esimgoApiKey, now });

  /** Workers of this shop, woken when a payment made an order due rather than left to find it on their next poll. */
  const workers = new Set<{ wake(): void }>();
  async function applyPaymentEventAndWake(event: PaymentEvent): Promise<PaymentEventOutcome> {
    const outcome = await applyPaymentEvent(event);
    // Committed by now: a woken pass sees the order.
    if (outcome === "applied") for (const worker of workers) worker.wake();
    return outcome;
  }

  async function handleStripeWebhook(rawBody: string, signature: string | undefined): Promise<WebhookOutcome> {
    const reading = payments.readWebhook(rawBody, signature);
    if (reading.kind === "refused") {
      logger.warn({ cause: reading.why }, "Stripe webhook refused: signature");
      return "refused";
    }
    if (reading.kind === "malformed") {
      logger.error({ eventId: reading.eventId, type: reading.type, cause: reading.why }, "Stripe event with an unexpected shape");
      return "malformed";
    }
    try {
      return await applyPaymentEventAndWake(reading.event);
    } catch (error) {
      // Nothing was committed: Stripe sends the event again.
      logger.error({ eventId: reading.event.eventId, type: reading.event.type, err: error }, "payment event could not be stored");
      return "retry";
    }
  }

  let lastPurgeAt = 0;
  /** Retention: at most once an hour, what is kept only for deduplication goes once no provider retries it. */
  async function purgeOld(): Promise<void> {
    const at = now().getTime();
    if (at - lastPurgeAt < PURGE_EVERY_MS) return;
    lastPurgeAt = at;
    const purged = await purgeWebhookEvents(db, new Date(at - (settings.retentionDays ?? 90) * DAY_MS));
    if (purged > 0) logger.info({ purged }, "old payment events purged");
  }

  /** What is due besides fulfilment: stale unpaid orders expire, failed refunds are tried again, old records go. */
  async function housekeeping(): Promise<number> {
    const expired = await expireStalePending({ db, notifier, logger, now });
    await refunder.retryPending();
    await purgeOld();
    return expired;
  }

  async function runDueOnce(): Promise<number> {
    const advanced = await fulfilment.runDueOnce();
    return advanced + (await housekeeping());
  }

  async function eraseCustomer(customerId: number): Promise<"erased" | "order_in_progress"> {
    return db.transaction().execute(async (trx) => {
      if (await hasOrderInProgress(trx, customerId)) return "order_in_progress";
      await expireOpenOrdersOf(trx, customerId);
      await eraseEsimsOf(trx, customerId);
      await eraseCustomerRow(trx, customerId, now());
      return "erased";
    });
  }

  async function customerUnreachable(identity: Identity, cause: string): Promise<void> {
    const customerId = await markIdentityBlocked(db, identity, true);
    if (customerId === undefined) return;
    const orderId = await recordUndelivered(db, customerId, new Date(now().getTime() - LATE_FAILURE_MS), cause);
    if (orderId === undefined) return;
    logger.warn({ orderId, cause }, "a delivered eSIM never reached the customer");
    await notifier.admins({ type: "delivery_failed", orderId, cause: `order ${orderId}: ${cause}` });
  }

  return {
    checkout,
    order: (orderId) => findOrder(db, orderId),
    customerOrder: (customerId, orderId) => db.selectFrom("orders").selectAll().where("id", "=", orderId).where("customer_id", "=", customerId).executeTakeFirst(),
    customerEsim: esims.customerEsim,
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
    applyPaymentEvent: applyPaymentEventAndWake,
    starsPreCheckout: (input) => checkStarsPayable(db, input, now()),
    handleEsimGoCallback,
    eraseCustomer,
    customerUnreachable,
    startWorker: () => {
      // A loop per lane, each taking the next due order as soon as it is free, and one for the housekeeping, which no
      // slow order holds up. A payment wakes the lanes.
      const pollMs = settings.pollIntervalMs ?? 500;
      const lanes = fulfilment.lanes.map((lane) => startWorker(lane, pollMs, logger));
      const loops = [...lanes, startWorker(housekeeping, pollMs, logger)];
      for (const lane of lanes) workers.add(lane);
      return {
        stop: async () => {
          for (const loop of loops) workers.delete(loop);
          await Promise.all(loops.map((loop) => loop.stop()));
        },
      };
    },
    runDueOnce,
  };
}

/**
 * Runs passes back to back with a pause between them; stop() waits for the pass in flight. wake() ends the pause at
 * once, or, during a pass, lets the next pass follow without one (what made an order due may have come too late for
 * the pass in flight).
 */
function startWorker(runDueOnce: () => Promise<number>, pollIntervalMs: number, logger: Logger): { stop(): Promise<void>; wake(): void } {
  let running = true;
  let woken = false;
  let endPause: () => void = () => {};
  const loop = (async () => {
    while (running) {
      woken = false;
      try {
        await runDueOnce();
      } catch (error) {
        logger.error({ err: error }, "worker pass failed");
      }
      if (!running) break;
      if (woken) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, pollIntervalMs);
        endPause = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      endPause = () => {};
    }
  })();
  const wake = () => {
    woken = true;
    endPause();
  };
  return {
    wake,
    stop: async () => {
      running = false;
      wake();
      await loop;
    },
  };
}
