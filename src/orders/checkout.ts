import type { Kysely } from "kysely";
import { activeBundleRow, countryByIso, recordBundleCost, scopeOf, withdrawBundle } from "../catalogue/index.ts";
import type { CatalogueBundleRow, Database, Order, PaymentMethod } from "../db/schema.ts";
import { EsimGoError, type EsimGoClient, type OrderResult } from "../esimgo/index.ts";
import type { Esims } from "../esims/index.ts";
import type { Logger } from "../logger.ts";
import type { Notifier } from "../notify/index.ts";
import type { CheckoutLink, Payments, ReturnUrls } from "../payments/index.ts";
import { marginMinor, retailPriceMinor, starsPrice, type PricingSettings } from "../pricing/index.ts";
import { newStarsPayload } from "./stars.ts";
import { appendOrderEvent, causeOf, transitionOrder } from "./store.ts";

export type CheckoutOutcome =
  | { kind: "link"; orderId: number; url: string; expiresAt: Date; priceMinor: number; currency: string; reused: boolean }
  /** Pay in Telegram Stars: the channel sends an invoice of `stars` carrying only `payload`, an opaque reference. */
  | { kind: "stars_invoice"; orderId: number; stars: number; payload: string; title: string; expiresAt: Date; priceMinor: number; currency: string; reused: boolean }
  | { kind: "price_changed"; bundleName: string; priceMinor: number; currency: string }
  | { kind: "unavailable"; reason: "withdrawn" | "balance" | "provider" }
  | { kind: "incompatible" }
  | { kind: "not_yours" }
  /** Too many unpaid links open, or too many checkouts in a minute: one customer must not use up the provider's budget. */
  | { kind: "limit"; reason: "open_links" | "rate" };

export interface CheckoutInput {
  customerId: number;
  bundleName: string;
  targetIccid?: string;
  /**
   * The price the customer saw on the Pay button, or accepted after a price_changed answer. It is never charged as
   * such: it only decides whether the price we charge must be shown to them again first.
   */
  confirmedPriceMinor?: number;
  /** By card (a Stripe payment link, the default) or in Telegram Stars (an invoice the channel sends). */
  method?: PaymentMethod;
}

export interface CheckoutDeps {
  db: Kysely<Database>;
  esimgo: Pick<EsimGoClient, "validateOrder" | "getOrganisation" | "checkCompatibility">;
  payments: Pick<Payments, "createCheckoutSession">;
  /** Where the buyer returns after paying: the chat of the customer's own channel. */
  returnUrls(customerId: number, orderId: number): Promise<ReturnUrls>;
  esims: Pick<Esims, "ownedEsim">;
  notifier: Notifier;
  logger: Logger;
  pricing: PricingSettings;
  /** Payment in Telegram Stars: what a Star is worth in dollars and how long an invoice may be paid. Absent: card only. */
  stars?: { usdPerStar: number; invoiceMinutes: number };
  now: () => Date;
}

/** Unpaid payment links one customer may hold at once. */
const MAX_OPEN_LINKS = 3;
/** Checkouts (each an eSIM Go validate) one customer may start per minute. */
const MAX_CHECKOUTS_PER_MINUTE = 6;

/** A link closer than this to its expiry is not worth sending again. */
const REUSE_MARGIN_MS = 2 * 60_000;
/** An order this young without a link is still being given one (Stripe answers well within this). */
const LINK_PENDING_MS = 2 * 60_000;
const UNAVAILABLE_ALERT_INTERVAL_MS = 15 * 60_000;

type AlertOnce = (problem: "withdrawn" | "balance", bundleName: string, cause: string) => Promise<void>;

