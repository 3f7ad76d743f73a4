import { allCountries, countryByIso, namesOf, normalize, POPULAR_COUNTRIES, type Country, type CountrySearchResult } from "./countries.ts";

// Scores: lower is better. A country keeps the best score over all its names.
const EXACT = 0;
const ISO3 = 0.5;
const PREFIX = 1;
const WORD_PREFIX = 1.5;
const FUZZY = 2; // + edit distance

const MAX_RAW_QUERY_LENGTH = 120;
const DEFAULT_LIMIT = 8;
const MIN_DECISIVE_PREFIX = 4;

interface SearchIndex {
  countries: readonly Country[];
  /** Normalized names and aliases in all languages. */
  keys: string[];
  keyCountry: Uint16Array;
  /** Each key's letters as a set of 32 buckets, to rule out most typo candidates before measuring a distance. */
  keyLetters: Uint32Array;
  exact: Map<string, number[]>;
  codes2: Map<string, number>;
  codes3: Map<string, number>;
  /** Tie-break: popular destinations first. */
  rank: Uint16Array;
  maxKeyLength: number;
  scores: Float64Array;
  rows: [Int32Array, Int32Array, Int32Array];
}

let index: SearchIndex | undefined;

/**
 * Finds a country by what a traveller types: a name or alias in English, Russian or Turkish, an ISO code,
 * a flag emoji, with case, diacritics, prefixes and small typos tolerated.
 */
export function searchCountries(query: string, limit = DEFAULT_LIMIT): CountrySearchResult {
  const raw = query.trim();
  if (raw.length === 0 || raw.length > MAX_RAW_QUERY_LENGTH) return { candidates: [] };
  const flagged = countryOfFlag(raw);
  if (flagged) return { best: flagged, candidates: [flagged] };
  const idx = searchIndex();
  const normalized = normalize(raw);
  if (normalized.length === 0 || normalized.length > idx.maxKeyLength + 3) return { candidates: [] };
  scoreAll(idx, normalized);
  return rankAndDecide(idx, limit, normalized.length);
}

/**
 * searchCountries that remembers its recent answers: travellers type the same few destinations over and over,
 * and the countries never change while the process runs.
 */
export function rememberingCountrySearch(maxEntries = 2_000): (query: string, limit?: number) => CountrySearchResult {
  const recent = new Map<string, CountrySearchResult>();
  return (query, limit = DEFAULT_LIMIT) => {
    const key = `${limit}:${query}`;
    let result = recent.get(key);
    if (!result) {
      if (recent.size >= maxEntries) recent.clear();
      recent.set(key, (result = searchCountries(query, limit)));
    }
    return result;
  };
}

function countryOfFlag(text: string): Country | undefined {
  const codePoints = [...text.replace(/\uFE0F/g, "")].map((ch) => ch.codePointAt(0) ?? 0);
  if (codePoints.length !== 2 || !codePoints.every(isRegionalIndicator)) return undefined;
  return countryByIso(String.fromCharCode(...codePoints.map((cp) => 65 + cp - REGIONAL_INDICATOR_A)));
}

const REGIONAL_INDICATOR_A = 0x1f1e6;
const REGIONAL_INDICATOR_Z = 0x1f1ff;

function isRegionalIndicator(codePoint: number): boolean {
  return codePoint >= REGIONAL_INDICATOR_A && codePoint <= REGIONAL_INDICATOR_Z;
}

function scoreAll(idx: SearchIndex, q: string): void {
  idx.scores.fill(Number.POSITIVE_INFINITY);
  for (const country of idx.exact.get(q) ?? []) lower(idx, country, EXACT);
  if (/^[a-z]{2}$/.test(q)) lowerIfFound(idx, idx.codes2.get(q), EXACT);
  if (/^[a-z]{3}$/.test(q)) lowerIfFound(idx, idx.codes3.get(q), ISO3);
  if (q.length >= 3) scorePrefixes(idx, q);
  const maxDistance = allowedDistance(q.length);
  if (maxDistance > 0) scoreTypos(idx, q, maxDistance);
}

function scorePrefixes(idx: SearchIndex, q: string): void {
  const wordStart = ` ${q}`;
  for (let k = 0; k < idx.keys.length; k++) {
    const key = idx.keys[k]!;
    if (key.startsWith(q)) lower(idx, idx.keyCountry[k]!, PREFIX);
    else if (key.includes(wordStart)) lower(idx, idx.keyCountry[k]!, WORD_PREFIX);
  }
}

function scoreTypos(idx: SearchIndex, q: string, maxDistance: number): void {
  const letters = letterBuckets(q);
  for (let k = 0; k < idx.keys.length; k++) {
    const country = idx.keyCountry[k]!;
    if (idx.scores[country]! <= FUZZY) continue;
    const key = idx.keys[k]!;
    if (Math.abs(key.length - q.length) > maxDistance) continue;
    // One typo adds or removes at most one bucket on each side, so this many differing buckets need more typos.
    if (bitCount(letters ^ idx.keyLetters[k]!) > 2 * maxDistance) continue;
    const distance = boundedDistance(idx, q, key, maxDistance);
    if (distance <= maxDistance) lower(idx, country, FUZZY + distance);
  }
}

