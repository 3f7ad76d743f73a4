import { parseArgs } from "node:util";

export interface CliOption {
  type: "string" | "number" | "boolean";
  help: string;
  /** Shown in --help and used when neither the flag nor its environment variable is set. */
  default?: string | number | boolean;
}

type ValueOf<Option extends CliOption> = Option["type"] extends "number" ? number : Option["type"] extends "boolean" ? boolean : string;

/** The flags every stand-in's CLI has. */
export interface CommonCliValues {
  port: number;
  host: string;
  /** The control API's bearer token; the stand-in picks a random one when unset. */
  controlToken?: string;
  /** Only for stand-ins that post webhooks. */
  webhookUrl?: string;
}

export type CliValues<Options extends Record<string, CliOption>> = CommonCliValues & {
  [Key in keyof Options]: Options[Key] extends { default: string | number | boolean } | { type: "boolean" } ? ValueOf<Options[Key]> : ValueOf<Options[Key]> | undefined;
};

/** What a started stand-in tells its CLI. */
export interface CliStandIn {
  url: string;
  controlUrl: string;
  controlToken: string;
  /** The settings that point the product (or any client) at it. */
  settings: Record<string, string>;
  close(): Promise<void>;
}

export interface CliDefinition<Options extends Record<string, CliOption>, Started extends CliStandIn = CliStandIn> {
  /** The command, e.g. "esimgo-sim". */
  name: string;
  /** What it stands in for, e.g. "eSIM Go v2.4 simulator". */
  title: string;
  /** Every flag also reads `<envPrefix>_<FLAG>`, e.g. ESIMGO_SIM_RATE_LIMIT for --rate-limit. */
  envPrefix: string;
  defaultPort: number;
  /** Help text for --webhook-url; leave it out when the stand-in posts nowhere. */
  webhookUrl?: string;
  /** The stand-in's own flags, keyed by camelCase name (`rateLimit` is --rate-limit). */
  options: Options;
  /** Lines printed after the settings (a catalogue size, a balance). */
  notes?(started: Started): string[];
  start(values: CliValues<Options>): Promise<Started>;
}

export interface CliIo {
  argv: string[];
  env: Record<string, string | undefined>;
  out(text: string): void;
  err(text: string): void;
}

export class CliUsageError extends Error {
  override name = "CliUsageError";
}

const COMMON: Record<keyof CommonCliValues, CliOption> = {
  port: { type: "number", help: "port to listen on; 0 picks a free one" },
  host: { type: "string", help: "address to listen on (0.0.0.0: reachable from other machines)", default: "127.0.0.1" },
  controlToken: { type: "string", help: "bearer token of the control API (default: a random one, printed at start)" },
  webhookUrl: { type: "string", help: "" },
};

/**
 * Parses the flags and environment the same way for every stand-in: a flag wins over its
 * environment variable, which wins over the default. Throws CliUsageError for a bad value; returns
 * undefined when --help was asked.
 */
export function parseCli<Options extends Record<string, CliOption>>(definition: CliDefinition<Options, CliStandIn>, io: Pick<CliIo, "argv" | "env">): CliValues<Options> | undefined {
  const all = allOptions(definition);
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: io.argv,
      options: {
        ...Object.fromEntries(Object.entries(all).map(([key, option]) => [flagOf(key), { type: option.type === "boolean" ? "boolean" : "string" }])),
        help: { type: "boolean", short: "h" },
      },
      strict: true,
      allowPositionals: false,
    });
  } catch (error) {
    throw new CliUsageError(error instanceof Error ? error.message : String(error));
  }
  if (parsed.values.help) return undefined;
  const values: Record<string, string | number | boolean | undefined> = {};
  for (const [key, option] of Object.entries(all)) {
    const raw = parsed.values[flagOf(key)] ?? io.env[envOf(definition, key)];
    values[key] = valueOf(key, option, raw);
  }
  return values as CliValues<Options>;
}

