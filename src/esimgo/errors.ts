export type EsimGoErrorKind =
  | "unauthorized"
  | "rate_limited"
  | "insufficient_balance"
  | "not_found"
  | "processing"
  | "invalid_request"
  | "transient"
  | "outcome_unknown";

export class EsimGoError extends Error {
  override readonly name = "EsimGoError";
  readonly kind: EsimGoErrorKind;
  readonly status?: number;
  readonly retryAfterMs?: number;

  constructor(kind: EsimGoErrorKind, message: string, details: { status?: number; retryAfterMs?: number; cause?: unknown } = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.kind = kind;
    if (details.status !== undefined) this.status = details.status;
    if (details.retryAfterMs !== undefined) this.retryAfterMs = details.retryAfterMs;
  }
}

/** Kinds worth another attempt on a request that is safe to repeat. */
export function isRetryable(error: EsimGoError): boolean {
  return error.kind === "transient" || error.kind === "processing" || error.kind === "rate_limited";
}

/**
 * Maps an HTTP failure to a kind; the caller decides later whether the outcome is unknown. A 401/403 is
 * "unauthorized" here: eSIM Go also answers 403 for an order, reference or ICCID that is not (or no longer) ours,
 * which the client tells apart by asking whether the key still works (client.ts, `resource`).
 */
export function kindForStatus(status: number, message: string, method = "GET"): EsimGoErrorKind {
  if (status === 401 || status === 403) return "unauthorized";
  if (status === 404) return "not_found";
  if (status === 429) return "rate_limited";
  if (status === 503) return "processing";
  if (status === 400) return kindFor400(message, method);
  return status >= 500 ? "transient" : "invalid_request";
}

function kindFor400(message: string, method: string): EsimGoErrorKind {
  if (/no payment taken|balance/i.test(message)) return "insufficient_balance";
  // Reads of an unknown bundle answer 400 "Bundle X does not exist"; in an order that is a bad request.
  if (method === "GET" && /does not exist|not found/i.test(message)) return "not_found";
  return "invalid_request";
}
