export const FAULT_KINDS = ["latency", "http500", "http429", "processing503", "lost_response", "forbidden403", "notfound404", "malformed"] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultSpec {
  /** "POST /orders", "GET /catalogue", "GET /esims/{iccid}" (or a literal path), "*" for every route */
  route: string;
  kind: FaultKind;
  /** default 1; Infinity is fine */
  times?: number;
  latencyMs?: number;
  /** catalogue: fail only pages > afterPage */
  afterPage?: number;
}

interface ActiveFault {
  spec: FaultSpec;
  remaining: number;
}

export class FaultRegistry {
  private faults: ActiveFault[] = [];

  add(spec: FaultSpec): void {
    this.faults.push({ spec, remaining: spec.times ?? 1 });
  }

  clear(): void {
    this.faults = [];
  }

  /** The first fault that applies to this request, used up by one. */
  take(routeKeys: readonly string[], page: number): FaultSpec | undefined {
    const fault = this.faults.find(
      ({ spec, remaining }) => remaining > 0 && (spec.route === "*" || routeKeys.includes(spec.route)) && (spec.afterPage === undefined || page > spec.afterPage),
    );
    if (!fault) return undefined;
    fault.remaining -= 1;
    if (fault.remaining <= 0) this.faults = this.faults.filter((f) => f !== fault);
    return fault.spec;
  }
}

/** Fixed 1 s windows per client IP, as the API does (10 req/s per IP by default). */
export class RateWindow {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(private readonly limit: number) {}

  hit(ip: string, now = Date.now()): { allowed: boolean; limit: number; remaining: number; resetAt: number } {
    const start = Math.floor(now / 1000) * 1000;
    let window = this.windows.get(ip);
    if (!window || window.start !== start) {
      window = { start, count: 0 };
      this.windows.set(ip, window);
    }
    window.count += 1;
    // 0 disables limiting; headers still show a generous budget so clients never pause.
    const limit = this.limit > 0 ? this.limit : 1_000_000;
    return { allowed: window.count <= limit, limit, remaining: Math.max(0, limit - window.count), resetAt: start + 1000 };
  }
}
