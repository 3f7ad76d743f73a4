import { type ChildProcess, spawn } from "node:child_process";

/** A stand-in's command started as a person starts it, for its own tests: what it printed so far, and its exit. */
export interface RunningCommand {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

export function startCommand(bin: string, args: readonly string[]): RunningCommand {
  const child = spawn(process.execPath, [bin, ...args], { env: { PATH: process.env.PATH ?? "" } });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  return { child, output: () => output, exited };
}
