import { flagOf, type BundleView } from "../catalogue/index.ts";
import { bytesAmount, callbackData, clampPage, dateTime, days, daysUntil, pageCount, planTitle, price, reply, type Action, type Screen } from "../copy/index.ts";
import type { OwnedEsim, UsageView } from "../esims/index.ts";
import type { ScreenDeps, Ui } from "./context.ts";
import { pagination } from "./destinations.ts";
import { offerButton } from "./offers.ts";

const MAX_USAGE_LINES = 4;
const ICCID_TAIL = 4;
/** Compatibility questions to eSIM Go per top-up screen, at most. */
const MAX_TOP_UP_QUESTIONS = 20;

/** Usage lookups fail now and then (the provider); the screen shows what it knows and says so. */
export type UsageLookup = (iccid: string, refresh?: boolean) => Promise<UsageView | undefined>;

/** /myesims: the customer's eSIMs, newest first, with what is left on each. */
export async function esimListScreen(ui: Ui, deps: ScreenDeps, customerId: number, page: number, usageOf: UsageLookup): Promise<Screen> {
  const size = deps.settings.pageSize;
  const first = await deps.shop.customerEsims(customerId, { offset: page * size, limit: size });
  if (first.total === 0) {
    return { text: ui.t("my-esims-empty"), actions: [[reply(ui.t("menu-buy"), callbackData.nav("buy"))], [reply(ui.t("btn-menu"), callbackData.nav("menu"))]] };
  }
  const current = clampPage(page, first.total, size);
  const { items } = current === page ? first : await deps.shop.customerEsims(customerId, { offset: current * size, limit: size });
  const usages = await Promise.all(items.map((item) => usageOf(item.iccid)));
  const lines = items.map((item, index) => {
    const header = ui.t("esim-list-line", { index: current * size + index + 1, bundle: item.bundleDescription, iccid: item.iccid.slice(-ICCID_TAIL), status: ui.t("esim-status", { status: item.status }) });
    return `${header}\n${usageText(ui, usages[index])}`;
  });
  const actions: Action[][] = [
    ...items.map((item, index) => [reply(ui.t("esim-button", { index: current * size + index + 1, bundle: item.bundleDescription, iccid: item.iccid.slice(-ICCID_TAIL) }), callbackData.esim(item.iccid))]),
    ...pagination(ui, current, pageCount(first.total, size), (p) => callbackData.esims(p)),
    [reply(ui.t("btn-menu"), callbackData.nav("menu"))],
  ];
  return { text: [ui.t("my-esims-title", { total: first.total, page: current + 1, pages: pageCount(first.total, size) }), "", lines.join("\n\n")].join("\n"), actions };
}

/** One eSIM: its plan, status and usage, and what can be done with it. */
export async function esimCardScreen(ui: Ui, esim: OwnedEsim, usageOf: UsageLookup, refresh = false): Promise<Screen> {
  const usage = await usageOf(esim.iccid, refresh);
  const text = ui.t("esim-card", {
    bundle: esim.bundleDescription,
    iccid: esim.iccid,
    order: String(esim.orderId),
    status: ui.t("esim-status", { status: esim.status }),
    usage: usageText(ui, usage),
  });
  return {
    text,
    actions: [
      [reply(ui.t("btn-resend-qr"), callbackData.resend(esim.iccid))],
      [reply(ui.t("btn-refresh-usage"), callbackData.refreshUsage(esim.iccid)), reply(ui.t("btn-top-up"), callbackData.topUp(esim.iccid))],
      [reply(ui.t("btn-back-esims"), callbackData.esims(0))],
    ],
  };
}

export function esimNotFoundScreen(ui: Ui): Screen {
  return { text: ui.t("esim-not-found"), actions: [[reply(ui.t("btn-back-esims"), callbackData.esims(0))]] };
}

