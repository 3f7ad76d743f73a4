import { describe, expect, it } from "vitest";
import { allCountries, GLOBAL_MIN_COUNTRIES, scopeOf } from "../../src/catalogue/index.ts";

const bundle = (countries: string[], extra: { name?: string; description?: string; groups?: string[] } = {}) => ({
  name: extra.name ?? "esim_1GB_7D_X_V2",
  description: extra.description ?? "eSIM, 1GB, 7 Days, V2",
  groups: extra.groups ?? ["Standard Fixed Bundles"],
  countries,
});

describe("scopeOf", () => {
  it("one base country is local", () => {
    expect(scopeOf(bundle(["DE"]))).toEqual({ scope: "local" });
  });

  it("several countries are regional, labelled by the region most of them are in", () => {
    expect(scopeOf(bundle(["DE", "FR", "IT", "ES", "TR"]))).toEqual({ scope: "regional", region: "europe", regionLabel: "Europe" });
    expect(scopeOf(bundle(["TH", "VN", "JP", "AE"]))).toEqual({ scope: "regional", region: "asia", regionLabel: "Asia" });
  });

  it.each([
    [{ name: "esim_1GB_7D_RGBS_V2", description: "eSIM, 1GB, 7 Days, Global, V2" }],
    [{ name: "esim_global_1GB_7D" }],
    [{ groups: ["Global Bundles"] }],
  ])("says global in %o: global", (extra) => {
    expect(scopeOf(bundle(["DE", "US"], extra))).toEqual({ scope: "global", regionLabel: "Global" });
  });

  it(`more than ${GLOBAL_MIN_COUNTRIES} countries is global whatever the name says`, () => {
    const isos = allCountries().map((c) => c.iso2);
    expect(scopeOf(bundle(isos.slice(0, GLOBAL_MIN_COUNTRIES + 1))).scope).toBe("global");
    expect(scopeOf(bundle(isos.slice(0, GLOBAL_MIN_COUNTRIES))).scope).toBe("regional");
  });

  it("countries we do not know still make a regional bundle, without a label", () => {
    expect(scopeOf(bundle(["IC", "QQ"]))).toEqual({ scope: "regional" });
  });
});
