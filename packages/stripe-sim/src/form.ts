import { invalidRequest } from "./errors.ts";

/** A decoded request body: Stripe's form encoding nests with `a[b][0][c]` keys. */
export type Params = { [key: string]: ParamValue };
export type ParamValue = string | Params | ParamValue[];

const MAX_PARAMS = 1_000;
const MAX_DEPTH = 6;
const FORBIDDEN_SEGMENTS = new Set(["__proto__", "prototype", "constructor"]);

export function parseFormBody(body: string): Params {
  const entries = [...new URLSearchParams(body)];
  if (entries.length > MAX_PARAMS) throw invalidRequest(`Too many parameters (more than ${MAX_PARAMS}).`);
  const root: Params = {};
  for (const [key, value] of entries) assign(root, keyPath(key), value);
  return arraysFromIndexedObjects(root) as Params;
}

function keyPath(key: string): string[] {
  const match = /^([^[\]]+)((?:\[[^[\]]*\])*)$/.exec(key);
  if (!match?.[1]) throw invalidRequest(`Invalid parameter name: ${key}`, key);
  const nested = [...(match[2] ?? "").matchAll(/\[([^[\]]*)\]/g)].map((m) => m[1] ?? "");
  const path = [match[1], ...nested];
  if (path.length > MAX_DEPTH) throw invalidRequest(`Parameter nested too deeply: ${key}`, key);
  if (path.some((segment) => FORBIDDEN_SEGMENTS.has(segment))) throw invalidRequest(`Invalid parameter name: ${key}`, key);
  return path;
}

function assign(root: Params, path: string[], value: string): void {
  let node: Params = root;
  path.forEach((rawSegment, index) => {
    const segment = rawSegment === "" ? String(Object.keys(node).length) : rawSegment;
    const isLast = index === path.length - 1;
    if (isLast) {
      node[segment] = value;
      return;
    }
    const next = node[segment];
    if (next === undefined || typeof next === "string" || Array.isArray(next)) node[segment] = {};
    node = node[segment] as Params;
  });
}

/** `{ "0": x, "1": y }` becomes `[x, y]`, as Stripe reads indexed keys. */
function arraysFromIndexedObjects(value: ParamValue): ParamValue {
  if (typeof value === "string" || Array.isArray(value)) return value;
  const keys = Object.keys(value);
  const converted: Params = {};
  for (const key of keys) converted[key] = arraysFromIndexedObjects(value[key] as ParamValue);
  const indexed = keys.length > 0 && keys.every((key) => /^(?:0|[1-9][0-9]{0,3})$/.test(key));
  if (!indexed) return converted;
  return keys
    .map(Number)
    .sort((a, b) => a - b)
    .map((index) => converted[String(index)] as ParamValue);
}

/** JSON bodies (Stripe's v2 style) are accepted too; values must be strings, numbers, booleans, objects or arrays. */
export function parseJsonBody(body: string): Params {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw invalidRequest("Invalid JSON body.");
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) throw invalidRequest("Invalid JSON body: expected an object.");
  return toParams(parsed) as Params;
}

function toParams(value: unknown): ParamValue {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (Array.isArray(value)) return value.map(toParams);
  if (value !== null && typeof value === "object") {
    const out: Params = {};
    for (const [key, inner] of Object.entries(value)) {
      if (FORBIDDEN_SEGMENTS.has(key)) throw invalidRequest(`Invalid parameter name: ${key}`, key);
      out[key] = toParams(inner);
    }
    return out;
  }
  throw invalidRequest("Invalid JSON body: null values are not supported.");
}

/** A stable text form of the params, used to compare the requests behind one idempotency key. */
export function canonicalParams(params: ParamValue): string {
  if (typeof params === "string") return JSON.stringify(params);
  if (Array.isArray(params)) return `[${params.map(canonicalParams).join(",")}]`;
  const keys = Object.keys(params).sort();
  return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalParams(params[key] as ParamValue)}`).join(",")}}`;
}
