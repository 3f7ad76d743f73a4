export {
  allCountries,
  countriesInRegion,
  countryByIso,
  flagOf,
  normalize,
  POPULAR_COUNTRIES,
  regionName,
  REGION_IDS,
  type Country,
  type CountryLanguage,
  type CountrySearchResult,
  type RegionId,
} from "./countries.ts";
export { rememberingCountrySearch, searchCountries } from "./country-search.ts";
export { createCatalogue, type Catalogue, type CatalogueDeps, type SyncOutcome } from "./catalogue.ts";
export type { BundleView, CostStats } from "./offers.ts";
export { scopeOf, GLOBAL_MIN_COUNTRIES, type BundleScope, type ScopeInfo } from "./scope.ts";
export { activeBundleRow, catalogueCurrency, recordBundleCost, withdrawBundle } from "./store.ts";
export { bestOffers, beats, DATA_NEEDS, fits, isDataNeed, isTripLength, TRIP_LENGTHS, type DataNeed, type TripLength } from "./chooser.ts";
