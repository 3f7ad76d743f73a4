import { performance } from "node:perf_hooks";

/** Messages per second per phone number, over a sliding second of the real clock (a test clock never moves it). */
export interface Throughput {
  /** True when this message fits; false when it is one too many (130429). */
  take(): boolean;
}

export function createThroughput(perSecond: number, clock: () => number = () => performance.now()): Throughput {
  const recent: number[] = [];
  return {
    take() {
      if (perSecond <= 0) return true;
      const now = clock();
      while (recent.length > 0 && (recent[0] ?? 0) <= now - 1000) recent.shift();
      if (recent.length >= perSecond) return false;
      recent.push(now);
      return true;
    },
  };
}
