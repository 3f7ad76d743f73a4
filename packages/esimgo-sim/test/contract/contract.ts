import { readFileSync } from "node:fs";
import { Ajv, type ValidateFunction } from "ajv";
import formats from "ajv-formats";
import { parse } from "yaml";
import type { SentAnswer } from "../../src/index.ts";
import { SPEC_FAULTS, type Schema, type Spec } from "./spec-faults.ts";

// ajv-formats is CommonJS: imported from ESM, its plugin is the module's `default`.
const addFormats = formats.default;

const SPEC_FILE = new URL("../../spec/esimgo-openapi-v2.4.yaml", import.meta.url);
const SPEC_ID = "esimgo-v2.4";

/**
 * Every JSON body the stand-in serves, held to the official v2.4 OpenAPI file (patched only by SPEC_FAULTS): the
 * schema of its route and status, and no field the file does not document.
 */
export class SpecContract {
  private readonly spec: Spec;
  private readonly ajv: Ajv;
  private readonly compiled = new Map<string, ValidateFunction>();
  private readonly undocumented: readonly number[];

  /** @param options.notFound404 the stand-in runs with `notFoundStatus: 404`, which the spec does not document */
  constructor(options: { notFound404?: boolean } = {}) {
    this.undocumented = options.notFound404 ? [404] : [];
    // The file repeats a key (BundleGroupList's `type: object`): read it as YAML 1.1 tools did.
    this.spec = parse(readFileSync(SPEC_FILE, "utf8"), { uniqueKeys: false }) as Spec;
    for (const fault of SPEC_FAULTS) fault.patch(this.spec);
    closeObjects(this.spec);
    this.ajv = new Ajv({ strict: false, allErrors: true, formats: { float: true, double: true, int32: true, int64: true } });
    addFormats(this.ajv);
    this.ajv.addSchema(rebased({ components: this.spec.components }) as Schema, SPEC_ID);
  }

  /** The problems with one answer; none when it is what the spec (with its known faults) says. */
  check(answer: SentAnswer): string[] {
    if (!answer.contentType.includes("application/json")) return [];
    const where = `${answer.method} ${answer.route ?? answer.path} ${answer.status}`;
    let body: unknown;
    try {
      body = JSON.parse(answer.body.toString());
    } catch {
      return [`${where}: the body is not JSON`];
    }
    const validate = this.validatorFor(answer);
    if (typeof validate === "string") return [`${where}: ${validate}`];
    if (validate(body)) return [];
    return (validate.errors ?? []).map((error) => `${where}: ${error.instancePath || "/"} ${error.message ?? "invalid"} ${JSON.stringify(error.params)}`);
  }

  /** A callback body (BundleAlert). */
  checkCallback(body: unknown): string[] {
    const validate = this.compile("callback", { $ref: `${SPEC_ID}#/components/schemas/BundleAlert` });
    return validate(body) ? [] : (validate.errors ?? []).map((error) => `callback: ${error.instancePath || "/"} ${error.message ?? "invalid"}`);
  }

  private validatorFor(answer: SentAnswer): ValidateFunction | string {
    const operation = answer.route ? this.spec.paths[answer.route]?.[answer.method.toLowerCase()] : undefined;
    const responses = operation?.responses as Record<string, { content?: Record<string, { schema?: Schema }> }> | undefined;
    const documented = responses?.[String(answer.status)]?.content;
    const schema = documented?.["application/json"]?.schema ?? documented?.["text/plain"]?.schema;
    if (schema) return this.compile(`${answer.method} ${answer.route} ${answer.status}`, rebased(schema) as Schema);
    // An unknown route (403 access denied, or 404 outside /v2.4) has no operation; its body is still a Message.
    if (answer.status >= 400 && (responses === undefined || this.undocumented.includes(answer.status))) {
      return this.compile("message", { $ref: `${SPEC_ID}#/components/schemas/Message` });
    }
    return `status ${answer.status} is not documented for this operation`;
  }

  private compile(key: string, schema: Schema): ValidateFunction {
    let validate = this.compiled.get(key);
    if (!validate) {
      validate = this.ajv.compile(schema);
      this.compiled.set(key, validate);
    }
    return validate;
  }
}

/** `$ref: "#/components/..."` pointing into the registered spec, so any part compiles on its own. */
function rebased(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(rebased);
  if (node === null || typeof node !== "object") return node;
  return Object.fromEntries(
    Object.entries(node).map(([key, value]) => [key, key === "$ref" && typeof value === "string" && value.startsWith("#/") ? `${SPEC_ID}${value}` : rebased(value)]),
  );
}

/** Every object schema with properties refuses properties it does not list. */
function closeObjects(node: unknown): void {
  if (Array.isArray(node)) return node.forEach(closeObjects);
  if (node === null || typeof node !== "object") return;
  const record = node as Schema;
  if (record.properties && typeof record.properties === "object" && record.additionalProperties === undefined) record.additionalProperties = false;
  for (const value of Object.values(record)) closeObjects(value);
}

/** Collects the problems of every answer a stand-in sends (`onAnswer`), for a test to assert none. */
export function contractRecorder(contract = new SpecContract()) {
  const recorder = {
    checked: 0,
    violations: [] as string[],
    onAnswer: (answer: SentAnswer) => {
      if (answer.contentType.includes("application/json")) recorder.checked += 1;
      recorder.violations.push(...contract.check(answer));
    },
  };
  return recorder;
}
