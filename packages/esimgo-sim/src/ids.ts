import { randomInt, randomUUID } from "node:crypto";

export function luhnCheckDigit(digits: string): number {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return (10 - (sum % 10)) % 10;
}

export function isValidLuhn(number: string): boolean {
  return /^\d+$/.test(number) && luhnCheckDigit(number.slice(0, -1)) === Number(number.slice(-1));
}

const ALPHANUMERIC = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";

function randomText(length: number, alphabet = ALPHANUMERIC): string {
  let out = "";
  for (let i = 0; i < length; i++) out += alphabet[randomInt(alphabet.length)];
  return out;
}

/** 19-digit ICCIDs: 89 (telecom) 44 (country) issuer + serial, Luhn check digit last. */
export class IccidSequence {
  private next: number;

  constructor(private readonly issuer = "5385") {
    this.next = randomInt(100_000_000, 900_000_000);
  }

  take(): string {
    const body = `8944${this.issuer}${String(this.next++).padStart(10, "0")}`;
    return `${body}${luhnCheckDigit(body)}`;
  }
}

export const matchingId = () => `JQ-${randomText(6)}-${randomText(7)}`;
export const orderReference = () => randomUUID();
export const pin = () => randomText(4, "0123456789");
export const puk = () => randomText(8, "0123456789");

/** eSIM Go timestamps carry nanoseconds: 2025-03-28T14:47:26.153875019Z. */
export function nanoTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace("Z", `${randomText(6, "0123456789")}Z`);
}
