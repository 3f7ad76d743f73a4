import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type EsimGoSim, startEsimGoSim, verifyEsimGoSignature } from "../src/index.ts";
import { contractRecorder, SpecContract } from "./contract/contract.ts";
import { startCallbackReceiver } from "./helpers.ts";

/** The simulator's control API over HTTP, driven as a demo script or another process would; the API itself over raw HTTP too. */
let sim: EsimGoSim;
let receiver: Awaited<ReturnType<typeof startCallbackReceiver>>;
// This file also sets notFoundStatus 404 and injects notfound404: a Message body is accepted for a 404.
const contract = contractRecorder(new SpecContract({ notFound404: true }));

beforeAll(async () => {
  receiver = await startCallbackReceiver();
  sim = await startEsimGoSim({ catalogueSize: "small", rateLimitPerSecond: 10, webhookUrl: receiver.url, onAnswer: contract.onAnswer });
});

afterAll(async () => {
  await sim.close();
  await receiver.close();
  expect(contract.violations).toEqual([]);
  expect(contract.checked).toBeGreaterThan(10);
});

type Json = Record<string, unknown> & unknown[];

async function control(method: "GET" | "PUT" | "POST" | "DELETE", path: string, body?: unknown, token = sim.controlToken) {
  const response = await request(`${sim.controlUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: body === undefined ? null : JSON.stringify(body),
  });
  return { status: response.statusCode, json: (await response.body.json()) as Json };
}

async function api(method: "GET" | "POST", path: string, body?: unknown) {
  const response = await request(`${sim.baseUrl}${path}`, {
    method,
    headers: { "x-api-key": sim.apiKey, accept: "application/json", "content-type": "application/json" },
    body: body === undefined ? null : JSON.stringify(body),
  });
  return { status: response.statusCode, headers: response.headers, json: (await response.body.json()) as Json };
}

const buy = async (bundle: string, quantity = 1) => {
  const reply = await api("POST", "/orders", { type: "transaction", assign: true, order: [{ type: "bundle", item: bundle, quantity, allowReassign: false }] });
  return reply.json as unknown as { orderReference: string; order: { iccids: string[] }[] };
};

const nextRateWindow = () => new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() % 1000) + 5));

describe("simulator control API over HTTP", () => {
  it("needs the bearer token and answers unknown calls and bad bodies with {error}", async () => {
    expect((await control("GET", "/state", undefined, "wrong")).status).toBe(401);
    expect((await request(`${sim.controlUrl}/state`, { headers: { "x-api-key": sim.apiKey } })).statusCode).toBe(401);
    expect((await control("GET", "/nope")).status).toBe(404);
    const bad = await control("PUT", "/balance", { amount: "lots" });
    expect(bad.status).toBe(400);
    expect(bad.json.error).toMatch(/amount/);
    expect((await control("POST", "/faults", { path: "/catalogue", answer: "explode" })).status).toBe(400);
    expect((await control("POST", "/faults", { route: "GET /catalogue", kind: "http500" })).status).toBe(400);
  });

  it("is never rate-limited and never counted as API traffic", async () => {
    await nextRateWindow();
    const before = { requests: sim.control.requestCount(), http429: sim.control.http429Count() };
    const replies = await Promise.all(Array.from({ length: 25 }, () => control("GET", "/state")));
    expect(replies.map((r) => r.status)).toEqual(Array(25).fill(200));
    expect({ requests: sim.control.requestCount(), http429: sim.control.http429Count() }).toEqual(before);
  });

  it("sets the balance that GET /organisation then reports", async () => {
    expect((await control("PUT", "/balance", { amount: 42.5 })).json).toEqual({ status: "ok" });
    expect((await api("GET", "/organisation")).json).toMatchObject({ balance: 42.5 });
    expect((await control("GET", "/state")).json).toMatchObject({ balance: 42.5 });
    await control("PUT", "/balance", { amount: 500 });
  });

  it("injects a fault per route until cleared ('always' = every request), with eSIM Go's ready-made answers", async () => {
    await control("POST", "/faults", { method: "GET", path: "/catalogue/bundle/{name}", answer: "notfound404", times: "always" });
    expect((await control("GET", "/faults")).json).toMatchObject({ faults: [{ path: "/catalogue/bundle/{name}", answer: { status: 404 } }], answers: expect.arrayContaining(["http429", "malformed"]) });
    expect(await api("GET", "/catalogue/bundle/esim_1GB_7D_DE_V2")).toMatchObject({ status: 404, json: { message: "Not Found" } });
    expect((await api("GET", "/catalogue/bundle/esim_1GB_7D_FR_V2")).status).toBe(404);
    await control("DELETE", "/faults");
    expect((await api("GET", "/catalogue/bundle/esim_1GB_7D_DE_V2")).json).toMatchObject({ name: "esim_1GB_7D_DE_V2" });
  });

  it("reads every order it received and lists requests, without counting itself", async () => {
    await nextRateWindow();
    const placed = await buy("esim_1GB_7D_DE_V2", 2);
    const orders = (await control("GET", "/orders")).json;
    expect(orders.at(-1)).toMatchObject({ reference: placed.orderReference, items: [{ bundle: "esim_1GB_7D_DE_V2", quantity: 2, iccids: placed.order[0]!.iccids }] });

    const total = sim.control.requestCount();
    const listed = (await control("GET", `/requests?method=POST&path=${encodeURIComponent("/orders")}`)).json;
    expect(listed).toMatchObject({ count: sim.control.requestCount("POST /orders") });
    expect(listed.requests).toContainEqual(expect.objectContaining({ method: "POST", path: "/orders", route: "/orders", status: 200 }));
    expect(sim.control.requestCount()).toBe(total);
  });

  it("advances usage: the bytes drop and a signed Utilisation callback arrives", async () => {
    await nextRateWindow();
    const iccid = (await buy("esim_5GB_30D_FR_V2")).order[0]!.iccids[0]!;
    receiver.received.length = 0;

    expect((await control("POST", `/esims/${iccid}/usage`, { percent: 60 })).status).toBe(200);

    const bundles = (await api("GET", `/esims/${iccid}/bundles`)).json as unknown as { bundles: { assignments: Record<string, unknown>[] }[] };
    expect(bundles.bundles[0]!.assignments[0]).toMatchObject({ bundleState: "active", initialQuantity: 5_000_000_000, remainingQuantity: 2_000_000_000 });
    expect(receiver.received).toHaveLength(2); // 1 % and 50 %
    for (const { raw, headers } of receiver.received) expect(verifyEsimGoSignature(raw, headers["x-signature-sha256"] as string, sim.apiKey)).toBe(true);
    const esims = (await control("GET", "/esims")).json as { iccid: string }[];
    expect(esims.find((e) => e.iccid === iccid)).toMatchObject({ bundles: [{ state: "active", remainingBytes: 2_000_000_000 }] });
    expect((await control("POST", "/esims/8944000000000000000/usage", { percent: 10 })).status).toBe(400);
  });

  it("fires any callback body, signed, to the webhook URL and answers the receiver's status", async () => {
    receiver.received.length = 0;
    const fired = await control("POST", "/callbacks", { alertType: "LowBalance", balanceInfo: { balance: 12.5, threshold: 100, thresholdPercentRemaining: 12 } });
    expect(fired.json).toEqual({ status: 200 });
    const [got] = receiver.received;
    expect(verifyEsimGoSignature(got!.raw, got!.headers["x-signature-sha256"] as string, sim.apiKey)).toBe(true);
    expect(JSON.parse(got!.raw)).toEqual({ alertType: "LowBalance", balanceInfo: { balance: 12.5, threshold: 100, thresholdPercentRemaining: 12 } });

    expect((await control("GET", "/webhook-url")).json).toEqual({ url: receiver.url });
    await control("PUT", "/webhook-url", { url: null });
    expect((await control("POST", "/callbacks", { alertType: "LowBalance" })).status).toBe(400);
    await control("PUT", "/webhook-url", { url: receiver.url });
  });

  it("withdraws a bundle and changes a price in the catalogue it serves", async () => {
    await nextRateWindow();
    await control("POST", "/bundles/esim_3GB_15D_DE_V2/withdraw");
    await control("PUT", "/bundles/esim_1GB_7D_AT_V2/price", { amount: 3.33 });
    const catalogue = (await api("GET", "/catalogue?perPage=5000")).json as unknown as { bundles: { name: string }[] };
    expect(catalogue.bundles.map((b) => b.name)).not.toContain("esim_3GB_15D_DE_V2");
    expect((await api("GET", "/catalogue/bundle/esim_1GB_7D_AT_V2")).json).toMatchObject({ price: 3.33 });
    expect((await control("PUT", "/bundles/esim_NOPE/price", { amount: 1 })).status).toBe(400);
  });

  it("a processing delay keeps new bundles processing; their install details are served meanwhile, as the spec says", async () => {
    await nextRateWindow();
    await control("PUT", "/processing-delay", { ms: 5_000 });
    const order = await buy("esim_1GB_7D_JP_V2");
    await control("PUT", "/processing-delay", { ms: 0 });

    const installs = await api("GET", `/esims/assignments?reference=${order.orderReference}`);
    expect(installs).toMatchObject({ status: 200, json: { iccid: order.order[0]!.iccids[0] } });
    const bundles = (await api("GET", `/esims/${order.order[0]!.iccids[0]}/bundles`)).json as unknown as { bundles: { assignments: { bundleState: string }[] }[] };
    expect(bundles.bundles[0]!.assignments[0]!.bundleState).toBe("processing");
  });

  it("answers unknown references 403 access denied by default, or 404 once set so", async () => {
    await nextRateWindow();
    expect(await api("GET", "/orders/0e7f7b1c-0000-4000-8000-000000000000")).toMatchObject({ status: 403, json: { message: "access denied" } });
    expect((await control("PUT", "/not-found-status", { status: 404 })).status).toBe(200);
    expect((await api("GET", "/orders/0e7f7b1c-0000-4000-8000-000000000000")).status).toBe(404);
    expect((await control("PUT", "/not-found-status", { status: 410 })).status).toBe(400);
    await control("PUT", "/not-found-status", { status: 403 });
  });
});
