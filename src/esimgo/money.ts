/** Decimal amount (as the API sends it) to integer minor units; refuses anything that is not a real price. */
export function toMinor(decimal: number): number {
  if (typeof decimal !== "number" || !Number.isFinite(decimal) || decimal < 0) {
    throw new RangeError(`not a valid non-negative amount: ${String(decimal)}`);
  }
  return Math.round(decimal * 100);
}

/** Like toMinor but a balance may legitimately be negative (credit). */
export function balanceToMinor(decimal: number): number {
  if (!Number.isFinite(decimal)) throw new RangeError(`not a valid balance: ${String(decimal)}`);
  return Math.round(decimal * 100);
}
