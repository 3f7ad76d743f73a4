import { Composer, InlineKeyboard, InputFile } from "grammy";
import type { Kysely } from "kysely";
import { flagOf, type BundleView } from "../../catalogue/index.ts";
import type { Database, OrderStatus } from "../../db/schema.ts";
import type { UsageView } from "../../orders/index.ts";
import { customerIdOf, type BaseContext, type BotContext, type FeatureDeps } from "../context.ts";
import { callbackData, callbackPattern, pageNumber } from "../callback-data.ts";
import { startCheckout } from "../checkout.ts";
import { esimPhoto, installSteps } from "../delivery.ts";
import { bytesAmount, clampPage, dateTime, days, daysUntil, pageCount, planTitle, price } from "../format.ts";
import { show, type Screen } from "../ui.ts";
import { pagination } from "./destinations.ts";
import { findOffer, offerButton } from "./offers.ts";

const MAX_USAGE_LINES = 4;
const ICCID_TAIL = 4;
/** Compatibility questions to eSIM Go per top-up screen, at most. */
const MAX_TOP_UP_QUESTIONS = 20;

interface OwnedEsim {
  iccid: string;
  orderId: number;
  bundleName: string;
  bundleDescription: string;
  status: OrderStatus;
}

/** /myesims: the customer's eSIMs, usage, the QR again, and top-ups. */
export function myEsimsFeature(deps: FeatureDeps): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  feature.command("myesims", async (ctx) => show(ctx, await listScreen(ctx, deps, 0)));
  feature.callbackQuery(callbackData.nav("esims"), async (ctx) => show(ctx, await listScreen(ctx, deps, 0)));
  feature.callbackQuery(callbackPattern.esims, async (ctx) => show(ctx, await listScreen(ctx, deps, pageNumber(ctx.match[1]))));
  feature.callbackQuery(callbackPattern.esim, (ctx) => withOwnedEsim(ctx, deps, ctx.match[1]!, async (esim) => show(ctx, await cardScreen(ctx, deps, esim))));
  feature.callbackQuery(callbackPattern.refreshUsage, (ctx) =>
    withOwnedEsim(ctx, deps, ctx.match[1]!, async (esim) => {
      await show(ctx, await cardScreen(ctx, deps, esim, true));
      await ctx.answerCallbackQuery({ text: ctx.t("usage-refreshed") });
    }),
  );
  feature.callbackQuery(callbackPattern.resend, (ctx) => withOwnedEsim(ctx, deps, ctx.match[1]!, (esim) => resendInstallDetails(ctx, deps, esim)));
  feature.callbackQuery(callbackPattern.topUp, (ctx) => withOwnedEsim(ctx, deps, ctx.match[1]!, async (esim) => show(ctx, await topUpScreen(ctx, deps, esim))));
  feature.callbackQuery(callbackPattern.topUpConfirm, (ctx) =>
    withOwnedEsim(ctx, deps, ctx.match[1]!, async (esim) => {
      const bundle = findOffer(deps, ctx.match[2]!, ctx.match[3]!);
      await show(ctx, bundle ? topUpConfirmScreen(ctx, esim, bundle, ctx.match[2]!) : topUpGoneScreen(ctx, esim));
    }),
  );
  feature.callbackQuery(callbackPattern.topUpPay, (ctx) =>
    withOwnedEsim(ctx, deps, ctx.match[1]!, async (esim) => {
      const iso2 = ctx.match[2]!;
      const bundle = findOffer(deps, iso2, ctx.match[3]!);
      if (!bundle) return show(ctx, topUpGoneScreen(ctx, esim));
      await ctx.answerCallbackQuery();
      await startCheckout(ctx, {
        bundleName: bundle.name,
        targetIccid: esim.iccid,
        plan: planTitle(bundle, iso2, ctx.t, ctx.language),
        shownPriceMinor: Number(ctx.match[4]),
      });
    }),
  );
  return feature;
}

async function withOwnedEsim(ctx: BotContext, deps: FeatureDeps, iccid: string, action: (esim: OwnedEsim) => Promise<void>): Promise<void> {
  const esim = await ownedEsim(deps.db, await customerIdOf(ctx), iccid);
  if (!esim) return show(ctx, { text: ctx.t("esim-not-found"), keyboard: new InlineKeyboard().text(ctx.t("btn-back-esims"), callbackData.esims(0)) });
  await action(esim);
}

