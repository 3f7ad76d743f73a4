import { describe, expect, it } from "vitest";
import { backoffMs } from "../../src/fulfilment/index.ts";

describe("backoffMs", () => {
  const opts = { baseMs: 1_000, maxMs: 60_000 };

  it("doubles per attempt up to the cap, with jitter between half and all of the step", () => {
    const steps = [1, 2, 3, 4, 5, 6, 7, 8].map((attempt) => ({
      low: backoffMs(attempt, { ...opts, random: () => 0 }),
      high: backoffMs(attempt, { ...opts, random: () => 1 }),
    }));
    expect(steps.map((s) => s.high)).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000]);
    expect(steps.map((s) => s.low)).toEqual([500, 1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000]);
    expect(backoffMs(1_000, opts)).toBeLessThanOrEqual(60_000);
  });

  it("spreads workers that failed at the same moment", () => {
    const delays = new Set(Array.from({ length: 50 }, () => backoffMs(4, opts)));
    expect(delays.size).toBeGreaterThan(10);
    for (const delay of delays) {
      expect(delay).toBeGreaterThanOrEqual(4_000);
      expect(delay).toBeLessThanOrEqual(8_000);
    }
  });
});
