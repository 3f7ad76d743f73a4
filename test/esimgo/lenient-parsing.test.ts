import pino from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { createEsimGoClient, toMinor, type EsimGoClient } from "../../src/esimgo/index.ts";
import { startFixedServer } from "./helpers.ts";

/*
 * Shapes the sources disagree on, served by a plain HTTP stand-in for the real API (the simulator
 * emits only one of each).
 */
let closeServer: (() => Promise<void>) | undefined;
let client: EsimGoClient | undefined;

afterEach(async () => {
  await client?.close();
  await closeServer?.();
  client = undefined;
  closeServer = undefined;
});

async function clientFor(answer: (path: string) => { status?: number; body: unknown }, logs?: unknown[]): Promise<EsimGoClient> {
  const server = await startFixedServer(answer);
  closeServer = server.close;
  const logger = pino({ level: "warn" }, { write: (line: string) => void logs?.push(JSON.parse(line)) });
  client = createEsimGoClient({ baseUrl: server.baseUrl, apiKey: "k", logger });
  return client;
}

const bundle = (overrides: Record<string, unknown>) => ({
  name: "esim_1GB_7D_GB_V2",
  description: "eSIM, 1GB, 7 Days, United Kingdom, V2",
  groups: ["Standard Fixed Bundles"],
  countries: [{ name: "United Kingdom", region: "Europe", iso: "GB" }],
  dataAmount: 1000,
  duration: 7,
  speed: ["4G", "5G"],
  autostart: true,
  unlimited: false,
  roamingEnabled: [],
  price: 1.36,
  billingType: "FixedCost",
  ...overrides,
});

describe("toMinor", () => {
  it("is strict: finite, non-negative, rounded to cents", () => {
    expect(toMinor(1.36)).toBe(136);
    expect(toMinor(4.2)).toBe(420);
    expect(toMinor(0)).toBe(0);
    expect(toMinor(2.285)).toBe(229);
    for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY]) expect(() => toMinor(bad)).toThrow(RangeError);
  });
});

describe("lenient where sources disagree, strict on money", () => {
  it("pages a bare-array catalogue (no counts) until an empty page: a short page is not the end, the server may cap pages", async () => {
    const pages: string[] = [];
    const api = await clientFor((path) => {
      pages.push(path);
      const page = Number(new URL(path, "http://x").searchParams.get("page"));
      return { body: [[bundle({ name: "a" }), bundle({ name: "b" })], [bundle({ name: "c" })], [bundle({ name: "d" })]][page - 1] ?? [] };
    });
    expect((await api.listCatalogue({ perPage: 500 })).map((b) => b.name)).toEqual(["a", "b", "c", "d"]);
    expect(pages).toHaveLength(4);
  });

  it("pages a wrapped catalogue by its pageCount, or by rows and pageSize", async () => {
    for (const counts of [{ pageCount: 2 }, { rows: 3, pageSize: 2 }]) {
      const pages: string[] = [];
      const api = await clientFor((path) => {
        pages.push(path);
        const page = Number(new URL(path, "http://x").searchParams.get("page"));
        return { body: { bundles: page === 1 ? [bundle({ name: "a" }), bundle({ name: "b" })] : [bundle({ name: "c" })], ...counts } };
      });
      expect((await api.listCatalogue()).map((b) => b.name)).toEqual(["a", "b", "c"]);
      expect(pages).toHaveLength(2);
      await api.close();
      await closeServer?.();
      client = undefined;
      closeServer = undefined;
    }
  });

  it("pages an order list by its counts when it has them, else until an empty page", async () => {
    const order = (reference: string) => ({ order: [], total: 1, currency: "USD", orderReference: reference, createDate: "2023-06-14T15:45:00Z" });
    const pages: string[] = [];
    const api = await clientFor((path) => {
      pages.push(path);
      const page = Number(new URL(path, "http://x").searchParams.get("page"));
      return { body: page <= 2 ? [order(`ref-${page}`)] : [] };
    });
    expect((await api.listOrders()).map((o) => o.orderReference)).toEqual(["ref-1", "ref-2"]);
    expect(pages).toHaveLength(3);
  });

  it("roamingEnabled as countries, as a boolean, or as {country, networks}", async () => {
    const api = await clientFor(() => ({
      body: {
        bundles: [
          bundle({ name: "array", roamingEnabled: [{ name: "France", region: "Europe", iso: "FR" }] }),
          bundle({ name: "boolean", roamingEnabled: true }),
          bundle({ name: "networks", roamingEnabled: [{ country: { name: "Spain", region: "Europe", iso: "es" }, networks: [{ name: "Movistar" }] }] }),
        ],
        pageCount: 1,
        rows: 3,
        pageSize: 50,
      },
    }));
    const byName = Object.fromEntries((await api.listCatalogue()).map((b) => [b.name, b.roamingCountries]));
    expect(byName).toEqual({ array: ["FR"], boolean: [], networks: ["ES"] });
  });

  it("a bundle without a usable price is rejected and logged, never sold at 0", async () => {
    const logs: unknown[] = [];
    const api = await clientFor(
      () => ({
        body: {
          bundles: [bundle({ name: "ok", price: "2.50" }), bundle({ name: "missing", price: undefined }), bundle({ name: "negative", price: -1 }), bundle({ name: "text", price: "free" })],
          pageCount: 1,
        },
      }),
      logs,
    );
    const bundles = await api.listCatalogue();
    expect(bundles.map((b) => [b.name, b.priceMinor])).toEqual([["ok", 250]]);
    expect(logs.map((l) => (l as { bundle: string }).bundle)).toEqual(["missing", "negative", "text"]);
  });

  it("organisation wrapped in organisations[]; smdpAddress with a scheme; numeric ICCIDs; AllowReassign casing; orders wrapped", async () => {
    const order = {
      order: [{ type: "bundle", item: "esim_1GB_7D_GB_V2", quantity: 1, subTotal: 1.36, pricePerUnit: 1.36, AllowReassign: false, esims: [{ iccid: 8944538532008160000, matchingId: "M-1", smdpAddress: "https://rsp.example.com/" }] }],
      total: 1.36,
      currency: "USD",
      status: "completed",
      statusMessage: "Order completed: 1 eSIMs assigned",
      orderReference: "ref-1",
      createDate: "2023-06-14T15:45:00Z",
    };
    const api = await clientFor((path) => {
      if (path.startsWith("/v2.4/organisation")) return { body: { organisations: [{ name: "Acme", balance: 10000.5, currency: "usd" }] } };
      if (path.startsWith("/v2.4/orders")) return { body: { orders: [order] } };
      return { body: { iccid: "8944", matchingId: "M-1", smdpAddress: "http://rsp.example.com" } };
    });

    expect(await api.getOrganisation()).toEqual({ name: "Acme", balanceMinor: 1_000_050, currency: "USD" });
    expect(await api.listOrders({ page: 1 })).toEqual([
      { orderReference: "ref-1", createdAt: "2023-06-14T15:45:00Z", status: "completed", totalMinor: 136, currency: "USD", items: [{ bundle: "esim_1GB_7D_GB_V2", quantity: 1, iccids: ["8944538532008160000"] }] },
    ]);
    expect(await api.getAssignments("ref-1")).toEqual([{ iccid: "8944", matchingId: "M-1", smdpAddress: "rsp.example.com", lpa: "LPA:1$rsp.example.com$M-1" }]);
  });
});
