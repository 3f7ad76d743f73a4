import path from "node:path";
import { startCommand } from "@esim-shop/sim-kit/testing";
import { describe, expect, it } from "vitest";

const BIN = path.resolve(import.meta.dirname, "../bin/telegram-sim.js");

describe("the telegram-sim command", () => {
  it("starts on the asked port, prints the settings for the product and the control API, and stops on SIGTERM", async () => {
    const { child, output, exited } = startCommand(BIN, ["--port", "0", "--control-token", "ctl_cli_test"]);
    try {
      await expect.poll(output, { timeout: 30_000 }).toContain("Stop with Ctrl-C.");
      expect(output()).toMatch(/^Telegram Bot API stand-in/);
      const url = /TELEGRAM_API_ROOT=(http:\/\/127\.0\.0\.1:\d+)/.exec(output())?.[1];
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
    expect(output()).toMatch(/^telegram-sim — /);
    expect(output()).toContain("--control-token");
  });
});
