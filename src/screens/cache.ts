import type { Screen } from "../copy/index.ts";

/** Screens built from nothing but the catalogue and the language, reused until the catalogue changes. */
export interface ScreenCache {
  get(key: string, build: () => Screen): Screen;
}

export function createScreenCache(revision: () => number, maxEntries = 5_000): ScreenCache {
  const screens = new Map<string, Screen>();
  let builtFor = revision();
  return {
    get(key, build) {
      if (revision() !== builtFor || screens.size >= maxEntries) {
        screens.clear();
        builtFor = revision();
      }
      let screen = screens.get(key);
      if (!screen) screens.set(key, (screen = build()));
      return screen;
    },
  };
}