export function createCheckout(deps: CheckoutDeps): (input: CheckoutInput) => Promise<CheckoutOutcome> {
  const lastAlertAt = new Map<string, number>();
  const recentCheckouts = new Map<number, number[]>();

  /** At most MAX_CHECKOUTS_PER_MINUTE per customer in any minute; remembers this one when allowed. */
  const withinRate = (customerId: number): boolean => {
    const now = deps.now().getTime();
    const recent = (recentCheckouts.get(customerId) ?? []).filter((at) => now - at < 60_000);
    if (recent.length >= MAX_CHECKOUTS_PER_MINUTE) return false;
    recentCheckouts.delete(customerId);
    if (recentCheckouts.size >= 50_000) recentCheckouts.delete(recentCheckouts.keys().next().value as number);
    recentCheckouts.set(customerId, [...recent, now]);
    return true;
  };

  // One alert per bundle and problem per quarter hour: every customer trying again must not page the admins again.
  const alertOnce: AlertOnce = async (problem, bundleName, cause) => {
    const now = deps.now().getTime();
    const key = `${problem}:${bundleName}`;
    if (now - (lastAlertAt.get(key) ?? -Infinity) < UNAVAILABLE_ALERT_INTERVAL_MS) return;
    lastAlertAt.set(key, now);
    await deps.notifier.admins({ type: "bundle_unavailable", bundleName, cause });
  };

  return async (input) => {
    if (input.method === "stars" && !deps.stars) return { kind: "unavailable", reason: "provider" };
    const bundle = await activeBundleRow(deps.db, input.bundleName);
    if (!bundle) return { kind: "unavailable", reason: "withdrawn" };
    if (input.targetIccid !== undefined) {
      const target = await checkTopUpTarget(deps, input.customerId, input.targetIccid, bundle.name);
      if (target) return target;
    }
    const reusable = await reusableLink(deps, input);
    if (reusable) return reusable;
    if ((await openLinks(deps.db, input.customerId)) >= MAX_OPEN_LINKS) return { kind: "limit", reason: "open_links" };
    if (!withinRate(input.customerId)) return { kind: "limit", reason: "rate" };

    const quoted = await quote(deps, bundle, input, alertOnce);
    if ("kind" in quoted) return quoted;
    if (input.method === "stars" && deps.stars) {
      const stars = starsPrice(quoted.priceMinor, quoted.currency, deps.stars.usdPerStar);
      if (stars === undefined) return { kind: "unavailable", reason: "provider" };
      const expiresAt = new Date(deps.now().getTime() + deps.stars.invoiceMinutes * 60_000);
      const order = await openOrder(deps, input, bundle, quoted, { stars, payload: newStarsPayload(), expiresAt });
      return starsInvoice(order, false);
    }
    const order = await openOrder(deps, input, bundle, quoted);
    try {
      const link = await createLink(deps, order);
      return { kind: "link", orderId: order.id, url: link.url, expiresAt: link.expiresAt, priceMinor: order.price_minor, currency: order.currency, reused: false };
    } catch (error) {
      deps.logger.error({ orderId: order.id, err: error }, "Stripe checkout session could not be created");
      await appendOrderEvent(deps.db, order.id, "checkout_link_failed", { cause: causeOf(error) });
      return { kind: "unavailable", reason: "provider" };
    }
  };
}

function starsInvoice(order: Order, reused: boolean): CheckoutOutcome {
  if (order.stars_amount === null || order.stars_payload === null || order.stars_expires_at === null) throw new Error(`order ${order.id} has no Stars invoice`);
  return {
    kind: "stars_invoice",
    orderId: order.id,
    stars: order.stars_amount,
    payload: order.stars_payload,
    title: order.bundle_description,
    expiresAt: order.stars_expires_at,
    priceMinor: order.price_minor,
    currency: order.currency,
    reused,
  };
}

async function createLink(deps: CheckoutDeps, order: Order): Promise<CheckoutLink> {
  const chargeable = {
    id: order.id,
    kind: order.kind,
    bundleDescription: order.bundle_description,
    priceMinor: order.price_minor,
    currency: order.currency,
    createdAt: order.created_at,
  };
  const link = await deps.payments.createCheckoutSession(chargeable, await deps.returnUrls(order.customer_id, order.id), deps.now());
  // A link that is not the order's would take money no order is matched to: it is never sent.
  if (!(await recordCheckoutLink(deps.db, order.id, link))) throw new Error(`order ${order.id} moved on while its Stripe session ${link.sessionId} was made`);
  return link;
}