/** Ownership is checked on every press: an ICCID in callback data proves nothing. */
async function ownedEsim(db: Kysely<Database>, customerId: number, iccid: string): Promise<OwnedEsim | undefined> {
  const row = await db
    .selectFrom("esims")
    .innerJoin("orders", "orders.id", "esims.order_id")
    .select(["esims.iccid", "esims.order_id", "orders.bundle_name", "orders.bundle_description", "orders.status"])
    .where("esims.iccid", "=", iccid)
    .where("esims.customer_id", "=", customerId)
    .executeTakeFirst();
  return row && { iccid: row.iccid, orderId: row.order_id, bundleName: row.bundle_name, bundleDescription: row.bundle_description, status: row.status };
}

async function listScreen(ctx: BotContext, deps: FeatureDeps, page: number): Promise<Screen> {
  const customerId = await customerIdOf(ctx);
  const size = deps.settings.pageSize;
  const first = await deps.shop.customerEsims(customerId, { offset: page * size, limit: size });
  if (first.total === 0) return { text: ctx.t("my-esims-empty"), keyboard: new InlineKeyboard().text(ctx.t("menu-buy"), callbackData.nav("buy")).row().text(ctx.t("btn-menu"), callbackData.nav("menu")) };
  const current = clampPage(page, first.total, size);
  const { items } = current === page ? first : await deps.shop.customerEsims(customerId, { offset: current * size, limit: size });
  const usages = await Promise.all(items.map((item) => usageOf(ctx, deps, item.iccid)));
  const pages = pageCount(first.total, size);
  const lines = items.map((item, index) => {
    const header = ctx.t("esim-list-line", { index: current * size + index + 1, bundle: item.bundleDescription, iccid: item.iccid.slice(-ICCID_TAIL), status: ctx.t("esim-status", { status: item.status }) });
    return `${header}\n${usageText(ctx, usages[index])}`;
  });
  const keyboard = new InlineKeyboard();
  items.forEach((item, index) => {
    keyboard.text(ctx.t("esim-button", { index: current * size + index + 1, bundle: item.bundleDescription, iccid: item.iccid.slice(-ICCID_TAIL) }), callbackData.esim(item.iccid)).row();
  });
  pagination(ctx, keyboard, current, pages, (p) => callbackData.esims(p));
  keyboard.row().text(ctx.t("btn-menu"), callbackData.nav("menu"));
  return { text: [ctx.t("my-esims-title", { total: first.total, page: current + 1, pages }), "", lines.join("\n\n")].join("\n"), keyboard };
}

async function usageOf(ctx: BaseContext, deps: FeatureDeps, iccid: string, refresh = false): Promise<UsageView | undefined> {
  try {
    return await deps.shop.esimUsage(await customerIdOf(ctx), iccid, { refresh });
  } catch (error) {
    ctx.logger.warn({ err: error, iccid }, "usage lookup failed");
    return undefined;
  }
}

async function cardScreen(ctx: BotContext, deps: FeatureDeps, esim: OwnedEsim, refresh = false): Promise<Screen> {
  const usage = await usageOf(ctx, deps, esim.iccid, refresh);
  const text = ctx.t("esim-card", {
    bundle: esim.bundleDescription,
    iccid: esim.iccid,
    order: String(esim.orderId),
    status: ctx.t("esim-status", { status: esim.status }),
    usage: usageText(ctx, usage),
  });
  const keyboard = new InlineKeyboard()
    .text(ctx.t("btn-resend-qr"), callbackData.resend(esim.iccid))
    .row()
    .text(ctx.t("btn-refresh-usage"), callbackData.refreshUsage(esim.iccid))
    .text(ctx.t("btn-top-up"), callbackData.topUp(esim.iccid))
    .row()
    .text(ctx.t("btn-back-esims"), callbackData.esims(0));
  return { text, keyboard };
}

export function usageText(ctx: BaseContext, usage: UsageView | undefined, now = new Date()): string {
  if (!usage) return ctx.t("usage-unavailable");
  const bytes = (value: number | null) => (value === null ? ctx.t("unknown-amount") : bytesAmount(value, ctx.t, ctx.language));
  const lines = usage.bundles.slice(0, MAX_USAGE_LINES).map((bundle) => {
    const name = bundle.description ?? bundle.name;
    const data = bundle.unlimited
      ? ctx.t("usage-line-unlimited", { name })
      : ctx.t("usage-line", { name, remaining: bytes(bundle.remainingBytes), initial: bytes(bundle.initialBytes) });
    const end = bundle.endTime ? new Date(bundle.endTime) : undefined;
    return end && !Number.isNaN(end.getTime()) ? `${data} · ${ctx.t("usage-days-left", { days: daysUntil(end, now) })}` : data;
  });
  if (lines.length === 0) lines.push(ctx.t("usage-none"));
  const checkedAt = dateTime(new Date(usage.checkedAt), ctx.language);
  lines.push(ctx.t(usage.stale ? "usage-stale" : "usage-checked", { time: checkedAt }));
  return lines.join("\n");
}

