import { setTimeout as sleep } from "node:timers/promises";
import type { Logger } from "pino";
import { Agent, request } from "undici";
import type { z } from "zod";
import { endpointOf } from "./endpoint.ts";
import { EsimGoError, isRetryable, kindForStatus } from "./errors.ts";
import { RequestLimiter, type Priority } from "./limiter.ts";
import { errorBody, normaliseKeys } from "./schemas.ts";

export interface TransportOptions {
  baseUrl: string;
  apiKey: string;
  timeoutMs: number;
  requestsPerSecond: number;
  logger?: Logger;
  /** Told of every HTTP attempt, retries and 429s included: `code` is the status, or "error" when no answer came. */
  onResponse?(endpoint: string, code: string, seconds: number): void;
}

export interface Call {
  method: "GET" | "POST";
  /** Path below the version prefix, e.g. "/catalogue". */
  path: string;
  query?: readonly (readonly [string, string | number | boolean | undefined])[];
  accept: string;
  body?: unknown;
  /**
   * "once": POST /orders transaction. Repeated only after a 429 (refused before any work); any
   * failure after the request may have reached the server (timeout, reset, 5xx, unreadable answer)
   * is "outcome_unknown".
   */
  delivery?: "retry" | "once";
}

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

const MAX_ATTEMPTS = 4;
const BASE_BACKOFF_MS = 250;
const MAX_WAIT_MS = 30_000;
// Errors raised before a single byte reached the server: safe to call "transient" even for a transaction.
const NOT_SENT_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "UND_ERR_CONNECT_TIMEOUT", "EHOSTUNREACH", "ENETUNREACH"]);

/**
 * What a paid order waits on goes first: placing it, reading the order list to reconcile, its install details.
 * Browsing (compatibility, validation, usage) and the catalogue sync take what is left.
 */
function priorityOf(call: Pick<Call, "method" | "path" | "delivery">): Priority {
  if (call.delivery === "once") return "high";
  return call.method === "GET" && /^\/(orders|esims\/assignments)(\/|$)/.test(call.path) ? "high" : "low";
}

export class Transport {
  private readonly agent: Agent;
  private readonly limiter: RequestLimiter;
  private readonly base: string;

  constructor(private readonly options: TransportOptions) {
    this.base = options.baseUrl.replace(/\/+$/, "");
    this.agent = new Agent({ keepAliveTimeout: 4_000, connections: 16 });
    this.limiter = new RequestLimiter(options.requestsPerSecond);
  }

  async close(): Promise<void> {
    await this.agent.close();
  }

  /** Sends with limiter, timeout and (for safe calls) retries; returns only 2xx replies. */
  async send(call: Call): Promise<Reply> {
    const once = call.delivery === "once";
    for (let attempt = 1; ; attempt++) {
      const outcome = await this.attempt(call);
      if (!(outcome instanceof EsimGoError)) return outcome;
      // A transaction is never repeated here, not even after a 429: its caller decides, holding its lease, whether
      // it may still buy anything after the wait.
      if (once || !isRetryable(outcome) || attempt >= MAX_ATTEMPTS) throw outcome;
      const waitMs = backoffMs(attempt, outcome.retryAfterMs);
      this.options.logger?.warn({ method: call.method, path: call.path, attempt, kind: outcome.kind, status: outcome.status, waitMs }, "eSIM Go call failed, retrying");
      await sleep(waitMs);
    }
  }

  /** send + JSON decode + schema; an unreadable 2xx body is retried like a transient failure. */
  async json<Schema extends z.ZodType>(call: Call, schema: Schema): Promise<z.output<Schema>> {
    const once = call.delivery === "once";
    for (let attempt = 1; ; attempt++) {
      const reply = await this.send(call);
      const parsed = decode(reply.body, schema);
      if (parsed.success) return parsed.data;
      const error = new EsimGoError(once ? "outcome_unknown" : "transient", this.describe(call, `unreadable response (${parsed.problem})`), { status: reply.status });
      if (once || attempt >= MAX_ATTEMPTS) throw error;
      this.options.logger?.warn({ method: call.method, path: call.path, attempt, problem: parsed.problem }, "eSIM Go response unreadable, retrying");
      await sleep(backoffMs(attempt));
    }
  }

  private async attempt(call: Call): Promise<Reply | EsimGoError> {
    await this.limiter.acquire(priorityOf(call));
    const started = performance.now();
    let reply: Reply;
    try {
      reply = await this.dispatch(call);
    } catch (cause) {
      this.observe(call, "error", started);
      return this.transportFailure(call, cause);
    }
    this.observe(call, String(reply.status), started);
    this.limiter.observe(reply.headers);
    if (reply.status >= 200 && reply.status < 300) return reply;
    const error = this.httpFailure(call, reply);
    if (error.kind === "rate_limited") this.limiter.pauseUntil(Date.now() + (error.retryAfterMs ?? 1000));
    return error;
  }