/**
 * The order's payment link; a later link (a retry that got a newer session) never gives way to an older one. An order
 * closed meanwhile (a checkout elsewhere superseded it, an erasure) still gets it: the link is out, and a payment of it
 * must find its order (a payment of an expired order is applied, or refunded if nothing can be delivered).
 */
async function recordCheckoutLink(db: Kysely<Database>, orderId: number, link: CheckoutLink): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const updated = await trx
      .updateTable("orders")
      .set({ stripe_session_id: link.sessionId, stripe_session_url: link.url, stripe_session_expires_at: link.expiresAt, updated_at: new Date() })
      .where("id", "=", orderId)
      .where((eb) => eb.or([eb("status", "=", "pending_payment"), eb.and([eb("status", "=", "expired"), eb("stripe_session_id", "is", null)])]))
      .where((eb) => eb.or([eb("stripe_session_id", "is", null), eb("stripe_session_id", "=", link.sessionId), eb("stripe_session_expires_at", "<=", link.expiresAt)]))
      .executeTakeFirst();
    if (updated.numUpdatedRows === 0n) return false;
    await appendOrderEvent(trx, orderId, "checkout_link", { sessionId: link.sessionId, expiresAt: link.expiresAt });
    return true;
  });
}

async function checkTopUpTarget(deps: CheckoutDeps, customerId: number, iccid: string, bundleName: string): Promise<CheckoutOutcome | undefined> {
  if (!(await deps.esims.ownedEsim(customerId, iccid))) return { kind: "not_yours" };
  try {
    return (await deps.esimgo.checkCompatibility(iccid, bundleName)) ? undefined : { kind: "incompatible" };
  } catch (error) {
    deps.logger.warn({ iccid, bundleName, err: error }, "compatibility check failed");
    return { kind: "unavailable", reason: "provider" };
  }
}

/** The customer's open order for the same product: its live link at the price they confirmed is sent again; any other is closed. */
async function reusableLink(deps: CheckoutDeps, input: CheckoutInput): Promise<CheckoutOutcome | undefined> {
  const open = await openOrderQuery(deps.db, input).selectAll().execute();
  const now = deps.now();
  const method = input.method ?? "card";
  for (const order of open) {
    // Still waiting for its link (a checkout on another instance, a double tap): it is not this one's to close.
    if (order.payment_method === "card" && !order.stripe_session_id && now.getTime() - order.created_at.getTime() < LINK_PENDING_MS) continue;
    // The customer pressed Pay at another price than this link charges (the price changed since): a new quote decides.
    const samePrice = input.confirmedPriceMinor === undefined || input.confirmedPriceMinor === order.price_minor;
    if (order.payment_method === "stars") {
      // The same invoice again, only for Stars at the price asked then (a changed rate makes a new one).
      const liveInvoice = order.stars_expires_at !== null && order.stars_expires_at.getTime() - now.getTime() > REUSE_MARGIN_MS;
      const sameStars = deps.stars !== undefined && order.stars_amount === starsPrice(order.price_minor, order.currency, deps.stars.usdPerStar);
      if (method === "stars" && liveInvoice && samePrice && sameStars) return starsInvoice(order, true);
      await transitionOrder(deps.db, order.id, { from: ["pending_payment"], set: { status: "expired" }, event: { type: "expired", detail: { why: "superseded by a new checkout" } } });
      continue;
    }
    const live = method === "card" && order.stripe_session_url && order.stripe_session_expires_at && order.stripe_session_expires_at.getTime() - now.getTime() > REUSE_MARGIN_MS;
    if (live && samePrice && order.stripe_session_expires_at && order.stripe_session_url) {
      return { kind: "link", orderId: order.id, url: order.stripe_session_url, expiresAt: order.stripe_session_expires_at, priceMinor: order.price_minor, currency: order.currency, reused: true };
    }
    const why = live ? "superseded: the customer confirmed another price" : "superseded by a new checkout";
    await transitionOrder(deps.db, order.id, { from: ["pending_payment"], set: { status: "expired" }, event: { type: "expired", detail: { why } } });
  }
  return undefined;
}

