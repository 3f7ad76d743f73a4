import { country, countryTable, type SimCountry } from "./countries.ts";

/** A bundle as the simulator sells it; `provider` decides which eSIMs it is compatible with. */
export interface SimBundle {
  name: string;
  description: string;
  groups: string[];
  countries: SimCountry[];
  /** MB, base 10; -1 for unlimited */
  dataAmount: number;
  duration: number;
  speed: string[];
  autostart: boolean;
  unlimited: boolean;
  roamingEnabled: SimCountry[];
  price: number;
  billingType: "FixedCost";
  imageUrl: string;
  provider: "A" | "B";
}

const FIXED_GROUP = "Standard Fixed Bundles";
const UNLIMITED_GROUP = "Standard Unlimited Bundles";

/** Plans as [GB or "UL", days]. */
type Plan = readonly [number | "UL", number];
const SIZES: readonly (number | "UL")[] = [1, 3, 5, 10, 20, "UL"];
const FULL_PLANS: Plan[] = SIZES.flatMap((size) => [7, 15, 30].map((days): Plan => [size, days]));
const THIN_PLANS: Plan[] = [[1, 7], [3, 15], [5, 30], [10, 30], [20, 30], ["UL", 7], ["UL", 30]];
const GLOBAL_PLANS: Plan[] = [[1, 7], [3, 15], [5, 30], [10, 30], [20, 30]];
const SMALL_GLOBAL_PLANS: Plan[] = [[1, 7], [5, 30], [10, 30]];

const POPULAR =
  "DE FR TR US GB AT AU JP ES IT PT NL GR CH TH AE MX CA CN HK SG KR ID VN MY PH IN EG MA ZA BR AR CO PE CL NZ IL SA QA GE".split(" ");
const SMALL_COUNTRIES = "DE FR TR US GB AT AU JP".split(" ");

interface Area {
  code: string;
  label: string;
  slug: string;
  isos: string[];
  /** price multiplier over a single cheap country */
  factor: number;
}

const EU27 = "AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE";
const REGIONS: Area[] = [
  { code: "REUP", label: "Europe+", slug: "Europe", isos: `${EU27} GB NO IS LI CH MC AD SM VA GG JE IM`.split(" "), factor: 1.25 },
  { code: "RAS", label: "Asia", slug: "Asia", isos: "CN HK MO JP KR TW SG MY TH VN ID PH KH LA IN LK BD PK".split(" "), factor: 1.7 },
  { code: "RME", label: "Middle East", slug: "Middle_East", isos: "AE SA QA KW BH OM JO IL EG TR".split(" "), factor: 1.8 },
  { code: "RAF", label: "Africa", slug: "Africa", isos: "ZA KE TZ UG NG GH MA TN EG SN CI CM RW ZM ZW BW NA MU MG".split(" "), factor: 2.4 },
  { code: "RNA", label: "North America", slug: "North_America", isos: "US CA MX".split(" "), factor: 1.4 },
  { code: "RLA", label: "LATAM", slug: "Latin_America", isos: "AR BO BR CL CO CR EC GT HN NI PA PE PY SV UY MX".split(" "), factor: 1.9 },
  { code: "ROC", label: "Australia & New Zealand", slug: "Oceania", isos: "AU NZ FJ".split(" "), factor: 1.5 },
  { code: "RBK", label: "Balkans", slug: "Balkans", isos: "AL BA BG GR HR ME MK RO RS SI XK".split(" "), factor: 1.4 },
  { code: "RCB", label: "Caribbean", slug: "Caribbean", isos: "AG AI AW BB BS CW DM DO GD JM KN KY LC MS TC TT VC VG".split(" "), factor: 2.6 },
];

function globalArea(): Area {
  // Everything outside Africa plus its main destinations: ~160 countries.
  const isos = [...countryTable().values()].filter((c) => c.region !== "Africa" || "ZA EG MA KE TZ NG GH TN".includes(c.iso)).map((c) => c.iso);
  return { code: "RGBS", label: "Global", slug: "Global", isos, factor: 3.2 };
}

/** Deterministic per-country price level between 0.95 and 2.35 (cost of 1GB for 7 days). */
function priceLevel(key: string): number {
  let hash = 2166136261;
  for (const char of key) hash = Math.imul(hash ^ char.charCodeAt(0), 16777619) >>> 0;
  return 0.95 + (hash % 141) / 100;
}

function planPrice(level: number, [size, days]: Plan): number {
  const raw = size === "UL" ? level * 2.2 * days ** 0.65 : level * size ** 0.7 * (1 + (days - 7) / 80);
  return Math.max(0.5, Math.round(raw * 100) / 100);
}

function bundle(plan: Plan, code: string, label: string, isos: readonly string[], level: number, imageSlug: string, speed: string[], roaming: boolean): SimBundle {
  const [size, days] = plan;
  const unlimited = size === "UL";
  const amount = unlimited ? "Unlimited Lite" : `${size}GB`;
  const covered = isos.map(country);
  return {
    name: `esim_${unlimited ? "UL" : `${size}GB`}_${days}D_${code}_V2`,
    description: `eSIM, ${amount}, ${days} Days, ${label}, V2`,
    groups: [unlimited ? UNLIMITED_GROUP : FIXED_GROUP],
    countries: covered,
    dataAmount: unlimited ? -1 : size * 1000,
    duration: days,
    speed,
    autostart: true,
    unlimited,
    roamingEnabled: roaming ? covered : [],
    price: planPrice(level, plan),
    billingType: "FixedCost",
    imageUrl: `https://img.esimgo-sim.test/bundles/${imageSlug}.jpg`,
    // Unlimited plans come from another upstream: a top-up across providers needs a new eSIM.
    provider: unlimited ? "B" : "A",
  };
}

function localBundles(iso: string, plans: readonly Plan[]): SimBundle[] {
  const { name } = country(iso);
  const popular = POPULAR.includes(iso);
  const speed = popular ? ["4G", "5G"] : ["3G", "4G"];
  return plans.map((plan) => bundle(plan, iso, name, [iso], priceLevel(iso), name.replace(/\W+/g, "_"), speed, false));
}

function areaBundles(area: Area, plans: readonly Plan[]): SimBundle[] {
  return plans.map((plan) => bundle(plan, area.code, area.label, area.isos, 1.5 * area.factor, area.slug, ["4G", "5G"], true));
}

/** The seeded catalogue: the same every run. "small" is a few countries, Europe and global, for fast tests. */
export function seedCatalogue(size: "full" | "small"): SimBundle[] {
  if (size === "small") {
    const europe = REGIONS[0]!;
    return [...SMALL_COUNTRIES.flatMap((iso) => localBundles(iso, THIN_PLANS)), ...areaBundles(europe, THIN_PLANS), ...areaBundles(globalArea(), SMALL_GLOBAL_PLANS)];
  }
  const locals = [...countryTable().keys()].flatMap((iso) => localBundles(iso, POPULAR.includes(iso) ? FULL_PLANS : THIN_PLANS));
  const regionals = REGIONS.flatMap((area) => areaBundles(area, area.code === "REUP" ? FULL_PLANS : THIN_PLANS));
  return [...locals, ...regionals, ...areaBundles(globalArea(), GLOBAL_PLANS)];
}
