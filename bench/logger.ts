import { Writable } from "node:stream";
import pino from "pino";
import type { Logger } from "../src/logger.ts";

/** A logger at the product's default level whose lines are counted, not printed: errors are a benchmark figure. */
export interface CountingLogger {
  logger: Logger;
  errors(): number;
  /** The first few error lines, for a human to read when a run goes wrong. */
  firstErrors(): string[];
}

/** pino's error (50) and fatal (60) levels, found without parsing every line. */
const ERROR_LINE = /"level":[56]0[,}]/;
const KEPT_ERRORS = 5;

export function createCountingLogger(level = "info"): CountingLogger {
  let errors = 0;
  const kept: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString("utf8").split("\n")) countLine(line);
      done();
    },
  });
  function countLine(line: string): void {
    if (!ERROR_LINE.test(line)) return;
    errors++;
    if (kept.length < KEPT_ERRORS) kept.push(line.slice(0, 600));
  }
  return { logger: pino({ level }, sink), errors: () => errors, firstErrors: () => [...kept] };
}
