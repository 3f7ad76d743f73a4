import { describe, expect, it } from "vitest";
import {
  allCountries,
  countriesInRegion,
  countryByIso,
  normalize,
  POPULAR_COUNTRIES,
  REGION_IDS,
  regionName,
  searchCountries,
} from "../../src/catalogue/index.ts";

describe("country list", () => {
  it("holds every ISO 3166 country once with names in three languages, a flag and a region", () => {
    const countries = allCountries();
    expect(countries.length).toBeGreaterThanOrEqual(249);
    expect(new Set(countries.map((c) => c.iso2)).size).toBe(countries.length);
    for (const country of countries) {
      expect(country.iso2).toMatch(/^[A-Z]{2}$/);
      expect(country.iso3).toMatch(/^[A-Z]{3}$/);
      expect([...country.flag]).toHaveLength(2);
      expect(REGION_IDS).toContain(country.region);
      expect(country.names.en).not.toBe("");
      expect(country.names.ru).toMatch(/[А-Яа-я]/);
      expect(country.names.tr).not.toBe("");
    }
  });

  it("uses the names people use, not the official ones", () => {
    expect(countryByIso("RU")?.names).toEqual({ en: "Russia", ru: "Россия", tr: "Rusya" });
    expect(countryByIso("US")?.names.en).toBe("United States");
    expect(countryByIso("CN")?.names.ru).toBe("Китай");
    expect(countryByIso("DE")).toMatchObject({ iso2: "DE", iso3: "DEU", flag: "🇩🇪", region: "europe", names: { en: "Germany", ru: "Германия", tr: "Almanya" } });
  });

  it.each([["de"], ["DE"], ["deu"], [" Deu "]])("finds Germany by code %j", (code) => {
    expect(countryByIso(code)?.iso2).toBe("DE");
  });

  it("returns nothing for unknown codes", () => {
    expect(countryByIso("XX")).toBeUndefined();
    expect(countryByIso("")).toBeUndefined();
    expect(countryByIso("GERMANY")).toBeUndefined();
  });

  it("groups countries by travel region", () => {
    const europe = countriesInRegion("europe").map((c) => c.iso2);
    expect(europe).toEqual(expect.arrayContaining(["DE", "FR", "TR", "GB", "ES", "IT"]));
    expect(europe).not.toContain("JP");
    expect(countriesInRegion("asia").map((c) => c.iso2)).toEqual(expect.arrayContaining(["JP", "TH", "KR"]));
    expect(countriesInRegion("middle_east").map((c) => c.iso2)).toContain("AE");
    const total = REGION_IDS.reduce((sum, region) => sum + countriesInRegion(region).length, 0);
    expect(total).toBe(allCountries().length);
  });

  it("names regions in three languages", () => {
    expect(regionName("europe", "en")).toBe("Europe");
    expect(regionName("europe", "ru")).toBe("Европа");
    expect(regionName("middle_east", "tr")).toBe("Orta Doğu");
    for (const region of REGION_IDS) for (const lang of ["en", "ru", "tr"] as const) expect(regionName(region, lang)).not.toBe("");
  });

  it("lists popular destinations that exist", () => {
    expect(POPULAR_COUNTRIES.length).toBeGreaterThanOrEqual(8);
    for (const iso2 of POPULAR_COUNTRIES) expect(countryByIso(iso2)?.iso2).toBe(iso2);
  });
});

describe("normalize", () => {
  it.each([
    ["Türkiye", "turkiye"],
    ["TÜRKİYE", "turkiye"],
    ["Kıbrıs", "kibris"],
    ["U.S.A.", "usa"],
    ["Côte d'Ivoire", "cote divoire"],
    ["  Bosnia-and   Herzegovina ", "bosnia and herzegovina"],
    ["Объединённые", "объединенные"],
    ["Guinea–Bissau", "guinea bissau"],
  ])("%j -> %j", (input, expected) => {
    expect(normalize(input)).toBe(expected);
  });
});

