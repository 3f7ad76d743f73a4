import { spawn } from "node:child_process";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import type { CustomerNotice } from "../../src/notify/index.ts";
import { testDatabaseTargets, type TestDatabase } from "../helpers/db.ts";
import { waitUntil } from "../helpers/process.ts";
import { BUNDLE, startHarness, type Harness } from "../helpers/shop.ts";

const postgres = testDatabaseTargets().find((t) => t.kind === "postgres");

/**
 * Stands between the child worker and eSIM Go: passes everything through, except that it holds back
 * the answer to a committed transaction order, so the child can be killed after the provider placed it.
 */
async function startAnswerHoldingProxy(target: string): Promise<{ baseUrl: string; heldOrders: () => number; close(): void }> {
  const upstream = new URL(target);
  let held = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers)) {
        if (typeof value === "string" && !["host", "connection", "content-length"].includes(name)) headers[name] = value;
      }
      const isTransaction = req.method === "POST" && req.url?.endsWith("/orders") && body.toString().includes('"transaction"');
      fetch(new URL(req.url ?? "/", upstream.origin), { method: req.method, headers, ...(body.length ? { body } : {}) })
        .then(async (answer) => {
          const payload = Buffer.from(await answer.arrayBuffer());
          if (isTransaction && answer.ok) {
            held++;
            return;
          }
          res.writeHead(answer.status, { "content-type": answer.headers.get("content-type") ?? "application/json" }).end(payload);
        })
        .catch(() => res.writeHead(502).end());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}${upstream.pathname}`,
    heldOrders: () => held,
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

describe("a worker process killed between placing the provider order and recording it", () => {
  if (!postgres) {
    console.warn("crash test skipped: it needs a real PostgreSQL shared by two processes (set TEST_DATABASE_URL); PGlite is single-process");
    it.skip("needs TEST_DATABASE_URL", () => {});
    return;
  }

  let database: TestDatabase;
  let h: Harness;
  let closeProxy: (() => void) | undefined;

  afterEach(async () => {
    closeProxy?.();
    await h?.close();
    await database?.close();
  });

  it("is reconciled by a fresh worker: one provider order, one delivery", async () => {
    database = await postgres.create();
    h = await startHarness(database);
    await h.seedBundle(BUNDLE);
    const outcome = await h.shop.checkout({ customerId: h.customerId, bundleName: BUNDLE });
    if (outcome.kind !== "link") throw new Error(outcome.kind);
    await h.stripeSim.control.pay((await h.shop.order(outcome.orderId))!.stripe_session_id!);
    await h.stripeSim.control.idle();
    expect((await h.shop.order(outcome.orderId))?.status).toBe("paid");

    const proxy = await startAnswerHoldingProxy(h.esimSim.baseUrl);
    closeProxy = proxy.close;
    const child = spawn(process.execPath, ["--import", "tsx", "test/fulfilment/worker-child.ts"], {
      cwd: process.cwd(),
      env: { ...process.env, DATABASE_URL: database.url, ESIMGO_URL: proxy.baseUrl, ESIMGO_KEY: h.esimSim.apiKey, STRIPE_URL: h.stripeSim.apiUrl },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on("exit", (_code, signal) => resolve(signal)));

    await waitUntil(() => proxy.heldOrders() === 1 || child.exitCode !== null, 30_000, "the child to place the order");
    expect(h.esimSim.control.placedOrders()).toHaveLength(1);
    expect(child.exitCode, output).toBeNull();
    child.kill("SIGKILL");
    expect(await exited).toBe("SIGKILL");

    const orphaned = await h.shop.order(outcome.orderId);
    expect(orphaned).toMatchObject({ status: "placing", locked_by: "child-worker", esimgo_order_reference: null });

    // The child's lease must run out before anyone else may touch the order.
    expect(await h.shop.runDueOnce()).toBe(0);
    expect((await h.shop.order(outcome.orderId))?.status).toBe("placing");
    h.clock.advance(61_000);
    await h.driveUntil(async () => (await h.shop.order(outcome.orderId))?.status === "delivered");

    expect(h.esimSim.control.placedOrders()).toHaveLength(1);
    const ready = h.notifier.customerNotices.filter((n): n is { customerId: number; notice: Extract<CustomerNotice, { type: "esim_ready" }> } => n.notice.type === "esim_ready");
    expect(ready).toHaveLength(1);
    const story = await h.shop.orderStory(outcome.orderId);
    expect(story?.events.map((e) => e.type)).toContain("adopted");
    expect(story?.events.filter((e) => e.type === "placing")).toHaveLength(1);
  });
});
