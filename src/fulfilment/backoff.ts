/** Exponential backoff with full jitter in [half, full] of the step, capped. */
export function backoffMs(attempt: number, opts: { baseMs: number; maxMs: number; random?: () => number }): number {
  const exponent = Math.min(Math.max(attempt - 1, 0), 20);
  const ceiling = Math.min(opts.baseMs * 2 ** exponent, opts.maxMs);
  const random = opts.random ?? Math.random;
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}
