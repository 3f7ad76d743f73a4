import { describe, expect, it } from "vitest";
import { type CliDefinition, CliUsageError, parseCli, startedText, usage } from "../src/index.ts";

const definition = {
  name: "tiny-sim",
  title: "Tiny API stand-in",
  envPrefix: "TINY_SIM",
  defaultPort: 4999,
  webhookUrl: "where it posts webhooks",
  options: {
    apiKey: { type: "string", help: "the accepted key", default: "tiny-key" },
    rateLimit: { type: "number", help: "requests per second", default: 10 },
    small: { type: "boolean", help: "a small data set" },
    currency: { type: "string", help: "account currency" },
  },
  start: () => Promise.reject(new Error("not in this test")),
} satisfies CliDefinition<Record<string, { type: "string" | "number" | "boolean"; help: string; default?: string | number }>>;

describe("one command line for every stand-in", () => {
  it("takes a flag over its environment variable over the default", () => {
    const values = parseCli(definition, { argv: ["--rate-limit", "0", "--small"], env: { TINY_SIM_API_KEY: "from-env", TINY_SIM_RATE_LIMIT: "99", TINY_SIM_PORT: "0" } });
    expect(values).toEqual({ port: 0, host: "127.0.0.1", controlToken: undefined, webhookUrl: undefined, apiKey: "from-env", rateLimit: 0, small: true, currency: undefined });
    expect(parseCli(definition, { argv: [], env: {} })).toMatchObject({ port: 4999, apiKey: "tiny-key", rateLimit: 10, small: false });
  });

  it("refuses unknown flags and bad numbers, and --help asks for the usage", () => {
    expect(() => parseCli(definition, { argv: ["--nope"], env: {} })).toThrow(CliUsageError);
    expect(() => parseCli(definition, { argv: ["--port", "lots"], env: {} })).toThrow(/--port: expected a number/);
    expect(parseCli(definition, { argv: ["-h"], env: {} })).toBeUndefined();
    const text = usage(definition);
    expect(text).toMatch(/^tiny-sim — Tiny API stand-in/);
    expect(text).toMatch(/--rate-limit N +requests per second \(default 10\)/);
    expect(text).toMatch(/--webhook-url VALUE +where it posts webhooks/);
    expect(text).toContain("TINY_SIM_PORT for --port");
  });

  it("prints where it listens, the settings for the product and the control API, the same way for all", () => {
    const text = startedText(definition, {
      url: "http://127.0.0.1:4999",
      controlUrl: "http://127.0.0.1:4999/__control",
      controlToken: "ctl_abc",
      settings: { TINY_API_URL: "http://127.0.0.1:4999/v1", TINY_API_KEY: "tiny-key" },
      close: async () => undefined,
    });
    expect(text.split("\n")).toEqual([
      "Tiny API stand-in (tiny-sim) listening on http://127.0.0.1:4999",
      "Point the product (or any client) at it with these settings:",
      "  TINY_API_URL=http://127.0.0.1:4999/v1",
      "  TINY_API_KEY=tiny-key",
      'Control API: http://127.0.0.1:4999/__control with the header "Authorization: Bearer ctl_abc" (GET it to list the calls)',
      "Stop with Ctrl-C.",
    ]);
  });
});
