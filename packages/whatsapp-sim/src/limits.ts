import { z } from "zod";
import { GraphError, invalidParameter } from "./errors.ts";
import { codePoints } from "./ids.ts";

/** The code a refused limit answers with: #100 for the plain fields, #131009 for interactive messages' values. */
export type LimitCode = 100 | 131009;

interface LimitParams {
  graphCode: LimitCode;
  /** "{param}" is replaced by the field's name as Graph writes it. */
  sentence: string;
}

/** Adds a refusal naming the field (by its path) with the code Meta answers it with. */
export function refuse(ctx: z.RefinementCtx, graphCode: LimitCode, sentence: string, path: (string | number)[] = []): void {
  ctx.addIssue({ code: "custom", message: sentence, path, params: { graphCode, sentence } satisfies LimitParams });
}

/** A string of min..max Unicode code points (WhatsApp counts characters, not UTF-16 units). */
export function chars(min: number, max: number, graphCode: LimitCode): z.ZodString {
  return z.string().superRefine((value, ctx) => {
    const length = codePoints(value);
    if (length > max) refuse(ctx, graphCode, `{param} must be at most ${max} characters long (it has ${length})`);
    else if (length < min) refuse(ctx, graphCode, min === 1 ? "{param} must not be empty" : `{param} must be at least ${min} characters long`);
  });
}

/** An http(s) URL. */
export function httpUrl(graphCode: LimitCode): z.ZodString {
  return z.string().superRefine((value, ctx) => {
    let protocol = "";
    try {
      protocol = new URL(value).protocol;
    } catch {
      // not a URL at all: refused below
    }
    if (protocol !== "http:" && protocol !== "https:") refuse(ctx, graphCode, "{param} must be a valid http or https URL");
  });
}

/** Graph names a nested parameter `interactive['action']['buttons'][0]['reply']['title']`. */
export function paramName(path: readonly PropertyKey[]): string {
  const [first, ...rest] = path;
  return `${String(first ?? "")}${rest.map((key) => (typeof key === "number" ? `[${key}]` : `['${String(key)}']`)).join("")}`;
}

/** The first problem zod found, as the refusal the Cloud API answers. */
export function graphErrorOf(error: z.ZodError, prefix: readonly PropertyKey[] = []): GraphError {
  const issue = error.issues[0];
  if (!issue) return invalidParameter("Invalid parameter");
  const param = paramName([...prefix, ...issue.path]);
  const params = (issue as { params?: Partial<LimitParams> }).params;
  if (issue.code === "custom" && params?.graphCode && params.sentence) {
    const sentence = `Param ${params.sentence.replace("{param}", param)}`;
    return params.graphCode === 131009 ? new GraphError("parameterValue", sentence) : invalidParameter(sentence);
  }
  return invalidParameter(sentenceOf(issue, param));
}

function sentenceOf(issue: z.core.$ZodIssue, param: string): string {
  switch (issue.code) {
    case "invalid_type":
      return issue.input === undefined ? `The parameter ${param} is required.` : `Param ${param} must be a ${issue.expected}.`;
    case "unrecognized_keys":
      return `Unexpected key "${issue.keys[0] ?? ""}" on param "${param}".`;
    case "invalid_value":
      return `Param ${param} must be one of {${issue.values.map(String).join(", ")}}.`;
    case "too_small":
    case "too_big":
      return `Param ${param} is out of range: ${issue.message}.`;
    default:
      return `Param ${param} is invalid: ${issue.message}.`;
  }
}
