import path from "node:path";
import { startCommand } from "@esim-shop/sim-kit/testing";
import { describe, expect, it } from "vitest";

const BIN = path.resolve(import.meta.dirname, "../bin/esimgo-sim.js");

describe("the esimgo-sim command", () => {
  it("starts on the asked port, prints the settings for the product and the control API, and stops on SIGTERM", async () => {
    const { child, output, exited } = startCommand(BIN, ["--port", "0", "--control-token", "ctl_cli_test", "--small"]);
    try {
      await expect.poll(output, { timeout: 30_000 }).toContain("Stop with Ctrl-C.");
      expect(output()).toMatch(/^eSIM Go v2.4 simulator/);
      const url = /ESIMGO_API_URL=(http:\/\/127\.0\.0\.1:\d+)\/v2\.4/.exec(output())?.[1];
      expect(url).toBeDefined();
      const state = await fetch(`${url}/__control/state`, { headers: { authorization: "Bearer ctl_cli_test" } });
      expect(state.status).toBe(200);
      child.kill("SIGTERM");
      expect(await exited).toBe(0);
    } finally {
      child.kill("SIGKILL");
    }
  });

  it("--help lists the flags and exits", async () => {
    const { output, exited } = startCommand(BIN, ["--help"]);
    expect(await exited).toBe(0);
    expect(output()).toMatch(/^esimgo-sim — /);
    expect(output()).toContain("--control-token");
  });
});
