import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { FluentBundle, FluentResource, type FluentVariable } from "@fluent/bundle";
import { SUPPORTED_LANGUAGES, type Language } from "../customers/index.ts";

export const LOCALES_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../locales");

export type TranslationVariables = Record<string, string | number>;
/** A message of the Fluent files in one language, its variables filled in. */
export type Translate = (key: string, variables?: TranslationVariables) => string;

const FALLBACK: Language = "en";
let bundles: Map<Language, FluentBundle> | undefined;

/** The Fluent files are read once, on first use, for every channel alike. */
function loadBundles(): Map<Language, FluentBundle> {
  bundles ??= new Map(
    SUPPORTED_LANGUAGES.map((language) => {
      // Unicode isolation marks around every variable would end up in copy-paste codes and ICCIDs.
      const bundle = new FluentBundle(language, { useIsolating: false });
      const errors = bundle.addResource(new FluentResource(readFileSync(path.join(LOCALES_DIR, `${language}.ftl`), "utf8")));
      if (errors.length > 0) throw new Error(`locales/${language}.ftl: ${errors.map((error) => error.message).join("; ")}`);
      return [language, bundle] as const;
    }),
  );
  return bundles;
}

function format(bundle: FluentBundle, key: string, variables: TranslationVariables | undefined): string | undefined {
  const message = bundle.getMessage(key);
  if (!message?.value) return undefined;
  return bundle.formatPattern(message.value, variables as Record<string, FluentVariable> | undefined);
}

/** The translator of one language; a key missing there falls back to English, an unknown key reads as itself. */
export function translatorFor(language: Language): Translate {
  const all = loadBundles();
  const bundle = all.get(language) ?? all.get(FALLBACK);
  const fallback = all.get(FALLBACK);
  return (key, variables) => (bundle && format(bundle, key, variables)) ?? (fallback && format(fallback, key, variables)) ?? key;
}
