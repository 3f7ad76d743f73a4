export type RegionId = "europe" | "asia" | "middle_east" | "africa" | "north_america" | "latin_america" | "caribbean" | "oceania";

export const REGION_IDS: readonly RegionId[] = ["europe", "asia", "middle_east", "africa", "north_america", "latin_america", "caribbean", "oceania"];

/** Travel regions, not UN geoscheme: Türkiye and Cyprus sit in Europe, Egypt in the Middle East, as travellers shop for them. */
const REGION_MEMBERS: Record<RegionId, string> = {
  europe:
    "AD AL AT AX BA BE BG BV BY CH CY CZ DE DK EE ES FI FO FR GB GG GI GR HR HU IE IM IS IT JE LI LT LU LV MC MD ME MK MT NL NO PL PT RO RS RU SE SI SJ SK SM TR UA VA XK",
  asia: "AF AM AZ BD BN BT CN GE HK ID IN IO JP KG KH KP KR KZ LA LK MM MN MO MV MY NP PH PK SG TH TJ TL TM TW UZ VN",
  middle_east: "AE BH EG IL IQ IR JO KW LB OM PS QA SA SY YE",
  africa:
    "AO BF BI BJ BW CD CF CG CI CM CV DJ DZ EH ER ET GA GH GM GN GQ GW KE KM LR LS LY MA MG ML MR MU MW MZ NA NE NG RE RW SC SD SH SL SN SO SS ST SZ TD TF TG TN TZ UG YT ZA ZM ZW",
  north_america: "BM CA GL PM UM US",
  latin_america: "AR BO BR BZ CL CO CR EC FK GF GS GT GY HN MX NI PA PE PY SR SV UY VE",
  caribbean: "AG AI AW BB BL BQ BS CU CW DM DO GD GP HT JM KN KY LC MF MQ MS PR SX TC TT VC VG VI",
  oceania: "AQ AS AU CC CK CX FJ FM GU HM KI MH MP NC NF NR NU NZ PF PG PN PW SB TK TO TV VU WF WS",
};

let regionByIso: Map<string, RegionId> | undefined;

export function regionOf(iso2: string): RegionId | undefined {
  regionByIso ??= new Map(REGION_IDS.flatMap((region) => REGION_MEMBERS[region].split(" ").map((iso) => [iso, region] as const)));
  return regionByIso.get(iso2);
}

const REGION_NAMES: Record<RegionId, { en: string; ru: string; tr: string }> = {
  europe: { en: "Europe", ru: "Европа", tr: "Avrupa" },
  asia: { en: "Asia", ru: "Азия", tr: "Asya" },
  middle_east: { en: "Middle East", ru: "Ближний Восток", tr: "Orta Doğu" },
  africa: { en: "Africa", ru: "Африка", tr: "Afrika" },
  north_america: { en: "North America", ru: "Северная Америка", tr: "Kuzey Amerika" },
  latin_america: { en: "Latin America", ru: "Латинская Америка", tr: "Latin Amerika" },
  caribbean: { en: "Caribbean", ru: "Карибы", tr: "Karayipler" },
  oceania: { en: "Oceania", ru: "Океания", tr: "Okyanusya" },
};

export function regionName(region: RegionId, lang: "en" | "ru" | "tr"): string {
  return REGION_NAMES[region][lang];
}