  private observe(call: Call, code: string, started: number): void {
    this.options.onResponse?.(endpointOf(call.method, call.path), code, (performance.now() - started) / 1000);
  }

  private async dispatch(call: Call): Promise<Reply> {
    const headers: Record<string, string> = { "X-API-Key": this.options.apiKey, Accept: call.accept };
    if (call.body !== undefined) headers["Content-Type"] = "application/json";
    const response = await request(this.url(call), {
      dispatcher: this.agent,
      method: call.method,
      headers,
      body: call.body === undefined ? null : JSON.stringify(call.body),
      signal: AbortSignal.timeout(this.options.timeoutMs),
    });
    const body = Buffer.from(await response.body.arrayBuffer());
    return { status: response.statusCode, headers: response.headers, body };
  }

  private url(call: Call): string {
    const params = new URLSearchParams();
    for (const [key, value] of call.query ?? []) if (value !== undefined) params.append(key, String(value));
    const search = params.toString();
    return `${this.base}${call.path}${search ? `?${search}` : ""}`;
  }

  private transportFailure(call: Call, cause: unknown): EsimGoError {
    const code = errorCode(cause);
    const neverSent = code !== undefined && NOT_SENT_CODES.has(code);
    const kind = call.delivery === "once" && !neverSent ? "outcome_unknown" : "transient";
    const reason = isTimeout(cause) ? `timed out after ${this.options.timeoutMs} ms` : `network error ${code ?? (cause instanceof Error ? cause.message : "")}`.trim();
    return new EsimGoError(kind, this.describe(call, reason), { cause });
  }

  private httpFailure(call: Call, reply: Reply): EsimGoError {
    const message = serverMessage(reply.body);
    let kind = kindForStatus(reply.status, message, call.method);
    if (call.delivery === "once" && reply.status >= 500) kind = "outcome_unknown";
    const retryAfterMs = kind === "rate_limited" || kind === "processing" ? (retryAfter(reply.headers["retry-after"]) ?? 1000) : undefined;
    return new EsimGoError(kind, this.describe(call, `HTTP ${reply.status} ${message}`.trim()), {
      status: reply.status,
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    });
  }

  /** Error text for people and logs; the key must never leak, even if the server echoes it. */
  private describe(call: Call, reason: string): string {
    const text = `eSIM Go ${call.method} ${call.path}: ${reason}`;
    return this.options.apiKey ? text.split(this.options.apiKey).join("[REDACTED]") : text;
  }
}

function decode<Schema extends z.ZodType>(body: Buffer, schema: Schema): { success: true; data: z.output<Schema> } | { success: false; problem: string } {
  let json: unknown;
  try {
    json = JSON.parse(body.toString("utf8"));
  } catch {
    return { success: false, problem: "not JSON" };
  }
  const parsed = schema.safeParse(normaliseKeys(json));
  if (parsed.success) return { success: true, data: parsed.data };
  return { success: false, problem: parsed.error.issues.slice(0, 3).map((i) => `${i.path.join(".")}: ${i.message}`).join("; ") };
}

function serverMessage(body: Buffer): string {
  const text = body.toString("utf8").slice(0, 500);
  try {
    const parsed = errorBody.safeParse(normaliseKeys(JSON.parse(text)));
    if (parsed.success) return parsed.data;
  } catch {
    // text/plain errors are documented for POST /orders
  }
  return text.trim();
}

function backoffMs(attempt: number, retryAfterMs?: number): number {
  if (retryAfterMs !== undefined) return Math.min(retryAfterMs, MAX_WAIT_MS) + Math.floor(Math.random() * 100);
  const exponential = BASE_BACKOFF_MS * 2 ** (attempt - 1);
  return Math.floor(exponential / 2 + Math.random() * (exponential / 2));
}

/** Retry-After in seconds or as an HTTP date. */
function retryAfter(header: string | string[] | undefined): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const at = Date.parse(value);
  return Number.isFinite(at) ? Math.max(0, at - Date.now()) : undefined;
}

function errorCode(error: unknown): string | undefined {
  for (let current: unknown = error, depth = 0; current && depth < 4; depth++) {
    if (typeof current === "object" && "code" in current && typeof current.code === "string") return current.code;
    current = typeof current === "object" && "cause" in current ? current.cause : undefined;
  }
  return undefined;
}

function isTimeout(error: unknown): boolean {
  return error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError" || /timeout/i.test(error.message));
}
