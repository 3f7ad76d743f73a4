import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEsimGoClient, EsimGoError, parseEsimGoCallback, verifyEsimGoSignature, type EsimGoClient } from "../../src/esimgo/index.ts";
import { startEsimGoSimulator, type EsimGoSimulator } from "../../src/esimgo/simulator/index.ts";
import { startCallbackReceiver } from "./helpers.ts";

/** The simulator's control surface over HTTP, driven as a demo script or another process would. */
let sim: EsimGoSimulator;
let client: EsimGoClient;
let receiver: Awaited<ReturnType<typeof startCallbackReceiver>>;

beforeAll(async () => {
  receiver = await startCallbackReceiver();
  sim = await startEsimGoSimulator({ port: 0, catalogueSize: "small", rateLimitPerSecond: 10, callbackUrl: receiver.url });
  client = createEsimGoClient({ baseUrl: sim.baseUrl, apiKey: sim.apiKey });
});

afterAll(async () => {
  await client.close();
  await sim.close();
  await receiver.close();
});

async function admin(method: "GET" | "PUT" | "POST" | "DELETE", path: string, body?: unknown, apiKey = sim.apiKey) {
  const response = await request(`${sim.adminUrl}${path}`, {
    method,
    headers: { "x-api-key": apiKey, "content-type": "application/json" },
    body: body === undefined ? null : JSON.stringify(body),
  });
  return { status: response.statusCode, json: (await response.body.json()) as Record<string, unknown> & unknown[] };
}

const nextRateWindow = () => new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() % 1000) + 5));

async function kindOf(promise: Promise<unknown>): Promise<string | undefined> {
  return promise.then(
    () => undefined,
    (error: unknown) => (error instanceof EsimGoError ? error.kind : "not an EsimGoError"),
  );
}

