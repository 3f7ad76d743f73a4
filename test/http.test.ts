import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../src/db/index.ts";
import { createServer } from "../src/http/server.ts";
import { testDatabaseTargets, type TestDatabase } from "./helpers/db.ts";

describe("readiness without a database", () => {
  it("is not ready when the database cannot be reached", async () => {
    const unreachable = await openDatabase({ databaseUrl: "postgresql://nobody@127.0.0.1:1/none", dataDir: "" });
    try {
      const server = createServer({ db: unreachable.db, logger: pino({ level: "silent" }) });
      const response = await server.request("/readyz");
      expect(response.status).toBe(503);
      expect(await response.json()).toEqual({ status: "not ready" });
    } finally {
      await unreachable.close();
    }
  });
});

describe.each(testDatabaseTargets())("http server on $kind", (target) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await target.create();
  });
  afterAll(() => database.close());

  const app = () =>
    createServer({
      db: database.db,
      logger: pino({ level: "silent" }),
      maxBodyBytes: 1024,
      stripeWebhook: async (raw, signature) => ({ status: 200, body: JSON.stringify({ length: raw.length, signature }) }),
    });

  it("answers health and readiness", async () => {
    expect((await app().request("/healthz")).status).toBe(200);
    const ready = await app().request("/readyz");
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: "ready" });
  });


  it("gives webhooks the raw body and the signature header", async () => {
    const raw = '{"id": "evt_1",  "spaces": "kept"}';
    const response = await app().request("/webhooks/stripe", { method: "POST", body: raw, headers: { "stripe-signature": "t=1,v1=abc" } });
    expect(await response.json()).toEqual({ length: raw.length, signature: "t=1,v1=abc" });
  });

  it("limits body size, answers 404 for unknown routes and hides errors", async () => {
    const big = await app().request("/webhooks/stripe", { method: "POST", body: "x".repeat(5000) });
    expect(big.status).toBe(413);
    const missing = await app().request("/webhooks/nothing", { method: "POST" });
    expect(missing.status).toBe(404);
    const failing = createServer({
      db: database.db,
      logger: pino({ level: "silent" }),
      stripeWebhook: async () => {
        throw new Error("secret internals at /srv/app.ts:12");
      },
    });
    const response = await failing.request("/webhooks/stripe", { method: "POST", body: "{}" });
    expect(response.status).toBe(500);
    expect(await response.text()).not.toContain("internals");
  });
});
