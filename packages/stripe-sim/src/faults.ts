/**
 * Scripted failures of the API, for testing a client's retries:
 * - "http500": answered 500 before the request is processed (nothing happens; the SDK retries if allowed);
 * - "lost_response": the request is processed, then the connection is dropped before the answer
 *   (a retry with the same idempotency key must get the first result replayed).
 */
export type FaultKind = "http500" | "lost_response";

export interface Fault {
  /** e.g. "POST"; any method when unset. */
  method?: string;
  /** The Stripe path, e.g. "/v1/checkout/sessions", or a pattern. */
  path: string | RegExp;
  kind: FaultKind;
  /** Default 1. */
  times?: number;
}

interface ArmedFault extends Fault {
  remaining: number;
}

export class FaultPlan {
  private faults: ArmedFault[] = [];

  add(fault: Fault): void {
    this.faults.push({ ...fault, remaining: fault.times ?? 1 });
  }

  clear(): void {
    this.faults = [];
  }

  /** Uses up one matching fault of this kind, if any. */
  take(kind: FaultKind, method: string, path: string): boolean {
    const fault = this.faults.find((f) => f.kind === kind && f.remaining > 0 && matches(f, method, path));
    if (!fault) return false;
    fault.remaining -= 1;
    return true;
  }
}

function matches(fault: Fault, method: string, path: string): boolean {
  if (fault.method && fault.method.toUpperCase() !== method) return false;
  return typeof fault.path === "string" ? fault.path === path : fault.path.test(path);
}