describe("simulator control API over HTTP", () => {
  it("needs the API key and answers unknown calls and bad bodies with {message}", async () => {
    expect(await admin("GET", "/state", undefined, "wrong")).toEqual({ status: 403, json: { message: "Forbidden" } });
    expect((await admin("GET", "/nope")).status).toBe(404);
    const bad = await admin("PUT", "/balance", { amount: "lots" });
    expect(bad.status).toBe(400);
    expect(bad.json.message).toMatch(/amount/);
    expect((await admin("POST", "/faults", { route: "GET /catalogue", kind: "explode" })).status).toBe(400);
  });

  it("is never rate-limited and never counted as API traffic", async () => {
    await nextRateWindow();
    const before = { requests: sim.control.requestCount(), http429: sim.control.http429Count() };
    const replies = await Promise.all(Array.from({ length: 25 }, () => admin("GET", "/state")));
    expect(replies.map((r) => r.status)).toEqual(Array(25).fill(200));
    expect({ requests: sim.control.requestCount(), http429: sim.control.http429Count() }).toEqual(before);
  });

  it("sets the balance that GET /organisation then reports", async () => {
    expect((await admin("PUT", "/balance", { amount: 42.5 })).json).toEqual({ status: "ok" });
    expect((await client.getOrganisation()).balanceMinor).toBe(4250);
    expect((await admin("GET", "/state")).json).toMatchObject({ balance: 42.5 });
    await admin("PUT", "/balance", { amount: 500 });
  });

  it("injects a fault per route until cleared ('always' = every request)", async () => {
    await admin("POST", "/faults", { route: "GET /catalogue/bundle/{name}", kind: "notfound404", times: "always" });
    expect(await kindOf(client.getBundle("esim_1GB_7D_DE_V2"))).toBe("not_found");
    expect(await kindOf(client.getBundle("esim_1GB_7D_FR_V2"))).toBe("not_found");
    await admin("DELETE", "/faults");
    expect((await client.getBundle("esim_1GB_7D_DE_V2")).name).toBe("esim_1GB_7D_DE_V2");
  });

  it("reads every order it received and counts requests, without counting itself", async () => {
    const placed = await client.placeOrder([{ bundle: "esim_1GB_7D_DE_V2", quantity: 2 }]);
    const orders = (await admin("GET", "/orders")).json;
    expect(orders.at(-1)).toMatchObject({ reference: placed.orderReference, items: [{ bundle: "esim_1GB_7D_DE_V2", quantity: 2, iccids: placed.esims.map((e) => e.iccid) }] });

    const total = sim.control.requestCount();
    const counted = (await admin("GET", `/requests?route=${encodeURIComponent("POST /orders")}`)).json;
    expect(counted).toMatchObject({ route: "POST /orders", count: sim.control.requestCount("POST /orders") });
    expect(sim.control.requestCount()).toBe(total);
  });

  it("advances usage: the client sees the bytes drop and a signed Utilisation callback arrives", async () => {
    const iccid = (await client.placeOrder([{ bundle: "esim_5GB_30D_FR_V2", quantity: 1 }])).esims[0]!.iccid;
    receiver.received.length = 0;

    expect((await admin("POST", `/esims/${iccid}/usage`, { percent: 60 })).status).toBe(200);

    expect(await client.listEsimBundles(iccid)).toEqual([expect.objectContaining({ state: "active", initialBytes: 5_000_000_000, remainingBytes: 2_000_000_000 })]);
    expect(receiver.received).toHaveLength(2); // 1 % and 50 %
    for (const { raw, headers } of receiver.received) expect(verifyEsimGoSignature(raw, headers["x-signature-sha256"] as string, sim.apiKey)).toBe(true);
    const esims = (await admin("GET", "/esims")).json as { iccid: string }[];
    expect(esims.find((e) => e.iccid === iccid)).toMatchObject({ bundles: [{ state: "active", remainingBytes: 2_000_000_000 }] });
    expect((await admin("POST", "/esims/8944000000000000000/usage", { percent: 10 })).status).toBe(400);
  });

  it("fires any callback body, signed, and answers the receiver's status", async () => {
    receiver.received.length = 0;
    const fired = await admin("POST", "/callbacks", { alertType: "LowBalance", balanceInfo: { balance: 12.5, threshold: 100, thresholdPercentRemaining: 12 } });
    expect(fired.json).toEqual({ status: 200 });
    const [got] = receiver.received;
    expect(verifyEsimGoSignature(got!.raw, got!.headers["x-signature-sha256"] as string, sim.apiKey)).toBe(true);
    expect(parseEsimGoCallback(JSON.parse(got!.raw))).toEqual({ alertType: "LowBalance", balance: 12.5, threshold: 100 });
  });

  it("withdraws a bundle and changes a price in the catalogue the client reads", async () => {
    await admin("POST", "/bundles/esim_3GB_15D_DE_V2/withdraw");
    await admin("PUT", "/bundles/esim_1GB_7D_AT_V2/price", { amount: 3.33 });
    const names = (await client.listCatalogue()).map((b) => b.name);
    expect(names).not.toContain("esim_3GB_15D_DE_V2");
    expect((await client.getBundle("esim_1GB_7D_AT_V2")).priceMinor).toBe(333);
    expect((await admin("PUT", "/bundles/esim_NOPE/price", { amount: 1 })).status).toBe(400);
  });

  it("a processing delay makes new assignments answer 503 Processing with Retry-After", async () => {
    await admin("PUT", "/processing-delay", { ms: 5_000 });
    const order = await client.placeOrder([{ bundle: "esim_1GB_7D_JP_V2", quantity: 1 }]);
    await admin("PUT", "/processing-delay", { ms: 0 });

    await nextRateWindow(); // this raw call bypasses the client's limiter
    const reply = await request(`${sim.baseUrl}/esims/assignments?reference=${order.orderReference}`, { headers: { "x-api-key": sim.apiKey, accept: "application/json" } });
    expect(reply.statusCode).toBe(503);
    expect(Number(reply.headers["retry-after"])).toBeGreaterThanOrEqual(4);
    expect(await reply.body.json()).toEqual({ message: "Processing" });
  });
});