function letterBuckets(text: string): number {
  let buckets = 0;
  for (let i = 0; i < text.length; i++) buckets |= 1 << (text.charCodeAt(i) & 31);
  return buckets >>> 0;
}

function bitCount(bits: number): number {
  let v = bits - ((bits >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/** Typos allowed grow with the length of what was typed: none for 1-3 letters, up to 3 for long names. */
function allowedDistance(length: number): number {
  if (length < 4) return 0;
  if (length < 6) return 1;
  if (length < 10) return 2;
  return 3;
}

function lower(idx: SearchIndex, country: number, score: number): void {
  if (score < idx.scores[country]!) idx.scores[country] = score;
}

function lowerIfFound(idx: SearchIndex, country: number | undefined, score: number): void {
  if (country !== undefined) lower(idx, country, score);
}

function rankAndDecide(idx: SearchIndex, limit: number, queryLength: number): CountrySearchResult {
  const found: number[] = [];
  for (let c = 0; c < idx.scores.length; c++) if (idx.scores[c]! < Number.POSITIVE_INFINITY) found.push(c);
  found.sort((a, b) => idx.scores[a]! - idx.scores[b]! || idx.rank[a]! - idx.rank[b]!);
  const candidates = found.slice(0, Math.max(1, limit)).map((c) => idx.countries[c]!);
  const [top, second] = found;
  if (top === undefined) return { candidates };
  const topScore = idx.scores[top]!;
  const gap = second === undefined ? Number.POSITIVE_INFINITY : idx.scores[second]! - topScore;
  const clearWinner = topScore === EXACT ? gap > 0 : gap >= 1 && !tooShortToDecide(topScore, queryLength);
  return clearWinner ? { best: idx.countries[top]!, candidates } : { candidates };
}

// Three letters are a prefix of too many words ("yes" of "Yeşil Burun"): offer them, never pick one.
function tooShortToDecide(score: number, queryLength: number): boolean {
  return (score === PREFIX || score === WORD_PREFIX) && queryLength < MIN_DECISIVE_PREFIX;
}

/** Optimal string alignment distance (a swap of two neighbours is one typo), abandoned once above max. */
function boundedDistance(idx: SearchIndex, a: string, b: string, max: number): number {
  let [before, previous, current] = idx.rows;
  for (let j = 0; j <= b.length; j++) previous[j] = j;
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    let rowMin = i;
    const ca = a.charCodeAt(i - 1);
    for (let j = 1; j <= b.length; j++) {
      const cb = b.charCodeAt(j - 1);
      let value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (ca === cb ? 0 : 1));
      if (i > 1 && j > 1 && ca === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === cb) value = Math.min(value, before[j - 2]! + 1);
      current[j] = value;
      if (value < rowMin) rowMin = value;
    }
    if (rowMin > max) return max + 1;
    [before, previous, current] = [previous, current, before];
  }
  return previous[b.length]!;
}

function searchIndex(): SearchIndex {
  index ??= buildIndex();
  return index;
}

function buildIndex(): SearchIndex {
  const countries = allCountries();
  const keys: string[] = [];
  const owners: number[] = [];
  const exact = new Map<string, number[]>();
  countries.forEach((country, c) => {
    for (const key of new Set(namesOf(country).map(normalize).filter(Boolean))) {
      keys.push(key);
      owners.push(c);
      exact.set(key, [...(exact.get(key) ?? []), c]);
    }
  });
  const maxKeyLength = Math.max(...keys.map((k) => k.length));
  const rowLength = maxKeyLength + 8;
  return {
    countries,
    keys,
    keyCountry: Uint16Array.from(owners),
    keyLetters: Uint32Array.from(keys, letterBuckets),
    exact,
    codes2: new Map(countries.map((c, i) => [c.iso2.toLowerCase(), i])),
    codes3: new Map(countries.map((c, i) => [c.iso3.toLowerCase(), i])),
    rank: popularityRanks(countries),
    maxKeyLength,
    scores: new Float64Array(countries.length),
    rows: [new Int32Array(rowLength), new Int32Array(rowLength), new Int32Array(rowLength)],
  };
}

// Popular destinations first, then alphabetical by English name.
function popularityRanks(countries: readonly Country[]): Uint16Array {
  const alphabetical = countries.map((_, i) => i).sort((a, b) => countries[a]!.names.en.localeCompare(countries[b]!.names.en, "en"));
  const ranks = new Uint16Array(countries.length);
  alphabetical.forEach((c, position) => (ranks[c] = POPULAR_COUNTRIES.length + position));
  POPULAR_COUNTRIES.forEach((iso2, position) => {
    const c = countries.findIndex((country) => country.iso2 === iso2);
    if (c >= 0) ranks[c] = position;
  });
  return ranks;
}
