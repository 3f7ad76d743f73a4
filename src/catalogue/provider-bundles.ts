import { z } from "zod";
import type { CatalogueBundle } from "../esimgo/index.ts";
import { countryByIso } from "./countries.ts";
import type { StoredBundle } from "./store.ts";

const INT32_MAX = 2_147_483_647;

const isoCode = z
  .string()
  .trim()
  .transform((code) => (code.length === 3 ? (countryByIso(code)?.iso2 ?? code) : code).toUpperCase())
  .pipe(z.string().regex(/^[A-Z]{2}$/));

const shortText = z.string().max(500);

// The client parses the wire format; this re-checks what we are about to store and sell.
const providerBundle = z.object({
  name: z.string().trim().min(1).max(200),
  description: shortText.catch(""),
  groups: z.array(shortText).catch([]),
  countries: z.array(z.object({ iso: isoCode })),
  dataMb: z.number().int().min(0).max(INT32_MAX).nullable(),
  durationDays: z.number().int().min(1).max(3650),
  speed: z.array(shortText).catch([]),
  autostart: z.boolean().catch(false),
  unlimited: z.boolean(),
  roamingCountries: z.array(z.string()).catch([]),
  priceMinor: z.number().int().min(0).max(INT32_MAX),
  imageUrl: z.string().max(2000).optional().catch(undefined),
});

export interface CheckedBundles {
  bundles: StoredBundle[];
  rejected: { name: string; problem: string }[];
}

/** Keeps the bundles we can sell safely; one broken bundle must not take the whole catalogue down. */
export function checkProviderBundles(input: readonly CatalogueBundle[]): CheckedBundles {
  const byName = new Map<string, StoredBundle>();
  const rejected: CheckedBundles["rejected"] = [];
  for (const raw of input) {
    const parsed = providerBundle.safeParse(raw);
    if (!parsed.success) {
      rejected.push({ name: nameOf(raw), problem: z.prettifyError(parsed.error) });
      continue;
    }
    const bundle = parsed.data;
    byName.set(bundle.name, {
      name: bundle.name,
      description: bundle.description,
      groups: bundle.groups,
      countries: [...new Set(bundle.countries.map((c) => c.iso))],
      dataMb: bundle.dataMb,
      unlimited: bundle.unlimited,
      durationDays: bundle.durationDays,
      speed: bundle.speed,
      autostart: bundle.autostart,
      roamingCountries: bundle.roamingCountries,
      costMinor: bundle.priceMinor,
      imageUrl: bundle.imageUrl ?? null,
    });
  }
  return { bundles: [...byName.values()], rejected };
}

function nameOf(raw: unknown): string {
  const name = typeof raw === "object" && raw !== null && "name" in raw ? raw.name : undefined;
  return typeof name === "string" ? name.slice(0, 200) : "(no name)";
}
