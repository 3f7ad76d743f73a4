import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { controlRoute, createStandIn, serveStandIn } from "../src/index.ts";

/** A stand-in in miniature: one API route, its own control call, a webhook URL. */
let balance = 10;
let webhookUrl: string | undefined;
const core = createStandIn<{ note: string }>({
  name: "tiny-sim",
  controlToken: "ctl_test_token",
  answers: { teapot: { status: 418, body: { error: "teapot" } } },
  state: () => ({ balance }),
  webhookUrl: { get: () => webhookUrl, set: (url) => void (webhookUrl = url) },
  routes: [controlRoute("PUT", "/balance", "sets the balance", z.object({ amount: z.number() }), ({ body }) => void (balance = body.amount))],
});
core.app.get("/api/balance", (c) => {
  const entry = core.requests.add({ method: "GET", path: "/api/balance", detail: { note: "read" } });
  const fault = core.faults.take({ method: "GET", path: "/api/balance" });
  entry.status = fault?.answer?.status ?? 200;
  return fault?.answer ? c.json(fault.answer.body as object, 418) : c.json({ balance });
});
let server: Awaited<ReturnType<typeof serveStandIn>>;

beforeAll(async () => {
  server = await serveStandIn(core, { port: 0 });
});
afterAll(async () => {
  await server.close();
});

async function control(method: string, path: string, body?: unknown, token = "ctl_test_token") {
  const response = await fetch(`${server.controlUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

describe("the control API every stand-in serves", () => {
  it("listens on a free port and reports its URL", () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.controlUrl).toBe(`${server.url}/__control`);
  });

  it("needs the bearer token, lists its calls and answers unknown ones with 404", async () => {
    expect((await control("GET", "/state", undefined, "wrong")).status).toBe(401);
    expect((await fetch(`${server.controlUrl}/state`)).status).toBe(401);
    const listing = await control("GET", "");
    expect(listing.json.standIn).toBe("tiny-sim");
    expect(listing.json.calls).toEqual(expect.arrayContaining([{ method: "PUT", path: "/__control/balance", summary: "sets the balance" }, expect.objectContaining({ path: "/__control/faults", method: "POST" })]));
    expect((await control("GET", "/nope")).status).toBe(404);
  });

  it("runs the stand-in's own calls, checking their bodies", async () => {
    expect(await control("PUT", "/balance", { amount: 42 })).toEqual({ status: 200, json: { status: "ok" } });
    expect((await control("GET", "/state")).json).toEqual({ balance: 42 });
    const bad = await control("PUT", "/balance", { amount: "lots" });
    expect(bad.status).toBe(400);
    expect(bad.json.error).toMatch(/amount/);
    expect((await fetch(`${server.controlUrl}/balance`, { method: "PUT", headers: { authorization: "Bearer ctl_test_token" }, body: "{not json" })).status).toBe(400);
  });

  it("arms faults (ready-made answers by name), logs requests, and sets the webhook URL", async () => {
    expect((await control("POST", "/faults", { path: "/api/balance", answer: "explode" })).status).toBe(400);
    expect((await control("POST", "/faults", { path: "/api/balance", answer: "teapot" })).status).toBe(200);
    expect((await control("GET", "/faults")).json).toMatchObject({ faults: [{ path: "/api/balance", remaining: 1 }], answers: ["teapot"] });
    expect((await fetch(`${server.url}/api/balance`)).status).toBe(418);
    expect((await fetch(`${server.url}/api/balance`)).status).toBe(200);

    const log = await control("GET", "/requests?path=/api/balance&status=418");
    expect(log.json).toMatchObject({ count: 1, requests: [{ seq: 1, method: "GET", path: "/api/balance", status: 418, detail: { note: "read" } }] });
    await control("DELETE", "/requests");
    expect(core.requests.count()).toBe(0);

    expect((await control("PUT", "/webhook-url", { url: "http://127.0.0.1:3000/webhooks/x" })).status).toBe(200);
    expect((await control("GET", "/webhook-url")).json).toEqual({ url: "http://127.0.0.1:3000/webhooks/x" });
    expect((await control("PUT", "/webhook-url", { url: "ftp://nope" })).status).toBe(400);
    await control("PUT", "/webhook-url", { url: null });
    expect(webhookUrl).toBeUndefined();
  });
});
