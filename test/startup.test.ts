import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { freePort, httpStatus, startProduct, waitUntil } from "./helpers/process.ts";

/** A line of a stack trace: what an operator must never be shown for a setting they got wrong. */
const STACK_FRAME = /^\s+at .+[:)]/m;

describe("npm start", () => {
  it("starts with no configuration, serves health and readiness, refuses a second instance, stops on Ctrl-C", async () => {
    const dataDir = path.join(mkdtempSync(path.join(tmpdir(), "esim-start-")), "data");
    const port = await freePort();
    const first = startProduct({ DATA_DIR: dataDir, PORT: String(port) });
    try {
      await waitUntil(async () => (await httpStatus(`http://127.0.0.1:${port}/readyz`)) === 200, 90_000, `readyz on ${port}: ${first.output()}`);
      expect(await httpStatus(`http://127.0.0.1:${port}/healthz`)).toBe(200);

      const second = startProduct({ DATA_DIR: dataDir, PORT: String(await freePort()) });
      expect(await second.exited).not.toBe(0);
      expect(second.output()).toMatch(/already in use by process \d+/);
      expect(second.output()).not.toMatch(STACK_FRAME);

      first.child.kill("SIGINT");
      expect(await first.exited).toBe(0);
      expect(existsSync(path.join(dataDir, "pglite.lock"))).toBe(false);
    } finally {
      first.child.kill("SIGKILL");
      await first.exited;
      rmSync(path.dirname(dataDir), { recursive: true, force: true });
    }
  }, 180_000);

  it.each([
    [{ PORT: "abc" }, /PORT: expected a port number/],
    [{ DATABASE_URL: "postgres//broken" }, /DATABASE_URL: expected a PostgreSQL URL/],
  ])("refuses %o with a message naming the key, exits non-zero and writes nothing", async (env, message) => {
    const dataDir = path.join(mkdtempSync(path.join(tmpdir(), "esim-bad-")), "data");
    const run = startProduct({ ...env, DATA_DIR: dataDir });
    expect(await run.exited).not.toBe(0);
    expect(run.output()).toMatch(message);
    expect(run.output()).not.toMatch(STACK_FRAME);
    expect(existsSync(dataDir)).toBe(false);
    rmSync(path.dirname(dataDir), { recursive: true, force: true });
  });

  it("reports an unreachable database in one line, without a stack or the password, and logs the details", async () => {
    const scratch = mkdtempSync(path.join(tmpdir(), "esim-nodb-"));
    const dataDir = path.join(scratch, "data");
    const run = startProduct({ DATA_DIR: dataDir, DATABASE_URL: "postgresql://shop:hunter2-secret@127.0.0.1:1/shop" });
    try {
      expect(await run.exited).not.toBe(0);
      expect(run.output()).toMatch(/^Start-up failed: .*ECONNREFUSED.*$/m);
      expect(run.output()).not.toMatch(STACK_FRAME);
      expect(run.output()).not.toContain("hunter2-secret");
      const log = readFileSync(path.join(dataDir, "sandbox.log"), "utf8");
      expect(log).toMatch(/"msg":"start-up failed"/);
      expect(log).not.toContain("hunter2-secret");
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });
});
