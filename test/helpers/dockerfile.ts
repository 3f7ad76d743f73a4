import { spawn } from "node:child_process";
import { cpSync, mkdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

/**
 * Runs a Dockerfile's steps without a Docker engine: each stage's filesystem is a directory under `root`, COPY copies
 * from the build context (or, with --from, another stage's directory), RUN runs the command with `sh -c` in the
 * WORKDIR on this machine's Node and npm. What it cannot do (the base image, USER) it records for the test to look at.
 * An instruction it does not know fails the run, so the Dockerfile cannot drift beyond what is tested.
 */
export interface BuiltImage {
  /** The final stage's WORKDIR, as a directory here. */
  workdir: string;
  env: Record<string, string>;
  from: string;
  user?: string;
  expose: string[];
  /** Exec form only: a shell form would stand between Docker's SIGTERM and Node. */
  cmd: string[];
  healthcheck?: { options: Record<string, string>; cmd: string[] };
  /** Every RUN, in order, as it was run. */
  ran: string[];
}

interface Instruction {
  keyword: string;
  args: string;
}

interface StageState {
  name: string;
  root: string;
  from: string;
  workdir: string;
  env: Record<string, string>;
  user?: string;
  expose: string[];
  cmd?: string[];
  healthcheck?: { options: Record<string, string>; cmd: string[] };
}

/** Lines joined at trailing backslashes; comments and blank lines dropped. */
export function readInstructions(text: string): Instruction[] {
  const logical = text.replace(/\\\r?\n/g, " ").split(/\r?\n/);
  return logical
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"))
    .map((line) => {
      const [keyword = "", ...rest] = line.split(/\s+/);
      return { keyword: keyword.toUpperCase(), args: rest.join(" ") };
    });
}

export interface RunOptions {
  dockerfile: string;
  context: string;
  root: string;
  /** Environment for RUN besides the stage's ENV (PATH, HOME). */
  baseEnv: Record<string, string>;
  timeoutMs: number;
}

export async function runDockerfile(options: RunOptions): Promise<BuiltImage> {
  const stages: StageState[] = [];
  const ran: string[] = [];
  let stage: StageState | undefined;
  const current = (): StageState => {
    if (!stage) throw new Error("an instruction before FROM");
    return stage;
  };

  for (const { keyword, args } of readInstructions(readFileSync(options.dockerfile, "utf8"))) {
    switch (keyword) {
      case "FROM": {
        const match = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args);
        if (!match?.[1]) throw new Error(`FROM ${args}: expected "image [AS name]"`);
        const name = match[2] ?? `stage-${stages.length}`;
        stage = { name, root: path.join(options.root, name), from: match[1], workdir: "/", env: {}, expose: [] };
        mkdirSync(stage.root, { recursive: true });
        stages.push(stage);
        break;
      }
      case "WORKDIR": {
        const s = current();
        s.workdir = path.posix.resolve(s.workdir, args);
        mkdirSync(hostPath(s, s.workdir), { recursive: true });
        break;
      }
      case "ENV": {
        const s = current();
        for (const pair of args.split(/\s+/)) {
          const [key, ...value] = pair.split("=");
          if (!key || value.length === 0) throw new Error(`ENV ${args}: only the key=value form is read here`);
          s.env[key] = value.join("=");
        }
        break;
      }
      case "COPY":
        copy(current(), stages, options.context, args);
        break;
      case "RUN": {
        const s = current();
        if (args.startsWith("[")) throw new Error(`RUN ${args}: only the shell form is read here`);
        await sh(args, hostPath(s, s.workdir), { ...options.baseEnv, ...s.env }, options.timeoutMs);
        ran.push(args);
        break;
      }
      case "USER":
        current().user = args;
        break;
      case "EXPOSE":
        current().expose.push(...args.split(/\s+/));
        break;
      case "CMD":
        current().cmd = execForm(args, "CMD");
        break;
      case "HEALTHCHECK": {
        const match = /^((?:--\S+=\S+\s+)*)CMD\s+(.+)$/.exec(args);
        if (!match?.[2]) throw new Error(`HEALTHCHECK ${args}: expected [--option=value ...] CMD [...]`);
        const options = Object.fromEntries((match[1] ?? "").trim().split(/\s+/).filter(Boolean).map((o) => o.slice(2).split("=") as [string, string]));
        current().healthcheck = { options, cmd: execForm(match[2], "HEALTHCHECK CMD") };
        break;
      }
      default:
        throw new Error(`${keyword}: not an instruction this test knows how to run; teach test/helpers/dockerfile.ts, or keep to the ones it reads`);
    }
  }
  const last = stages.at(-1);
  if (!last?.cmd) throw new Error("the last stage has no CMD");
  return {
    workdir: hostPath(last, last.workdir),
    env: last.env,
    from: last.from,
    ...(last.user ? { user: last.user } : {}),
    expose: last.expose,
    cmd: last.cmd,
    ...(last.healthcheck ? { healthcheck: last.healthcheck } : {}),
    ran,
  };
}

function hostPath(stage: StageState, containerPath: string): string {
  return path.join(stage.root, containerPath);
}

function execForm(args: string, what: string): string[] {
  const parsed: unknown = JSON.parse(args);
  if (!Array.isArray(parsed) || parsed.length === 0 || !parsed.every((part) => typeof part === "string")) throw new Error(`${what} ${args}: expected the exec form ["program", "arg", ...]`);
  return parsed;
}

/** Docker's rules for the cases used: a directory's contents go into the destination; a destination ending in / is a directory. */
function copy(stage: StageState, stages: StageState[], context: string, args: string): void {
  const words = args.split(/\s+/);
  let source: { root: string; base: string } = { root: context, base: "/" };
  const paths: string[] = [];
  for (const word of words) {
    const from = /^--from=(\S+)$/.exec(word)?.[1];
    if (from) {
      const other = stages.find((s) => s.name === from);
      if (!other) throw new Error(`COPY --from=${from}: no such stage`);
      source = { root: other.root, base: "/" };
    } else if (word.startsWith("--")) {
      throw new Error(`COPY ${word}: not read here`);
    } else {
      paths.push(word);
    }
  }
  const destination = paths.pop();
  if (!destination || paths.length === 0) throw new Error(`COPY ${args}: expected sources and a destination`);
  const target = hostPath(stage, path.posix.resolve(stage.workdir, destination));
  const intoDirectory = destination.endsWith("/") || paths.length > 1;
  for (const from of paths) {
    const sourcePath = path.join(source.root, path.posix.resolve(source.base, from));
    const isDirectory = statSync(sourcePath).isDirectory();
    const to = intoDirectory && !isDirectory ? path.join(target, path.basename(sourcePath)) : target;
    mkdirSync(path.dirname(to), { recursive: true });
    cpSync(sourcePath, to, { recursive: true, verbatimSymlinks: true });
  }
}

function sh(command: string, cwd: string, env: Record<string, string>, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn("sh", ["-c", command], { cwd, env, timeout: timeoutMs });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.once("exit", (code) => (code === 0 ? resolve(output) : reject(new Error(`RUN ${command} exited ${code}:\n${output}`))));
  });
}