describe("searchCountries", () => {
  it.each([
    // English names and aliases
    ["Germany", "DE"],
    ["germany", "DE"],
    ["USA", "US"],
    ["United States", "US"],
    ["America", "US"],
    ["UK", "GB"],
    ["Britain", "GB"],
    ["England", "GB"],
    ["Turkey", "TR"],
    ["Türkiye", "TR"],
    ["Turkiye", "TR"],
    ["türkiye", "TR"],
    ["Holland", "NL"],
    ["Czechia", "CZ"],
    ["Czech Republic", "CZ"],
    ["Korea", "KR"],
    ["Emirates", "AE"],
    ["Russia", "RU"],
    // Russian
    ["Германия", "DE"],
    ["германия", "DE"],
    ["США", "US"],
    ["Америка", "US"],
    ["Англия", "GB"],
    ["Великобритания", "GB"],
    ["Турция", "TR"],
    ["Голландия", "NL"],
    ["Корея", "KR"],
    ["Объединённые Арабские Эмираты", "AE"],
    ["Объединенные Арабские Эмираты", "AE"],
    ["ОАЭ", "AE"],
    // Turkish
    ["Almanya", "DE"],
    ["almanya", "DE"],
    ["Fransa", "FR"],
    ["İngiltere", "GB"],
    ["Ingiltere", "GB"],
    ["Yunanistan", "GR"],
    ["Hollanda", "NL"],
    ["ABD", "US"],
    ["Güney Kore", "KR"],
    ["guney kore", "KR"],
    // codes and flags
    ["DE", "DE"],
    ["de", "DE"],
    ["deu", "DE"],
    ["DEU", "DE"],
    ["🇩🇪", "DE"],
    ["🇹🇷", "TR"],
    ["  🇯🇵 ", "JP"],
    // typos
    ["Germny", "DE"],
    ["Grmany", "DE"],
    ["Gremany", "DE"],
    ["Franse", "FR"],
    ["Jamica", "JM"],
    ["Autsralia", "AU"],
    ["Германя", "DE"],
    ["Грмания", "DE"],
    ["Франци", "FR"],
    ["Almnya", "DE"],
    ["Yunanstan", "GR"],
    // prefixes long enough to decide
    ["Germ", "DE"],
    ["Герм", "DE"],
    ["Alma", "DE"],
    ["Switz", "CH"],
  ])("%j -> %s", (query, iso2) => {
    const result = searchCountries(query);
    expect(result.best?.iso2).toBe(iso2);
    expect(result.candidates[0]?.iso2).toBe(iso2);
  });

  it.each([
    ["Austr", ["AT", "AU"]],
    ["Aus", ["AT", "AU"]],
    ["Congo", ["CG", "CD"]],
    ["Virgin", ["VG", "VI"]],
    ["united", ["US", "GB", "AE"]],
    ["Ind", ["IN", "ID"]],
    ["Saint", ["LC", "KN", "VC"]],
  ] as [string, string[]][])("%j is ambiguous between %j", (query, expected) => {
    const result = searchCountries(query);
    expect(result.best).toBeUndefined();
    expect(result.candidates.map((c) => c.iso2)).toEqual(expect.arrayContaining(expected));
  });

  it("finds every country by its own name in each language", () => {
    const misses = allCountries().flatMap((country) =>
      (["en", "ru", "tr"] as const).filter((lang) => searchCountries(country.names[lang]).best?.iso2 !== country.iso2).map((lang) => `${country.iso2}/${lang}`),
    );
    expect(misses).toEqual([]);
  });

  it("a typo equally close to two countries decides nothing", () => {
    const result = searchCountries("Austrlia");
    expect(result.best).toBeUndefined();
    expect(result.candidates.map((c) => c.iso2)).toEqual(expect.arrayContaining(["AT", "AU"]));
  });

  it("offers but does not pick a country from a three-letter prefix", () => {
    const result = searchCountries("jap");
    expect(result.best).toBeUndefined();
    expect(result.candidates.map((c) => c.iso2)).toEqual(["JP"]);
  });

  it("an exact name beats a longer name it starts", () => {
    expect(searchCountries("Niger").best?.iso2).toBe("NE");
    expect(searchCountries("Nigeria").best?.iso2).toBe("NG");
    expect(searchCountries("Sudan").best?.iso2).toBe("SD");
    expect(searchCountries("Dominica").best?.iso2).toBe("DM");
  });

  it("ranks popular destinations first among equals and honours the limit", () => {
    const result = searchCountries("united", 2);
    expect(result.candidates.map((c) => c.iso2)).toEqual(["US", "GB"]);
  });

  it.each([
    ["asdfgh"],
    ["qwerty"],
    ["hello"],
    ["zzzzzz"],
    ["12345"],
    ["xx"],
    ["😀"],
    ["🙂🙂🙂"],
    ["/start"],
    [""],
    ["   "],
    ["lorem ipsum dolor sit amet ".repeat(12)],
    ["Germany".repeat(45)],
  ])("garbage %j finds nothing", (query) => {
    const result = searchCountries(query);
    expect(result.best).toBeUndefined();
    expect(result.candidates).toEqual([]);
  });
});
