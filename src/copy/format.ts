import { countryByIso, regionName, type BundleView, type Country } from "../catalogue/index.ts";
import type { Language } from "../customers/index.ts";
import { formatMoney } from "../pricing/index.ts";
import type { Translate } from "./i18n.ts";

/** The small vocabulary every screen and notice is written with: money, data amounts, days, dates, places. */

const MB_PER_GB = 1000;
const BYTES_PER_MB = 1_000_000;
const DAY_MS = 86_400_000;

export function price(minor: number, currency: string, language: Language): string {
  return formatMoney(minor, currency, language);
}

// Intl formatters are costly to build and are used on every screen: one per language and shape.
const decimalFormats = new Map<string, Intl.NumberFormat>();
const dateTimeFormats = new Map<Language, Intl.DateTimeFormat>();

function decimal(value: number, language: Language): string {
  const fractionDigits = value < 10 ? 1 : 0;
  const key = `${language}|${fractionDigits}`;
  let format = decimalFormats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(language, { maximumFractionDigits: fractionDigits });
    decimalFormats.set(key, format);
  }
  return format.format(value);
}

/** "1 GB", "500 MB", "Unlimited": eSIM Go counts 1 GB as 1000 MB. */
export function dataAmount(bundle: Pick<BundleView, "dataMb" | "unlimited">, t: Translate, language: Language): string {
  if (bundle.unlimited || bundle.dataMb === null) return t("data-unlimited");
  return megabytes(bundle.dataMb, t, language);
}

function megabytes(mb: number, t: Translate, language: Language): string {
  if (mb >= MB_PER_GB) return t("data-gb", { amount: decimal(mb / MB_PER_GB, language) });
  return t("data-mb", { amount: decimal(Math.max(0, mb), language) });
}

export function bytesAmount(bytes: number, t: Translate, language: Language): string {
  return megabytes(Math.round(bytes / BYTES_PER_MB), t, language);
}

export function days(count: number, t: Translate): string {
  return t("days", { days: count });
}

export function dateTime(at: Date, language: Language): string {
  let format = dateTimeFormats.get(language);
  if (!format) {
    format = new Intl.DateTimeFormat(language, { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });
    dateTimeFormats.set(language, format);
  }
  const text = format.format(at);
  return `${text} UTC`;
}

export function daysUntil(end: Date, now: Date): number {
  return Math.max(0, Math.ceil((end.getTime() - now.getTime()) / DAY_MS));
}

export function countryName(country: Country, language: Language): string {
  return country.names[language];
}

/** "Europe, 39 countries", "Germany only", "Global, 120 countries" in the customer's language. */
export function scopeLabel(bundle: BundleView, iso2: string, t: Translate, language: Language): string {
  const count = bundle.countries.length;
  if (bundle.scope === "global") return t("scope-global", { count });
  if (bundle.scope === "regional") {
    const region = bundle.region ? regionName(bundle.region, language) : (bundle.regionLabel ?? "");
    return t("scope-regional", { region, count });
  }
  const country = countryByIso(bundle.countries[0] ?? iso2);
  return t("scope-local", { country: country ? countryName(country, language) : iso2 });
}

/** "1 GB, 7 days — Germany only". */
export function planTitle(bundle: BundleView, iso2: string, t: Translate, language: Language): string {
  return t("plan-title", { data: dataAmount(bundle, t, language), days: days(bundle.durationDays, t), scope: scopeLabel(bundle, iso2, t, language) });
}

/** Country names in the customer's language, the destination first, cut after `limit`. */
export function coverageList(bundle: BundleView, iso2: string, t: Translate, language: Language, limit = 12): string {
  const names = bundle.countries
    .map((iso) => countryByIso(iso))
    .filter((country): country is Country => country !== undefined)
    .sort((a, b) => Number(b.iso2 === iso2) - Number(a.iso2 === iso2) || countryName(a, language).localeCompare(countryName(b, language), language))
    .map((country) => countryName(country, language));
  if (names.length <= limit) return names.join(", ");
  return `${names.slice(0, limit).join(", ")} ${t("details-more", { count: names.length - limit })}`;
}

export function pageCount(total: number, pageSize: number): number {
  return Math.max(1, Math.ceil(total / pageSize));
}

export function clampPage(page: number, total: number, pageSize: number): number {
  return Math.min(Math.max(0, page), pageCount(total, pageSize) - 1);
}
