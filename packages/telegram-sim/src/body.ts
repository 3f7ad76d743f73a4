import { badRequest } from "./errors.ts";

/** A file part of a multipart body. */
export class UploadedFile {
  constructor(
    readonly fileName: string,
    readonly contentType: string | undefined,
    readonly bytes: Buffer,
  ) {}

  toJSON(): Record<string, unknown> {
    return { fileName: this.fileName, size: this.bytes.length };
  }
}

export type Payload = Record<string, unknown>;

/** Bot API parameters come from the query string and the body (JSON, urlencoded or multipart), merged. */
export function parseParameters(query: URLSearchParams, contentType: string | undefined, body: Buffer): Payload {
  const payload: Payload = Object.fromEntries(query);
  if (body.length === 0) return payload;
  const type = (contentType ?? "").toLowerCase();
  if (type.startsWith("application/json")) return { ...payload, ...parseJsonBody(body) };
  if (type.startsWith("application/x-www-form-urlencoded")) {
    return { ...payload, ...Object.fromEntries(new URLSearchParams(body.toString("utf8"))) };
  }
  if (type.startsWith("multipart/form-data")) return { ...payload, ...parseMultipart(body, boundaryOf(contentType ?? "")) };
  return payload;
}

function parseJsonBody(body: Buffer): Payload {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString("utf8"));
  } catch {
    throw badRequest("can't parse JSON object");
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw badRequest("JSON object expected");
  return parsed as Payload;
}

function boundaryOf(contentType: string): string {
  const match = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  const boundary = match?.[1] ?? match?.[2];
  if (!boundary) throw badRequest("multipart boundary is missing");
  return boundary;
}

const CRLF = Buffer.from("\r\n");
const HEADER_END = Buffer.from("\r\n\r\n");

/**
 * A small multipart/form-data reader: grammY writes unquoted file names and header
 * names without spaces, which stricter parsers reject. Parts are split on the
 * boundary delimiter; file parts become UploadedFile, the rest UTF-8 strings.
 */
export function parseMultipart(body: Buffer, boundary: string): Payload {
  const delimiter = Buffer.from(`--${boundary}`);
  const partEnd = Buffer.concat([CRLF, delimiter]);
  const payload: Payload = {};
  let cursor = body.indexOf(delimiter);
  while (cursor !== -1) {
    const partStart = cursor + delimiter.length;
    if (body.subarray(partStart, partStart + 2).toString() === "--") break;
    const next = body.indexOf(partEnd, partStart);
    if (next === -1) break;
    const part = body.subarray(skipLineBreak(body, partStart), next);
    addPart(payload, part);
    cursor = next + CRLF.length;
  }
  return payload;
}

function skipLineBreak(body: Buffer, at: number): number {
  return body.subarray(at, at + 2).equals(CRLF) ? at + 2 : at;
}

function addPart(payload: Payload, part: Buffer): void {
  const headerEnd = part.indexOf(HEADER_END);
  if (headerEnd === -1) return;
  const headers = parsePartHeaders(part.subarray(0, headerEnd).toString("utf8"));
  const content = part.subarray(headerEnd + HEADER_END.length);
  const disposition = headers.get("content-disposition") ?? "";
  const name = /(?:^|;)\s*name=(?:"([^"]*)"|([^;]*))/i.exec(disposition);
  const fieldName = (name?.[1] ?? name?.[2])?.trim();
  if (!fieldName) return;
  const fileName = /;\s*filename=(?:"([^"]*)"|(.*))$/i.exec(disposition);
  if (fileName) {
    const file = (fileName[1] ?? fileName[2] ?? "file").trim();
    payload[fieldName] = new UploadedFile(file, headers.get("content-type"), Buffer.from(content));
  } else {
    payload[fieldName] = content.toString("utf8");
  }
}

function parsePartHeaders(block: string): Map<string, string> {
  const headers = new Map<string, string>();
  for (const line of block.split("\r\n")) {
    const colon = line.indexOf(":");
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return headers;
}

// --- typed access to parameters that may arrive as strings (form bodies) or JSON values

export function optionalString(payload: Payload, key: string): string | undefined {
  const value = payload[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  throw badRequest(`field "${key}" must be of type String`);
}

export function optionalNumber(payload: Payload, key: string): number | undefined {
  const value = payload[key];
  if (value === undefined || value === null || value === "") return undefined;
  const number = typeof value === "number" ? value : typeof value === "string" ? Number(value) : NaN;
  if (!Number.isFinite(number)) throw badRequest(`field "${key}" must be a valid Number`);
  return number;
}

export function requiredNumber(payload: Payload, key: string, missing = `${key} is empty`): number {
  const value = optionalNumber(payload, key);
  if (value === undefined) throw badRequest(missing);
  return value;
}

export function optionalBoolean(payload: Payload, key: string): boolean | undefined {
  const value = payload[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value === "boolean") return value;
  return value === "true" || value === "1" || value === 1;
}

/** Nested objects arrive as JSON strings in form bodies (grammY does this for multipart). */
export function optionalJson(payload: Payload, key: string, what = key): unknown {
  const value = payload[key];
  if (value === undefined || value === null || value === "") return undefined;
  if (typeof value !== "string") return value;
  try {
    return JSON.parse(value);
  } catch {
    throw badRequest(`can't parse ${what} JSON object`);
  }
}
