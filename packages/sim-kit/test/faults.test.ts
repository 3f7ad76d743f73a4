import { describe, expect, it } from "vitest";
import { applyFault, FaultPlan, FaultSpecError } from "../src/index.ts";

const http500 = { status: 500, body: { message: "Internal Server Error" } };

describe("the fault plan", () => {
  it("matches method and path (literal, route template or *) and is used up after `times`", () => {
    const plan = new FaultPlan();
    plan.inject({ method: "post", path: "/orders/{ref}", answer: http500, times: 2 });
    expect(plan.take({ method: "GET", path: "/orders/abc", route: "/orders/{ref}" })).toBeUndefined();
    expect(plan.take({ method: "POST", path: "/orders/abc", route: "/orders/{ref}" })?.answer).toEqual(http500);
    expect(plan.take({ method: "POST", path: "/orders/abc", route: "/orders/{ref}" })).toBeDefined();
    expect(plan.take({ method: "POST", path: "/orders/abc", route: "/orders/{ref}" })).toBeUndefined();

    plan.inject({ path: "*", delayMs: 5, times: "always" });
    for (let i = 0; i < 5; i++) expect(plan.take({ method: "GET", path: `/anything/${i}` })?.delayMs).toBe(5);
    plan.clear();
    expect(plan.list()).toEqual([]);
  });

  it("lets `skip` requests through first and matches parameters by their text", () => {
    const plan = new FaultPlan();
    plan.inject({ path: "/sendMessage", params: { chat_id: 42 }, skip: 1, drop: true });
    expect(plan.take({ method: "POST", path: "/sendMessage", params: { chat_id: "7" } })).toBeUndefined();
    expect(plan.take({ method: "POST", path: "/sendMessage", params: { chat_id: "42" } })).toBeUndefined();
    expect(plan.take({ method: "POST", path: "/sendMessage", params: { chat_id: 42 } })?.drop).toBe(true);
    expect(plan.list()).toEqual([]);
  });

  it("resolves ready-made answers by name and refuses faults that make no sense", () => {
    const plan = new FaultPlan({ http500 });
    expect(plan.inject({ path: "/x", answer: "http500" }).answer).toEqual(http500);
    expect(() => plan.inject({ path: "/x", answer: "explode" })).toThrow(/unknown answer "explode"; this stand-in has: http500/);
    expect(() => plan.inject({ path: "/x" })).toThrow(FaultSpecError);
    expect(() => plan.inject({ path: "/x", answer: http500, drop: true })).toThrow(/not both/);
  });
});

describe("applying a fault", () => {
  const effects = (log: string[]) => ({
    process: async () => (log.push("processed"), "real"),
    answer: (answer: { status: number }) => (log.push(`answered ${answer.status}`), "injected"),
    drop: () => (log.push("dropped"), "dropped"),
  });

  it("answers before processing, or processes and then drops or answers, or only waits", async () => {
    const plan = new FaultPlan({ malformed: { status: 200, body: '{"order":[', afterProcessing: true } });
    const cases = [
      [plan.inject({ path: "/a", answer: http500 }), "injected", ["answered 500"]],
      [plan.inject({ path: "/a", drop: true }), "dropped", ["processed", "dropped"]],
      [plan.inject({ path: "/a", answer: "malformed" }), "injected", ["processed", "answered 200"]],
      [plan.inject({ path: "/a", delayMs: 30 }), "real", ["processed"]],
      [undefined, "real", ["processed"]],
    ] as const;
    for (const [fault, result, steps] of cases) {
      const log: string[] = [];
      const started = Date.now();
      expect(await applyFault(fault, effects(log))).toBe(result);
      expect(log).toEqual(steps);
      if (fault?.delayMs) expect(Date.now() - started).toBeGreaterThanOrEqual(25);
    }
  });
});
