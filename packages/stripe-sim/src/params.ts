import { invalidRequest, missingParam } from "./errors.ts";
import type { ParamValue, Params } from "./form.ts";
import type { Metadata } from "./types.ts";

/** Readers for decoded request params that fail the way Stripe does (400 naming the param). */

export function rejectUnknown(params: Params, known: readonly string[], prefix = ""): void {
  for (const key of Object.keys(params)) {
    if (!known.includes(key)) throw invalidRequest(`Received unknown parameter: ${prefix}${key}`, `${prefix}${key}`, "parameter_unknown");
  }
}

export function optionalString(value: ParamValue | undefined, param: string, maxLength = 5_000): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "string") throw invalidRequest(`Invalid string: ${param} must be a string.`, param);
  if (value.length > maxLength) throw invalidRequest(`Invalid string: ${param} must be at most ${maxLength} characters.`, param);
  return value;
}

export function requiredString(value: ParamValue | undefined, param: string, maxLength?: number): string {
  const text = optionalString(value, param, maxLength);
  if (text === undefined || text === "") throw missingParam(param);
  return text;
}

export function optionalInteger(value: ParamValue | undefined, param: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "string" || !/^-?[0-9]{1,15}$/.test(value)) throw invalidRequest(`Invalid integer: ${String(value)}`, param);
  return Number(value);
}

export function requiredInteger(value: ParamValue | undefined, param: string): number {
  const number = optionalInteger(value, param);
  if (number === undefined) throw missingParam(param);
  return number;
}

export function optionalObject(value: ParamValue | undefined, param: string): Params | undefined {
  if (value === undefined) return undefined;
  if (typeof value === "string" || Array.isArray(value)) throw invalidRequest(`Invalid object: ${param} must be a hash.`, param);
  return value;
}

export function optionalArray(value: ParamValue | undefined, param: string): ParamValue[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) throw invalidRequest(`Invalid array: ${param} must be an array.`, param);
  return value;
}

/** Stripe's limits: 50 keys, keys up to 40 characters, values up to 500; an empty value means "unset". */
export function metadataOf(value: ParamValue | undefined, param: string): Metadata {
  const raw = optionalObject(value, param) ?? {};
  const metadata: Metadata = {};
  for (const [key, inner] of Object.entries(raw)) {
    if (key.length > 40) throw invalidRequest(`Metadata keys can have at most 40 characters: ${key}`, `${param}[${key}]`);
    if (typeof inner !== "string") throw invalidRequest(`Metadata values must be strings.`, `${param}[${key}]`);
    if (inner.length > 500) throw invalidRequest(`Metadata values can have at most 500 characters.`, `${param}[${key}]`);
    if (inner !== "") metadata[key] = inner;
  }
  if (Object.keys(metadata).length > 50) throw invalidRequest("Metadata can have at most 50 keys.", param);
  return metadata;
}

export function optionalUrl(value: ParamValue | undefined, param: string): string | undefined {
  const text = optionalString(value, param, 5_000);
  if (text === undefined) return undefined;
  if (!isHttpUrl(text.replaceAll("{CHECKOUT_SESSION_ID}", "cs"))) throw invalidRequest("Not a valid URL", param, "url_invalid");
  return text;
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === "https:" || url.protocol === "http:";
  } catch {
    return false;
  }
}

export function optionalEnum<T extends string>(value: ParamValue | undefined, param: string, allowed: readonly T[]): T | undefined {
  const text = optionalString(value, param);
  if (text === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(text)) {
    throw invalidRequest(`Invalid ${param}: must be one of ${allowed.join(", ")}`, param);
  }
  return text as T;
}