/** The customer's unpaid orders whose link still works. */
async function openLinks(db: Kysely<Database>, customerId: number): Promise<number> {
  const row = await db
    .selectFrom("orders")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .where("customer_id", "=", customerId)
    .where("status", "=", "pending_payment")
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

function openOrderQuery(db: Kysely<Database>, input: CheckoutInput) {
  return db
    .selectFrom("orders")
    .where("customer_id", "=", input.customerId)
    .where("bundle_name", "=", input.bundleName)
    .where("status", "=", "pending_payment")
    .where("target_iccid", input.targetIccid === undefined ? "is" : "=", input.targetIccid ?? null)
    .orderBy("id", "desc");
}

interface Quote {
  priceMinor: number;
  costMinor: number;
  currency: string;
}

async function quote(
  deps: CheckoutDeps,
  bundle: CatalogueBundleRow,
  input: CheckoutInput,
  alertOnce: AlertOnce,
): Promise<Quote | CheckoutOutcome> {
  let validation: OrderResult;
  try {
    validation = await deps.esimgo.validateOrder([{ bundle: bundle.name, quantity: 1, ...(input.targetIccid ? { iccids: [input.targetIccid] } : {}) }]);
  } catch (error) {
    if (error instanceof EsimGoError && (error.kind === "not_found" || error.kind === "invalid_request")) {
      // A top-up refused for this customer's eSIM says nothing about the bundle: it stays on sale for everyone else.
      if (input.targetIccid !== undefined) return { kind: "incompatible" };
      return withdraw(deps, bundle.name, causeOf(error), alertOnce);
    }
    if (error instanceof EsimGoError && error.kind === "insufficient_balance") {
      await alertOnce("balance", bundle.name, `eSIM Go refused to validate ${bundle.name} for lack of balance (${causeOf(error)}); sales of it are paused`);
      return { kind: "unavailable", reason: "balance" };
    }
    deps.logger.warn({ bundle: bundle.name, err: error }, "eSIM Go validation failed");
    return { kind: "unavailable", reason: "provider" };
  }
  const costMinor = validation.totalMinor > 0 ? validation.totalMinor : bundle.cost_minor;
  // A valid order costing nothing is a provider glitch: stored, it would sell the bundle at the bare margin to everyone.
  const glitch = validation.valid && validation.totalMinor <= 0;
  if (glitch || validation.currency.toUpperCase() !== bundle.currency.toUpperCase() || !Number.isSafeInteger(costMinor) || costMinor < 0) {
    deps.logger.error({ bundle: bundle.name, costMinor, currency: validation.currency }, "validation answered in an unexpected currency or amount");
    return { kind: "unavailable", reason: "provider" };
  }
  if (costMinor !== bundle.cost_minor) await recordBundleCost(deps.db, bundle.name, costMinor);
  const balance = await checkBalance(deps, bundle.name, costMinor, bundle.currency, alertOnce);
  if (balance) return balance;
  // The balance covers it, so an invalid order means the bundle itself is no longer sold.
  if (!validation.valid) return withdraw(deps, bundle.name, "eSIM Go says the order is not valid", alertOnce);
  return priceFor(deps.pricing, bundle, costMinor, input.confirmedPriceMinor);
}

/**
 * The customer pays the price they saw (the catalogue price, or a price we quoted them since) as long as it keeps
 * the minimum margin over today's cost. A price they saw that we do not quote today (the catalogue moved since, or
 * the button was forged) is never charged: they are shown today's price and asked again.
 */
function priceFor(pricing: PricingSettings, bundle: CatalogueBundleRow, costMinor: number, confirmedPriceMinor: number | undefined): Quote | CheckoutOutcome {
  const cataloguePrice = retailPriceMinor(bundle.cost_minor, pricing, bundle.currency);
  const currentPrice = retailPriceMinor(costMinor, pricing, bundle.currency);
  const seen = confirmedPriceMinor ?? cataloguePrice;
  const quoted = seen === currentPrice || seen === cataloguePrice;
  if (quoted && marginMinor(seen, costMinor) >= pricing.minMarginMinor) return { priceMinor: seen, costMinor, currency: bundle.currency };
  return { kind: "price_changed", bundleName: bundle.name, priceMinor: currentPrice, currency: bundle.currency };
}

async function withdraw(deps: CheckoutDeps, bundleName: string, cause: string, alertOnce: AlertOnce): Promise<CheckoutOutcome> {
  await withdrawBundle(deps.db, bundleName);
  await alertOnce("withdrawn", bundleName, `${bundleName} is no longer sold by eSIM Go: ${cause}`);
  return { kind: "unavailable", reason: "withdrawn" };
}

async function checkBalance(
  deps: CheckoutDeps,
  bundleName: string,
  costMinor: number,
  currency: string,
  alertOnce: AlertOnce,
): Promise<CheckoutOutcome | undefined> {
  let organisation: { balanceMinor: number; currency: string };
  try {
    organisation = await deps.esimgo.getOrganisation();
  } catch (error) {
    deps.logger.warn({ err: error }, "eSIM Go balance unknown");
    return { kind: "unavailable", reason: "provider" };
  }
  if (organisation.currency.toUpperCase() === currency.toUpperCase() && organisation.balanceMinor >= costMinor) return undefined;
  await alertOnce("balance", bundleName, `eSIM Go balance ${organisation.balanceMinor} ${organisation.currency} cannot cover ${bundleName} at ${costMinor} ${currency}; sales of it are paused`);
  return { kind: "unavailable", reason: "balance" };
}

async function openOrder(deps: CheckoutDeps, input: CheckoutInput, bundle: CatalogueBundleRow, quote: Quote, stars?: { stars: number; payload: string; expiresAt: Date }): Promise<Order> {
  return deps.db.transaction().execute(async (trx) => {
    const order = await trx
      .insertInto("orders")
      .values({
        customer_id: input.customerId,
        kind: input.targetIccid ? "topup" : "new",
        target_iccid: input.targetIccid ?? null,
        bundle_name: bundle.name,
        bundle_description: bundleTitle(bundle),
        price_minor: quote.priceMinor,
        currency: quote.currency,
        provider_cost_minor: quote.costMinor,
        provider_currency: quote.currency,
        ...(stars ? { payment_method: "stars" as const, stars_amount: stars.stars, stars_payload: stars.payload, stars_expires_at: stars.expiresAt } : {}),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await appendOrderEvent(trx, order.id, "created", { priceMinor: quote.priceMinor, costMinor: quote.costMinor, currency: quote.currency, ...(stars ? { method: "stars", stars: stars.stars } : {}) });
    return order;
  });
}

/** "Germany 1 GB 7 days": what the customer recognises on the checkout page and the card statement. */
export function bundleTitle(bundle: Pick<CatalogueBundleRow, "name" | "description" | "groups" | "countries" | "data_mb" | "unlimited" | "duration_days">): string {
  const countries = Array.isArray(bundle.countries) ? bundle.countries.map(String) : [];
  const groups = Array.isArray(bundle.groups) ? bundle.groups.map(String) : [];
  const scope = scopeOf({ name: bundle.name, description: bundle.description, groups, countries });
  const place =
    scope.scope === "local" && countries[0]
      ? (countryByIso(countries[0])?.names.en ?? countries[0])
      : (scope.regionLabel ?? `${countries.length} countries`);
  const data = bundle.unlimited ? "unlimited" : bundle.data_mb === null ? "" : bundle.data_mb >= 1000 ? `${+(bundle.data_mb / 1000).toFixed(1)} GB` : `${bundle.data_mb} MB`;
  const days = `${bundle.duration_days} ${bundle.duration_days === 1 ? "day" : "days"}`;
  return [place, data, days].filter(Boolean).join(" ");
}