async function resendInstallDetails(ctx: BotContext, deps: FeatureDeps, esim: OwnedEsim): Promise<void> {
  const details = await deps.shop.installDetails(await customerIdOf(ctx), esim.iccid);
  if (!details) {
    await ctx.answerCallbackQuery({ text: ctx.t("resend-unavailable"), show_alert: true });
    return;
  }
  await ctx.answerCallbackQuery();
  const { caption, keyboard } = esimPhoto(ctx.t, details, esim.bundleDescription);
  await ctx.replyWithPhoto(new InputFile(details.qrPng, `esim-${esim.iccid}.png`), { caption, parse_mode: "HTML", reply_markup: keyboard });
  await ctx.reply(installSteps(ctx.t));
}

/** Plans for the eSIM's destination that cover at least what it covers, kept only when eSIM Go says they fit. */
async function topUpScreen(ctx: BotContext, deps: FeatureDeps, esim: OwnedEsim): Promise<Screen> {
  const original = await deps.catalogue.bundleRecord(esim.bundleName);
  const iso2 = original?.countries[0];
  const back = new InlineKeyboard().text(ctx.t("btn-back"), callbackData.esim(esim.iccid));
  if (!original || !iso2) return { text: ctx.t("topup-none"), keyboard: back };
  const candidates = deps.catalogue.offersForCountry(iso2).filter((offer) => original.countries.every((iso) => offer.countries.includes(iso)));
  const wanted = deps.settings.pageSize * 2;
  // One eSIM Go request per plan (10/s for the whole shop) while every other update waits: ask about plans like the
  // eSIM's own (unlimited or not) first, a screenful at a time, and stop once there are enough. Asked in catalogue
  // order, an unlimited eSIM would never see its top-ups behind the many plans with a data allowance.
  const askFirst = [...candidates].sort((a, b) => Number(a.unlimited !== original.unlimited) - Number(b.unlimited !== original.unlimited));
  const compatible = new Set<string>();
  const askable = askFirst.slice(0, MAX_TOP_UP_QUESTIONS);
  for (let start = 0; start < askable.length && compatible.size < wanted; start += wanted) {
    const batch = askable.slice(start, start + wanted).map((offer) => offer.name);
    for (const name of await deps.shop.topUpOffers(await customerIdOf(ctx), esim.iccid, batch)) compatible.add(name);
  }
  const offers = candidates.filter((offer) => compatible.has(offer.name)).slice(0, wanted);
  if (offers.length === 0) return { text: ctx.t("topup-none"), keyboard: back };
  const keyboard = new InlineKeyboard();
  const flag = flagOf(iso2);
  for (const offer of offers) keyboard.text(offerButton(ctx, offer, flag), callbackData.topUpConfirm(esim.iccid, iso2, offer.name)).row();
  keyboard.text(ctx.t("btn-back"), callbackData.esim(esim.iccid));
  return { text: ctx.t("topup-title", { bundle: esim.bundleDescription, iccid: esim.iccid.slice(-ICCID_TAIL) }), keyboard };
}

function topUpConfirmScreen(ctx: BaseContext, esim: OwnedEsim, bundle: BundleView, iso2: string): Screen {
  const amount = price(bundle.priceMinor, bundle.currency, ctx.language);
  const text = ctx.t("confirm-topup", {
    iccid: esim.iccid.slice(-ICCID_TAIL),
    plan: planTitle(bundle, iso2, ctx.t, ctx.language),
    days: days(bundle.durationDays, ctx.t),
    price: amount,
  });
  const keyboard = new InlineKeyboard()
    .text(ctx.t("btn-pay", { price: amount }), callbackData.topUpPay(esim.iccid, iso2, bundle.name, bundle.priceMinor))
    .text(ctx.t("btn-change"), callbackData.topUp(esim.iccid));
  return { text, keyboard };
}

function topUpGoneScreen(ctx: BaseContext, esim: OwnedEsim): Screen {
  return { text: ctx.t("bundle-gone"), keyboard: new InlineKeyboard().text(ctx.t("btn-back"), callbackData.topUp(esim.iccid)).row().text(ctx.t("btn-menu"), callbackData.nav("menu")) };
}
