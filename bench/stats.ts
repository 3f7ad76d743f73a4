/** The value below which `fraction` of the samples fall (nearest rank); NaN for no samples. */
export function percentile(samples: readonly number[], fraction: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1));
  return sorted[rank]!;
}

/** Rounds for printing: a fixed number of decimals, no trailing zeros, never exponent notation. */
export function round(value: number, decimals = 2): string {
  if (!Number.isFinite(value)) return "nan";
  return String(Number(value.toFixed(decimals)));
}

/** One benchmark line: `bench <name> key=value ...`, in the order given. */
export function benchLine(name: string, figures: object): string {
  const pairs = Object.entries(figures).map(([key, value]: [string, unknown]) => `${key}=${typeof value === "number" ? round(value) : String(value)}`);
  return ["bench", name, ...pairs].join(" ");
}

/** Runs `task` for every item with at most `limit` in flight; resolves when all are done. */
export async function forEachConcurrently<T>(items: readonly T[], limit: number, task: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      await task(items[index]!, index);
    }
  });
  await Promise.all(lanes);
}

/** A small deterministic PRNG (mulberry32), so every run benchmarks the same inputs. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
