import type { Catalogue } from "../catalogue/index.ts";
import type { Language } from "../customers/index.ts";
import type { Translate } from "../copy/index.ts";
import type { Shop } from "../shop/index.ts";
import type { ScreenCache } from "./cache.ts";

/** Who a screen is for: their language and its translator. A chat framework's context satisfies it. */
export interface Ui {
  t: Translate;
  language: Language;
}

export interface ScreenSettings {
  /** Buttons per page in lists (offers, countries, eSIMs). */
  pageSize: number;
  refundPolicy: string;
  supportContact?: string;
  lowBalanceThresholdMinor: number;
  /** Offer payment in Telegram Stars beside the card, at this worth of one Star in dollars (Telegram only). */
  stars?: { usdPerStar: number };
}

/** What screens are built from; one per channel, built once. */
export interface ScreenDeps {
  catalogue: Catalogue;
  shop: Shop;
  /** Offer screens, per language; they are most of what browsing costs to render. */
  screens: ScreenCache;
  settings: ScreenSettings;
}