export function usageText(ui: Ui, usage: UsageView | undefined, now = new Date()): string {
  if (!usage) return ui.t("usage-unavailable");
  const bytes = (value: number | null) => (value === null ? ui.t("unknown-amount") : bytesAmount(value, ui.t, ui.language));
  const lines = usage.bundles.slice(0, MAX_USAGE_LINES).map((bundle) => {
    const name = bundle.description ?? bundle.name;
    const data = bundle.unlimited
      ? ui.t("usage-line-unlimited", { name })
      : ui.t("usage-line", { name, remaining: bytes(bundle.remainingBytes), initial: bytes(bundle.initialBytes) });
    const end = bundle.endTime ? new Date(bundle.endTime) : undefined;
    return end && !Number.isNaN(end.getTime()) ? `${data} · ${ui.t("usage-days-left", { days: daysUntil(end, now) })}` : data;
  });
  if (lines.length === 0) lines.push(ui.t("usage-none"));
  const checkedAt = dateTime(new Date(usage.checkedAt), ui.language);
  lines.push(ui.t(usage.stale ? "usage-stale" : "usage-checked", { time: checkedAt }));
  return lines.join("\n");
}

/** Plans for the eSIM's destination that cover at least what it covers, kept only when eSIM Go says they fit. */
export async function topUpScreen(ui: Ui, deps: ScreenDeps, customerId: number, esim: OwnedEsim): Promise<Screen> {
  const original = await deps.catalogue.bundleRecord(esim.bundleName);
  const iso2 = original?.countries[0];
  const back = [[reply(ui.t("btn-back"), callbackData.esim(esim.iccid))]];
  if (!original || !iso2) return { text: ui.t("topup-none"), actions: back };
  const candidates = deps.catalogue.offersForCountry(iso2).filter((offer) => original.countries.every((iso) => offer.countries.includes(iso)));
  const wanted = deps.settings.pageSize * 2;
  // One eSIM Go request per plan (10/s for the whole shop): ask about plans like the eSIM's own (unlimited or not)
  // first, a screenful at a time, and stop once there are enough. Asked in catalogue order, an unlimited eSIM would
  // never see its top-ups behind the many plans with a data allowance.
  const askFirst = [...candidates].sort((a, b) => Number(a.unlimited !== original.unlimited) - Number(b.unlimited !== original.unlimited));
  const compatible = new Set<string>();
  const askable = askFirst.slice(0, MAX_TOP_UP_QUESTIONS);
  for (let start = 0; start < askable.length && compatible.size < wanted; start += wanted) {
    const batch = askable.slice(start, start + wanted).map((offer) => offer.name);
    for (const name of await deps.shop.topUpOffers(customerId, esim.iccid, batch)) compatible.add(name);
  }
  const offers = candidates.filter((offer) => compatible.has(offer.name)).slice(0, wanted);
  if (offers.length === 0) return { text: ui.t("topup-none"), actions: back };
  const flag = flagOf(iso2);
  return {
    text: ui.t("topup-title", { bundle: esim.bundleDescription, iccid: esim.iccid.slice(-ICCID_TAIL) }),
    actions: [...offers.map((offer) => [reply(offerButton(ui, offer, flag), callbackData.topUpConfirm(esim.iccid, iso2, offer.name))]), ...back],
  };
}

export function topUpConfirmScreen(ui: Ui, esim: OwnedEsim, bundle: BundleView, iso2: string): Screen {
  const amount = price(bundle.priceMinor, bundle.currency, ui.language);
  const text = ui.t("confirm-topup", {
    iccid: esim.iccid.slice(-ICCID_TAIL),
    plan: planTitle(bundle, iso2, ui.t, ui.language),
    days: days(bundle.durationDays, ui.t),
    price: amount,
  });
  return {
    text,
    actions: [[reply(ui.t("btn-pay", { price: amount }), callbackData.topUpPay(esim.iccid, iso2, bundle.name, bundle.priceMinor)), reply(ui.t("btn-change"), callbackData.topUp(esim.iccid))]],
  };
}

export function topUpGoneScreen(ui: Ui, esim: OwnedEsim): Screen {
  return { text: ui.t("bundle-gone"), actions: [[reply(ui.t("btn-back"), callbackData.topUp(esim.iccid))], [reply(ui.t("btn-menu"), callbackData.nav("menu"))]] };
}
