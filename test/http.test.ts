import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrateToLatest, openDatabase, openMemoryDatabase } from "../src/db/index.ts";
import { createServer, listen } from "../src/http/server.ts";
import type { WebhookOutcome } from "../src/shop/index.ts";
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

describe("readiness of a database that is not migrated", () => {
  it("is not ready until the migrations are applied", async () => {
    const empty = await openMemoryDatabase();
    try {
      const server = createServer({ db: empty.db, logger: pino({ level: "silent" }) });
      expect((await server.request("/readyz")).status).toBe(503);
      expect((await server.request("/healthz")).status).toBe(200);
      await migrateToLatest(empty.db);
      expect((await server.request("/readyz")).status).toBe(200);
    } finally {
      await empty.close();
    }
  });
});

describe("graceful close", () => {
  it("lets a request in flight finish, takes no new one, and closes once it is answered", async () => {
    let release: () => void = () => {};
    let started: () => void = () => {};
    const inHandler = new Promise<void>((resolve) => (started = resolve));
    const unreachable = await openDatabase({ databaseUrl: "postgresql://nobody@127.0.0.1:1/none", dataDir: "" });
    const server = await listen(
      createServer({
        db: unreachable.db,
        logger: pino({ level: "silent" }),
        stripeWebhook: async (raw) => {
          started();
          await new Promise<void>((resolve) => (release = resolve));
          return raw === "evt" ? "applied" : "malformed";
        },
      }),
      { port: 0, host: "127.0.0.1" },
    );
    try {
      const inFlight = fetch(`${server.url}/webhooks/stripe`, { method: "POST", body: "evt" });
      await inHandler;
      let closed = false;
      const closing = server.close().then(() => (closed = true));
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(closed).toBe(false);
      await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();

      release();
      const response = await inFlight;
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ outcome: "applied" });
      // Promptly: the now idle keep-alive connection must not hold the shutdown for its timeout.
      const answeredAt = Date.now();
      await closing;
      expect(Date.now() - answeredAt).toBeLessThan(1_500);
    } finally {
      release();
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

  const received: { raw: string; signature: string | undefined }[] = [];
  const app = (outcome: WebhookOutcome = "applied") =>
    createServer({
      db: database.db,
      logger: pino({ level: "silent" }),
      maxBodyBytes: 1024,
      stripeWebhook: async (raw, signature) => {
        received.push({ raw, signature });
        return outcome;
      },
      esimgoCallback: async () => outcome,
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
    expect(await response.json()).toEqual({ outcome: "applied" });
    expect(received.at(-1)).toEqual({ raw, signature: "t=1,v1=abc" });
  });

  it("turns the domain's outcomes into each sender's status codes", async () => {
    const statusOf = async (path: string, outcome: WebhookOutcome) => (await app(outcome).request(path, { method: "POST", body: "{}" })).status;
    const outcomes: WebhookOutcome[] = ["applied", "duplicate", "ignored", "refused", "malformed", "retry"];
    expect(await Promise.all(outcomes.map((o) => statusOf("/webhooks/stripe", o)))).toEqual([200, 200, 200, 400, 400, 500]);
    expect(await Promise.all(outcomes.map((o) => statusOf("/webhooks/esimgo", o)))).toEqual([200, 200, 200, 401, 400, 500]);
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
