import { afterAll, beforeAll, expect, it } from "vitest";
import { createEsimGoClient, type EsimGoClient } from "../../src/esimgo/index.ts";
import { startEsimGoSim, type EsimGoSim } from "@esim-shop/esimgo-sim";

let sim: EsimGoSim;
let client: EsimGoClient;

beforeAll(async () => {
  sim = await startEsimGoSim({ port: 0, catalogueSize: "small", rateLimitPerSecond: 10 });
  client = createEsimGoClient({ baseUrl: sim.baseUrl, apiKey: sim.apiKey });
});

afterAll(async () => {
  await client.close();
  await sim.close();
});

it("a burst of 30 concurrent calls stays under the server's 10 req/s: no 429 at all, every call succeeds", async () => {
  const calls = Array.from({ length: 30 }, (_, i) => (i % 3 === 0 ? client.getOrganisation() : client.getBundle("esim_1GB_7D_DE_V2")));
  const results = await Promise.allSettled(calls);

  expect(results.filter((r) => r.status === "rejected")).toEqual([]);
  expect(sim.control.http429Count()).toBe(0);
  expect(sim.control.requestCount()).toBe(30);
});

it("two concurrent bursts through one client share the same budget", async () => {
  const before = sim.control.requestCount();
  const burst = () => Promise.all(Array.from({ length: 12 }, () => client.getOrganisation()));
  await Promise.all([burst(), burst(), client.listCatalogue({ perPage: 10 })]);

  expect(sim.control.http429Count()).toBe(0);
  expect(sim.control.requestCount() - before).toBeGreaterThan(24);
});

it("a second client on the same IP is told by X-Ratelimit-Remaining / 429 + Retry-After and still completes", async () => {
  const other = createEsimGoClient({ baseUrl: sim.baseUrl, apiKey: sim.apiKey });
  try {
    const calls = Array.from({ length: 15 }, (_, i) => (i % 2 === 0 ? client : other).getOrganisation());
    const results = await Promise.allSettled(calls);
    expect(results.filter((r) => r.status === "rejected")).toEqual([]);
  } finally {
    await other.close();
  }
});

it("a paid order's calls go before browsing: a high-priority call overtakes a flood of low-priority ones", async () => {
  // The previous test's second client spent part of the server's window, which this client cannot know of.
  await new Promise((resolve) => setTimeout(resolve, 1_100));
  const finished: string[] = [];
  const refusedBefore = sim.control.http429Count();
  const flood = Array.from({ length: 30 }, () => client.getBundle("esim_1GB_7D_DE_V2").then(() => finished.push("browse")));
  // Arrives after the flood queued: placing and reconciling list the provider's orders.
  await new Promise((resolve) => setTimeout(resolve, 50));
  const listed = client.listOrders({ createdFrom: new Date(Date.now() - 60_000) }).then(() => finished.push("fulfilment"));
  await Promise.all([...flood, listed]);
  // Browsing may use only part of the budget: the fulfilment call is among the first served, not the 31st.
  expect(finished.indexOf("fulfilment")).toBeLessThan(12);
  expect(sim.control.http429Count() - refusedBefore).toBe(0);
});