function allOptions(definition: CliDefinition<Record<string, CliOption>>): Record<string, CliOption> {
  const { webhookUrl: _webhook, ...common } = COMMON;
  return {
    ...common,
    port: { ...COMMON.port, default: definition.defaultPort },
    ...(definition.webhookUrl ? { webhookUrl: { type: "string", help: definition.webhookUrl } } : {}),
    ...definition.options,
  };
}

function valueOf(key: string, option: CliOption, raw: string | boolean | (string | boolean)[] | undefined): string | number | boolean | undefined {
  const text = Array.isArray(raw) ? raw.at(-1) : raw;
  if (text === undefined || text === "") return option.type === "boolean" ? Boolean(option.default ?? false) : option.default;
  if (option.type === "boolean") return text === true || text === "true" || text === "1";
  if (option.type === "number") {
    const number = Number(text);
    if (!Number.isFinite(number)) throw new CliUsageError(`--${flagOf(key)}: expected a number, got "${String(text)}"`);
    return number;
  }
  return String(text);
}

export function flagOf(key: string): string {
  return key.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}

export function envOf(definition: Pick<CliDefinition<Record<string, CliOption>>, "envPrefix">, key: string): string {
  return `${definition.envPrefix}_${flagOf(key).replace(/-/g, "_").toUpperCase()}`;
}

export function usage(definition: CliDefinition<Record<string, CliOption>>): string {
  const flags = Object.entries(allOptions(definition)).map(([key, option]) => ({
    flag: `--${flagOf(key)}${option.type === "boolean" ? "" : option.type === "number" ? " N" : " VALUE"}`,
    help: `${option.help}${option.default === undefined || option.type === "boolean" ? "" : ` (default ${String(option.default)})`}`,
  }));
  flags.push({ flag: "-h, --help", help: "this text" });
  const width = Math.max(...flags.map(({ flag }) => flag.length)) + 2;
  return [
    `${definition.name} — ${definition.title}`,
    "",
    `Usage: ${definition.name} [options]`,
    `Every option can also be set in the environment: ${envOf(definition, "port")} for --port, and so on.`,
    "",
    ...flags.map(({ flag, help }) => `  ${flag.padEnd(width)}${help}`),
  ].join("\n");
}

/** The start-up printout, the same for every stand-in: where it listens, the settings to use, the control API. */
export function startedText<Started extends CliStandIn>(definition: Pick<CliDefinition<Record<string, CliOption>, Started>, "name" | "title" | "notes">, started: Started): string {
  return [
    `${definition.title} (${definition.name}) listening on ${started.url}`,
    "Point the product (or any client) at it with these settings:",
    ...Object.entries(started.settings).map(([key, value]) => `  ${key}=${value}`),
    `Control API: ${started.controlUrl} with the header "Authorization: Bearer ${started.controlToken}" (GET it to list the calls)`,
    ...(definition.notes?.(started) ?? []),
    "Stop with Ctrl-C.",
  ].join("\n");
}

/** Runs a stand-in's command line: flags, start, the printout, and a clean stop on Ctrl-C or SIGTERM. */
export async function runCli<Options extends Record<string, CliOption>, Started extends CliStandIn>(
  definition: CliDefinition<Options, Started>,
  io: Partial<CliIo> = {},
): Promise<Started | undefined> {
  const out = io.out ?? ((text: string) => process.stdout.write(`${text}\n`));
  const err = io.err ?? ((text: string) => process.stderr.write(`${text}\n`));
  let values: CliValues<Options> | undefined;
  try {
    values = parseCli(definition, { argv: io.argv ?? process.argv.slice(2), env: io.env ?? process.env });
  } catch (error) {
    err(`${definition.name}: ${error instanceof Error ? error.message : String(error)}\n\n${usage(definition)}`);
    process.exitCode = 2;
    return undefined;
  }
  if (!values) {
    out(usage(definition));
    return undefined;
  }
  const started = await definition.start(values);
  out(startedText(definition, started));
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => void started.close().then(() => process.exit(0)));
  return started;
}
