import { performance } from "node:perf_hooks";
import { allCountries, searchCountries } from "../src/catalogue/index.ts";
import { percentile, seededRandom } from "./stats.ts";

export interface SearchFigures {
  queries: number;
  p50_us: number;
  p99_us: number;
}

const LANGUAGES = ["en", "ru", "tr"] as const;
const WARM_UP_ROUNDS = 1;

type Mutation = (name: string, random: () => number) => string;

/** What travellers type: the name as is, shouting or lower case, a typo of each common kind, the first letters. */
const MUTATIONS: readonly Mutation[] = [
  (name) => name,
  (name) => name.toLowerCase(),
  (name) => name.toUpperCase(),
  (name, random) => dropLetter(name, random),
  (name, random) => swapNeighbours(name, random),
  (name, random) => replaceLetter(name, random),
  (name, random) => doubleLetter(name, random),
  (name) => name.slice(0, Math.max(3, Math.ceil(name.length * 0.6))),
];

/** Every country name in English, Russian and Turkish, each typed in every way above. */
export function searchQueries(seed = 7): string[] {
  const random = seededRandom(seed);
  return allCountries().flatMap((country) => LANGUAGES.flatMap((language) => MUTATIONS.map((mutate) => mutate(country.names[language], random))));
}

export function benchSearch(): SearchFigures {
  const queries = searchQueries();
  for (let round = 0; round < WARM_UP_ROUNDS; round++) for (const query of queries) searchCountries(query);
  const micros = queries.map((query) => {
    const started = performance.now();
    searchCountries(query);
    return (performance.now() - started) * 1000;
  });
  return { queries: queries.length, p50_us: percentile(micros, 0.5), p99_us: percentile(micros, 0.99) };
}

function pick(random: () => number, length: number): number {
  return Math.floor(random() * length);
}

function dropLetter(name: string, random: () => number): string {
  if (name.length < 4) return name;
  const at = pick(random, name.length);
  return name.slice(0, at) + name.slice(at + 1);
}

function swapNeighbours(name: string, random: () => number): string {
  if (name.length < 4) return name;
  const at = pick(random, name.length - 1);
  return name.slice(0, at) + name[at + 1] + name[at] + name.slice(at + 2);
}

function replaceLetter(name: string, random: () => number): string {
  if (name.length < 4) return name;
  const at = pick(random, name.length);
  const alphabet = /[а-яё]/i.test(name) ? "абвгдежзиклмнопрстуфхцчшщыэюя" : "abcdefghijklmnopqrstuvwxyzçğıöşü";
  return name.slice(0, at) + alphabet[pick(random, alphabet.length)] + name.slice(at + 1);
}

function doubleLetter(name: string, random: () => number): string {
  const at = pick(random, name.length);
  return name.slice(0, at + 1) + name.slice(at);
}
