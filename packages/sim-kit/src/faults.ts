import { setTimeout as sleep } from "node:timers/promises";
import { z } from "zod";

/** An answer a fault sends instead of the stand-in's real one. */
export interface FaultAnswer {
  status: number;
  /** A string is sent as it is (a truncated body, say); anything else as JSON. */
  body?: unknown;
  headers?: Record<string, string>;
  /** The request is processed first (its effects happen), then this answer replaces the real one. */
  afterProcessing?: boolean;
}

/**
 * One scripted failure. It matches requests by method and path (and parameters, when given) and
 * does one or more of: wait (`delayMs`), answer something else (`answer`), or process the request
 * and close the connection without answering (`drop`: the client never learns the outcome).
 *
 * @example
 * sim.faults.inject({ method: "POST", path: "/orders", drop: true });
 * sim.faults.inject({ path: "/catalogue", answer: "http500", skip: 1, times: "always" });
 * sim.faults.inject({ path: "/sendMessage", params: { chat_id: 42 }, answer: { status: 429, body: {...} } });
 */
export interface FaultSpec {
  /** "POST"; any method when unset. */
  method?: string;
  /** The request path as the stand-in names it (see its README), a route template ("/esims/{iccid}") or "*". */
  path: string;
  /** Request parameters (query, form or JSON body, as the stand-in reads them) that must all be equal. */
  params?: Record<string, string | number | boolean>;
  /** Matching requests let through untouched before the fault starts; default 0. */
  skip?: number;
  /** How many matching requests it applies to; default 1; "always" (or Infinity) until cleared. */
  times?: number | "always";
  /** Waits this long before anything else. Alone, it makes a slow answer. */
  delayMs?: number;
  /** An answer, or the name of one of the stand-in's ready-made answers (its README lists them). */
  answer?: FaultAnswer | string;
  /** Processes the request, then closes the connection without an answer. */
  drop?: boolean;
}

/** A fault as the plan keeps it: the answer resolved, the counters live. */
export interface Fault {
  id: number;
  method?: string;
  path: string;
  params?: Record<string, string | number | boolean>;
  skip: number;
  /** Applications left; Infinity for "always". */
  remaining: number;
  delayMs?: number;
  answer?: FaultAnswer;
  drop: boolean;
}

/** What a stand-in knows about a request when it asks the plan. */
export interface FaultRequest {
  method: string;
  /** The literal path, e.g. "/esims/8944…/bundles". */
  path: string;
  /** The template of the route it matched, e.g. "/esims/{iccid}/bundles". */
  route?: string;
  params?: Record<string, unknown>;
}

export class FaultSpecError extends Error {
  override name = "FaultSpecError";
}

const answerSchema = z.strictObject({
  status: z.number().int().min(100).max(599),
  body: z.unknown().optional(),
  headers: z.record(z.string(), z.string()).optional(),
  afterProcessing: z.boolean().optional(),
});

/** A fault spec as JSON carries it (the control API's `POST /__control/faults`). */
export const faultSpecSchema = z.strictObject({
  method: z.string().min(1).optional(),
  path: z.string().min(1),
  params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
  skip: z.number().int().nonnegative().optional(),
  times: z.union([z.number().int().positive(), z.literal("always")]).optional(),
  delayMs: z.number().int().nonnegative().max(600_000).optional(),
  answer: z.union([z.string().min(1), answerSchema]).optional(),
  drop: z.boolean().optional(),
});

/**
 * The scripted failures of one stand-in. The stand-in asks `take()` once per request, at the point
 * where its real counterpart would start the work (after authentication and routing), and runs the
 * request through `applyFault()`.
 */
export class FaultPlan {
  private faults: Fault[] = [];
  private nextId = 1;

  /** @param answers ready-made answers by name, in the stand-in's own wire format. */
  constructor(private readonly answers: Readonly<Record<string, FaultAnswer>> = {}) {}

  /** Names of the ready-made answers. */
  answerNames(): string[] {
    return Object.keys(this.answers);
  }

  /** Arms a fault; throws FaultSpecError for an unknown answer name or a fault that would do nothing. */
  inject(spec: FaultSpec): Fault {
    if (spec.answer !== undefined && spec.drop) throw new FaultSpecError("a fault either answers or drops the connection, not both");
    if (spec.answer === undefined && !spec.drop && !spec.delayMs) throw new FaultSpecError("a fault needs an answer, drop or delayMs");
    const times = spec.times === "always" ? Number.POSITIVE_INFINITY : (spec.times ?? 1);
    if (!(times > 0)) throw new FaultSpecError("times must be positive");
    const fault: Fault = {
      id: this.nextId++,
      ...(spec.method ? { method: spec.method.toUpperCase() } : {}),
      path: spec.path,
      ...(spec.params ? { params: spec.params } : {}),
      skip: spec.skip ?? 0,
      remaining: times,
      ...(spec.delayMs ? { delayMs: spec.delayMs } : {}),
      ...(spec.answer !== undefined ? { answer: this.resolve(spec.answer) } : {}),
      drop: spec.drop ?? false,
    };
    this.faults.push(fault);
    return fault;
  }

  clear(): void {
    this.faults = [];
  }

  /** The armed faults, oldest first. */
  list(): Fault[] {
    return this.faults.map((fault) => ({ ...fault }));
  }

  /** The first armed fault matching this request, used up by one (or one of its skips). */
  take(request: FaultRequest): Fault | undefined {
    const fault = this.faults.find((candidate) => matches(candidate, request));
    if (!fault) return undefined;
    if (fault.skip > 0) {
      fault.skip -= 1;
      return undefined;
    }
    fault.remaining -= 1;
    if (fault.remaining <= 0) this.faults = this.faults.filter((f) => f !== fault);
    return { ...fault };
  }

  private resolve(answer: FaultAnswer | string): FaultAnswer {
    if (typeof answer !== "string") return answer;
    const named = this.answers[answer];
    if (!named) throw new FaultSpecError(`unknown answer "${answer}"; this stand-in has: ${this.answerNames().join(", ") || "none"}`);
    return named;
  }
}

function matches(fault: Fault, request: FaultRequest): boolean {
  if (fault.method && fault.method !== request.method.toUpperCase()) return false;
  if (fault.path !== "*" && fault.path !== request.path && fault.path !== request.route) return false;
  return Object.entries(fault.params ?? {}).every(([key, value]) => String(request.params?.[key]) === String(value));
}

/** How a stand-in carries out a fault: its real work, its rendering of an injected answer, and a dropped connection. */
export interface FaultEffects<Result> {
  process(): Promise<Result>;
  answer(answer: FaultAnswer): Result | Promise<Result>;
  drop(): Result;
}

/** Runs one request under a fault (or none): delay, then answer instead, or process and then answer, drop or send the real answer. */
export async function applyFault<Result>(fault: Fault | undefined, effects: FaultEffects<Result>): Promise<Result> {
  if (!fault) return effects.process();
  if (fault.delayMs) await sleep(fault.delayMs);
  if (fault.answer && !fault.answer.afterProcessing) return effects.answer(fault.answer);
  const real = await effects.process();
  if (fault.drop) return effects.drop();
  if (fault.answer) return effects.answer(fault.answer);
  return real;
}

/** The plain rendering of an injected answer: the body as JSON (or as given), `application/json`. */
export function answerResponse(answer: FaultAnswer, extraHeaders: Record<string, string> = {}): Response {
  const body = answer.body === undefined ? "" : typeof answer.body === "string" ? answer.body : JSON.stringify(answer.body);
  return new Response(body, { status: answer.status, headers: { "content-type": "application/json", ...extraHeaders, ...answer.headers } });
}
