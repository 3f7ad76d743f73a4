import countries from "i18n-iso-countries";

/** Region labels as eSIM Go uses them in `countries[].region` (v2.3 list). */
export type SimRegion = "Europe" | "Asia" | "Middle East" | "Africa" | "North America" | "LATAM" | "Oceania";

const MEMBERS: Record<SimRegion, string> = {
  Europe:
    "AD AL AT BA BE BG CH CY CZ DE DK EE ES FI FO FR GB GG GI GR HR HU IE IM IS IT JE LI LT LU LV MC MD ME MK MT NL NO PL PT RO RS SE SI SK SM TR UA VA XK",
  Asia: "AM AZ BD BN BT CN GE HK ID IN JP KG KH KR KZ LA LK MM MN MO MV MY NP PH PK SG TH TJ TW UZ VN",
  "Middle East": "AE BH IL IQ JO KW LB OM PS QA SA",
  Africa: "AO BF BJ BW CD CG CI CM CV DZ EG ET GA GH GM GN GW KE LR LS MA MG ML MR MU MW MZ NA NE NG RE RW SC SL SN SZ TD TG TN TZ UG ZA ZM ZW",
  "North America": "CA MX US",
  LATAM:
    "AG AI AR AW BB BO BQ BR BS BZ CL CO CR CW DM DO EC GD GF GP GT GY HN HT JM KN KY LC MQ MS NI PA PE PR PY SR SV SX TC TT UY VC VE VG VI",
  Oceania: "AU FJ GU NC NZ PF PG SB TO VU WS",
};

/** eSIM Go spells a few names the short way. */
const NAME_OVERRIDES: Record<string, string> = {
  US: "United States",
  GB: "United Kingdom",
  TR: "Turkey",
  RU: "Russia",
  KR: "South Korea",
  TW: "Taiwan",
  VN: "Vietnam",
  LA: "Laos",
  MD: "Moldova",
  BO: "Bolivia",
  VE: "Venezuela",
  TZ: "Tanzania",
  CD: "Congo (DRC)",
  CG: "Congo",
  PS: "Palestine",
  VA: "Vatican City",
  XK: "Kosovo",
};

export interface SimCountry {
  name: string;
  region: SimRegion;
  iso: string;
}

let table: Map<string, SimCountry> | undefined;

export function countryTable(): Map<string, SimCountry> {
  if (table) return table;
  table = new Map();
  for (const [region, isos] of Object.entries(MEMBERS) as [SimRegion, string][]) {
    for (const iso of isos.split(" ")) {
      const name = NAME_OVERRIDES[iso] ?? countries.getName(iso, "en");
      if (name) table.set(iso, { name, region, iso });
    }
  }
  return table;
}

export function country(iso: string): SimCountry {
  const found = countryTable().get(iso);
  if (!found) throw new Error(`simulator has no country ${iso}`);
  return found;
}
