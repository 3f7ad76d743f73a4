import type { Language } from "../db/schema.ts";

export type { Language } from "../db/schema.ts";

export const SUPPORTED_LANGUAGES: readonly Language[] = ["en", "ru", "tr"];

/** The language of a channel's locale code ("ru-RU" → "ru"); English for anything we do not speak. */
export function toLanguage(code: string | null | undefined): Language {
  const base = (code ?? "").slice(0, 2).toLowerCase();
  return (SUPPORTED_LANGUAGES as readonly string[]).includes(base) ? (base as Language) : "en";
}
