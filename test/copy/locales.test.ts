import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { SUPPORTED_LANGUAGES } from "../../src/customers/index.ts";
import { LOCALES_DIR, translatorFor } from "../../src/copy/index.ts";

const keysOf = (language: string) =>
  readFileSync(path.join(LOCALES_DIR, `${language}.ftl`), "utf8")
    .split("\n")
    .map((line) => /^([a-z][a-z0-9-]*) =/.exec(line)?.[1])
    .filter((key): key is string => key !== undefined);

// Sample values for every variable any message uses.
const VARIABLES = {
  name: "Ann", days: 3, count: 5, query: "Atlantis", flag: "🇩🇪", country: "Germany", region: "Europe", page: 1, pages: 2, data: "1 GB",
  price: "$4.99", amount: "1.5", trip: "a week", scope: "Germany only", title: "1 GB, 7 days", coverage: "Germany", speed: "4G, 5G", start: "s",
  destination: "Germany", plan: "1 GB, 7 days", iccid: "1234", expires: "1 Jan", order: "42", total: 3, index: 1, bundle: "DE 1GB",
  status: "delivered", usage: "u", remaining: "1 GB", initial: "2 GB", time: "12:00", policy: "POLICY", contact: "@help", smdp: "rsp.example",
  matching: "ABC", reason: "r", cost: "$1", seconds: 3, cause: "boom", retry: "yes", needed: "$1", balance: "$9", threshold: "$5",
  "cheapest-count": 1, cheapest: "$1", "median-count": 2, median: "$2", id: "1", at: "now", customer: "7", kind: "new", created: "now",
  reference: "ref", stars: "384 ⭐", attempts: 1, error: "none", refund: "none", type: "placed", detail: "ok", method: "card", period: "Today", sales: 1, revenue: "$1", margin: "$1",
  paid: "$3", discount: "$2", minimum: "$1", below: "cost",
};

// Messages made only of placeholders and symbols read the same in every language.
const LANGUAGE_NEUTRAL = new Set([
  "offer-button-local", "offer-button-regional", "offer-button-global", "plan-title", "esim-list-line", "esim-button", "admin-order-event",
  "admin-order-line", "admin-none", "data-gb", "data-mb", "stars-invoice-label",
]);

describe("locales", () => {
  const english = keysOf("en");

  it.each(["ru", "tr"])("%s has exactly the English keys", (language) => {
    expect(new Set(keysOf(language))).toEqual(new Set(english));
  });

  it.each(SUPPORTED_LANGUAGES)("every message of %s parses and resolves its variables", (language) => {
    for (const key of english) {
      const text = translatorFor(language)(key, VARIABLES);
      expect(text, `${language}:${key}`).not.toBe(key);
      expect(text, `${language}:${key}`).not.toMatch(/[{}]/);
    }
  });

  it.each(["ru", "tr"] as const)("%s leaves no English text behind", (language) => {
    const untranslated = english.filter((key) => !LANGUAGE_NEUTRAL.has(key) && translatorFor(language)(key, VARIABLES) === translatorFor("en")(key, VARIABLES));
    expect(untranslated).toEqual([]);
  });

  it("uses the Russian plural forms", () => {
    expect([1, 3, 7, 21].map((days) => translatorFor("ru")("days", { days }))).toEqual(["1 день", "3 дня", "7 дней", "21 день"]);
  });
});
