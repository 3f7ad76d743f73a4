import { createRequire } from "node:module";
import isoCountries, { type LocaleData } from "i18n-iso-countries";
import { regionOf, type RegionId } from "./regions.ts";

export { regionName, REGION_IDS, type RegionId } from "./regions.ts";

export type CountryLanguage = "en" | "ru" | "tr";

export interface Country {
  iso2: string;
  iso3: string;
  flag: string;
  region: RegionId;
  names: Record<CountryLanguage, string>;
}

export interface CountrySearchResult {
  /** Set only when one country is the clear winner. */
  best?: Country;
  /** Ranked matches, best first; empty for garbage. */
  candidates: Country[];
}

export const POPULAR_COUNTRIES: readonly string[] = ["TR", "US", "GB", "DE", "FR", "ES", "IT", "TH", "JP", "AE"];

const LANGUAGES: readonly CountryLanguage[] = ["en", "ru", "tr"];

// The library's first name is often the official one ("Russian Federation"); people see these instead.
const DISPLAY_NAMES: Partial<Record<CountryLanguage, Record<string, string>>> = {
  en: {
    BN: "Brunei", CC: "Cocos Islands", CD: "DR Congo", CG: "Republic of the Congo", CI: "Côte d'Ivoire", CN: "China", CZ: "Czechia",
    FK: "Falkland Islands", FM: "Micronesia", GM: "Gambia", IR: "Iran", LA: "Laos", MD: "Moldova", MF: "Saint Martin",
    MK: "North Macedonia", PS: "Palestine", RE: "Réunion", RU: "Russia", SX: "Sint Maarten", SY: "Syria", TW: "Taiwan",
    TZ: "Tanzania", US: "United States", VA: "Vatican City", VG: "British Virgin Islands", VI: "US Virgin Islands",
  },
  ru: {
    CN: "Китай", KP: "Северная Корея", KR: "Южная Корея", PS: "Палестина", RU: "Россия", SH: "Остров Святой Елены",
    VG: "Британские Виргинские острова", VI: "Виргинские острова (США)",
  },
  tr: { CY: "Kıbrıs", HK: "Hong Kong", MO: "Makao", CV: "Yeşil Burun Adaları" },
};

// What people type besides the library's names: short forms, old names, the country a city stands for.
const ALIASES: Record<string, string[]> = {
  US: ["America", "United States", "Америка", "Соединенные Штаты", "Штаты", "Amerika", "ABD"],
  GB: ["Britain", "Great Britain", "England", "Scotland", "Wales", "Англия", "Британия", "Шотландия", "İngiltere", "Britanya"],
  TR: ["Turkey", "Turkiye", "Турция", "Türkei"],
  NL: ["Holland", "Nederland", "Голландия", "Hollanda"],
  CZ: ["Czechia", "Czech Republic", "Чехия", "Çekya"],
  KR: ["Korea", "South Korea", "Корея", "Южная Корея", "Kore", "Güney Kore"],
  KP: ["Северная Корея", "КНДР"],
  AE: ["Emirates", "UAE", "Dubai", "Abu Dhabi", "Объединённые Арабские Эмираты", "Эмираты", "Дубай", "BAE", "Emirlikler"],
  CN: ["China", "Китай", "Çin"],
  RU: ["Russia", "Россия", "Rusya"],
  BA: ["Bosnia", "Босния", "Bosna"],
  MK: ["Macedonia", "Македония", "Makedonya"],
  MM: ["Burma", "Бирма"],
  SZ: ["Swaziland", "Свазиленд"],
  CV: ["Cabo Verde"],
  VA: ["Vatican", "Vatikan"],
  CD: ["DRC", "DR Congo"],
  ID: ["Bali", "Бали"],
  DO: ["Dominican Rep"],
  TH: ["Тайланд", "Tayland"],
  BY: ["Белоруссия", "Беларусь"],
  MD: ["Молдова"],
};

let countries: readonly Country[] | undefined;
let byCode: Map<string, Country> | undefined;

export function allCountries(): readonly Country[] {
  countries ??= buildCountries();
  return countries;
}

/** ISO 3166 alpha-2 or alpha-3, any case. */
export function countryByIso(code: string): Country | undefined {
  byCode ??= new Map(allCountries().flatMap((c) => [[c.iso2, c] as const, [c.iso3, c] as const]));
  return byCode.get(code.trim().toUpperCase());
}

export function countriesInRegion(region: RegionId): Country[] {
  return allCountries().filter((c) => c.region === region);
}

export function flagOf(iso2: string): string {
  return String.fromCodePoint(...[...iso2.toUpperCase()].map((ch) => REGIONAL_INDICATOR_A + ch.charCodeAt(0) - 65));
}

const REGIONAL_INDICATOR_A = 0x1f1e6;

function registerLocales(): void {
  const require = createRequire(import.meta.url);
  for (const lang of LANGUAGES) isoCountries.registerLocale(require(`i18n-iso-countries/langs/${lang}.json`) as LocaleData);
}

function buildCountries(): Country[] {
  registerLocales();
  return Object.entries(isoCountries.getAlpha2Codes()).map(([iso2, iso3]) => {
    const region = regionOf(iso2);
    if (!region) throw new Error(`country ${iso2} has no region`);
    const names = { en: displayName(iso2, "en"), ru: displayName(iso2, "ru"), tr: displayName(iso2, "tr") };
    return { iso2, iso3, flag: flagOf(iso2), region, names };
  });
}

function displayName(iso2: string, lang: CountryLanguage): string {
  return DISPLAY_NAMES[lang]?.[iso2] ?? isoCountries.getName(iso2, lang) ?? isoCountries.getName(iso2, "en") ?? iso2;
}

/** All names of a country in every language, aliases included (search keys). */
export function namesOf(country: Country): string[] {
  const names = LANGUAGES.flatMap((lang) => isoCountries.getName(country.iso2, lang, { select: "all" }) ?? []);
  return [...new Set([...names, ...Object.values(country.names), ...(ALIASES[country.iso2] ?? [])])];
}

const FOLDED_LETTERS: Record<string, string> = { ı: "i", ß: "ss", æ: "ae", œ: "oe", ø: "o", đ: "d", ł: "l", þ: "th" };

/** Lower case, no diacritics (türkiye = turkiye, ё = е), punctuation gone ("U.S.A." = "usa"), single spaces. */
export function normalize(text: string): string {
  return text
    .toLowerCase()
    .replace(/[ıßæœøđłþ]/g, (ch) => FOLDED_LETTERS[ch] ?? ch)
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .replace(/[.'’‘`ʼ]/g, "")
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}
