import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { I18n } from "@grammyjs/i18n";
import { SUPPORTED_LANGUAGES, type Language } from "../customers/index.ts";
import type { BotContext } from "./context.ts";

export const LOCALES_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../locales");

export type TranslationVariables = Record<string, string | number>;
export type Translate = (key: string, variables?: TranslationVariables) => string;

let shared: I18n<BotContext> | undefined;

/** One Fluent instance for the bot and the notifier; the locale files are read once. */
export function sharedI18n(): I18n<BotContext> {
  shared ??= createI18n();
  return shared;
}

function createI18n(): I18n<BotContext> {
  const i18n = new I18n<BotContext>({
    defaultLocale: "en",
    // Unicode isolation marks around every variable would end up in copy-paste codes and ICCIDs.
    fluentBundleOptions: { useIsolating: false },
    localeNegotiator: (ctx) => ctx.language,
  });
  for (const language of SUPPORTED_LANGUAGES) {
    i18n.loadLocaleSync(language, { source: readFileSync(path.join(LOCALES_DIR, `${language}.ftl`), "utf8") });
  }
  cacheBundleMatching(i18n);
  return i18n;
}

type BundleMatcher = (locales: string[]) => unknown;

/**
 * @grammyjs/i18n negotiates the locale again on every single translation: more than half of what a translation
 * cost, and a screen of offers makes dozens. The bundles never change after loading, so the answer per locale
 * list is remembered. Should a library update drop the method, translations stay correct, only slower.
 */
function cacheBundleMatching(i18n: I18n<BotContext>): void {
  const fluent = i18n.fluent as unknown as { matchBundles?: BundleMatcher };
  const match = fluent.matchBundles?.bind(fluent);
  if (!match) return;
  const matched = new Map<string, unknown>();
  fluent.matchBundles = (locales) => {
    const key = locales.join(",");
    if (!matched.has(key)) matched.set(key, match(locales));
    return matched.get(key);
  };
}

export function translatorFor(language: Language): Translate {
  const i18n = sharedI18n();
  return (key, variables) => i18n.t(language, key, variables);
}
