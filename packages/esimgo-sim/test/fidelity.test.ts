import { unzipSync } from "fflate";
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type EsimGoSim, isValidLuhn, startEsimGoSim } from "../src/index.ts";
import { contractRecorder, SpecContract } from "./contract/contract.ts";
import { decodeQr, startCallbackReceiver } from "./helpers.ts";

/** Raw HTTP against the simulator: checks the wire format itself, not our client's reading of it. */
let sim: EsimGoSim;
const contract = contractRecorder();

beforeAll(async () => {
  sim = await startEsimGoSim({ port: 0, rateLimitPerSecond: 0, onAnswer: contract.onAnswer });
});

afterAll(async () => {
  await sim.close();
  // Every JSON body served above, held to the OpenAPI file (test/contract/spec-faults.ts lists its known faults).
  expect(contract.violations).toEqual([]);
  expect(contract.checked).toBeGreaterThan(40);
});

async function call(method: "GET" | "POST", path: string, init: { headers?: Record<string, string>; body?: unknown } = {}) {
  const response = await request(`${sim.baseUrl}${path}`, {
    method,
    headers: { "x-api-key": sim.apiKey, accept: "application/json", ...(init.body ? { "content-type": "application/json" } : {}), ...init.headers },
    body: init.body === undefined ? null : JSON.stringify(init.body),
  });
  const bytes = Buffer.from(await response.body.arrayBuffer());
  const text = bytes.toString("utf8");
  const json = (): unknown => JSON.parse(text);
  return { status: response.statusCode, headers: response.headers, bytes, text, json };
}

async function buy(bundle: string, quantity = 1): Promise<Record<string, unknown>> {
  const reply = await call("POST", "/orders", { body: { type: "transaction", assign: true, order: [{ type: "bundle", item: bundle, quantity, allowReassign: false }] } });
  expect(reply.status).toBe(200);
  return reply.json() as Record<string, unknown>;
}

describe("seeded catalogue", () => {
  it("is realistic: >=150 countries in every region, local/regional/global bundles, eSIM Go names and prices", () => {
    const bundles = sim.control.catalogue();
    const countries = new Set(bundles.flatMap((b) => b.countries.map((c) => c.iso)));
    const regions = new Set(bundles.flatMap((b) => b.countries.map((c) => c.region)));

    expect(countries.size).toBeGreaterThanOrEqual(150);
    expect([...regions].sort()).toEqual(["Africa", "Asia", "Europe", "LATAM", "Middle East", "North America", "Oceania"]);
    expect(bundles.length).toBeLessThan(5000);
    expect(bundles.every((b) => /^esim_(\d+GB|UL)_\d+D_[A-Z]+_V2$/.test(b.name))).toBe(true);
    const europe = bundles.find((b) => b.name === "esim_5GB_30D_REUP_V2");
    expect(europe?.countries.length).toBe(39);
    expect(bundles.some((b) => /Global/.test(b.description) && b.countries.length > 100)).toBe(true);

    const price = (name: string) => bundles.find((b) => b.name === name)!.price;
    const locals1GB = bundles.filter((b) => /^esim_1GB_7D_[A-Z]{2}_V2$/.test(b.name)).map((b) => b.price);
    expect(Math.min(...locals1GB)).toBeGreaterThanOrEqual(0.9);
    expect(Math.max(...locals1GB)).toBeLessThanOrEqual(2.5);
    expect(price("esim_20GB_30D_DE_V2")).toBeGreaterThanOrEqual(10);
    expect(price("esim_20GB_30D_DE_V2")).toBeLessThanOrEqual(25);
    expect(price("esim_10GB_30D_RGBS_V2")).toBeGreaterThan(price("esim_10GB_30D_REUP_V2"));
    expect(bundles.every((b) => Number.isInteger(Math.round(b.price * 100)) && Math.abs(b.price * 100 - Math.round(b.price * 100)) < 1e-6)).toBe(true);
  });
});

describe("wire format (v2.4 reference)", () => {
  it("GET /catalogue: wrapper with paging and bundle fields of CatalogueResponse", async () => {
    const reply = await call("GET", "/catalogue?page=2&perPage=5&orderBy=duration&direction=desc");
    const body = reply.json() as { bundles: Record<string, unknown>[]; pageCount: number; rows: number; pageSize: number };

    expect(reply.status).toBe(200);
    expect(reply.headers["content-type"]).toContain("application/json");
    expect(body.pageSize).toBe(5);
    expect(body.rows).toBe(sim.control.catalogue().length);
    expect(body.pageCount).toBe(Math.ceil(body.rows / 5));
    expect(body.bundles).toHaveLength(5);
    for (const bundle of body.bundles) {
      expect(Object.keys(bundle).sort()).toEqual(
        ["autostart", "billingType", "countries", "dataAmount", "description", "duration", "groups", "imageUrl", "name", "price", "roamingEnabled", "speed", "unlimited"].sort(),
      );
      expect(bundle).toMatchObject({ billingType: "FixedCost", duration: 30 });
      expect(typeof bundle.price).toBe("number");
      const countries = bundle.countries as Record<string, unknown>[];
      expect(Object.keys(countries[0]!).sort()).toEqual(["iso", "name", "region"]);
    }
  });

  it("GET /catalogue filters: countries list, region, exact group, wildcard description", async () => {
    const byCountry = (await call("GET", "/catalogue?countries=GB,%20US&perPage=5000")).json() as { bundles: { countries: { iso: string }[] }[] };
    expect(byCountry.bundles.every((b) => b.countries.some((c) => c.iso === "GB" || c.iso === "US"))).toBe(true);
    const described = (await call("GET", "/catalogue?description=*20GB*Germany*&perPage=5000")).json() as { bundles: { name: string }[] };
    expect(described.bundles.map((b) => b.name).sort()).toEqual(["esim_20GB_15D_DE_V2", "esim_20GB_30D_DE_V2", "esim_20GB_7D_DE_V2"]);
    const grouped = (await call("GET", "/catalogue?group=Standard%20Unlimited%20Bundles&perPage=5000")).json() as { bundles: { unlimited: boolean; groups: string[] }[] };
    expect(grouped.bundles.length).toBeGreaterThan(0);
    expect(grouped.bundles.every((b) => b.unlimited && b.groups.includes("Standard Unlimited Bundles"))).toBe(true);
  });

  it("GET /catalogue/bundle/{name} is case-sensitive", async () => {
    expect((await call("GET", "/catalogue/bundle/esim_1GB_7D_DE_V2")).json()).toMatchObject({ name: "esim_1GB_7D_DE_V2", dataAmount: 1000 });
    const wrongCase = await call("GET", "/catalogue/bundle/ESIM_1GB_7D_DE_V2");
    expect(wrongCase.status).toBe(400);
    expect(Object.keys(wrongCase.json() as object)).toEqual(["message"]);
  });

  it("GET /organisation is the bare OrganisationResponse: name, balance (a decimal) and currency", async () => {
    sim.control.setBalance(321.09);
    const body = (await call("GET", "/organisation")).json() as Record<string, unknown>;
    expect(body).toMatchObject({ balance: 321.09, currency: "USD", name: expect.any(String), groups: expect.any(Array), users: expect.any(Array) });
    const documented = ["name", "apiKey", "taxLiable", "addr1", "addr2", "city", "country", "postcode", "callbackUrl", "notes", "groups", "currency", "balance", "testCredit", "testCreditExpiry", "businessType", "website", "productDescription", "users"];
    expect(Object.keys(body).filter((key) => !documented.includes(key))).toEqual([]);
    sim.control.setBalance(500);
  });

  it("POST /orders validate: no reference, nothing charged; transaction: OrderResponseTransaction", async () => {
    const validate = (await call("POST", "/orders", { body: { type: "validate", assign: true, order: [{ type: "bundle", item: "esim_1GB_7D_DE_V2", quantity: 1 }] } })).json() as Record<string, unknown>;
    expect(Object.keys(validate).sort()).toEqual(["assigned", "createdDate", "currency", "order", "total", "valid"]);
    expect((validate.order as Record<string, unknown>[])[0]).toHaveProperty("AllowReassign", false);
    expect(sim.control.getBalance()).toBe(500);

    const order = await buy("esim_1GB_7D_DE_V2");
    expect(order).toMatchObject({ status: "completed", currency: "USD", assigned: true, statusMessage: "Order completed: 1 eSIMs assigned" });
    expect(order.orderReference).toMatch(/^[0-9a-f-]{36}$/);
    expect(order.createdDate).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
    const item = (order.order as Record<string, unknown>[])[0]!;
    expect(Object.keys(item).sort()).toEqual(["AllowReassign", "esims", "iccids", "item", "pricePerUnit", "quantity", "subTotal", "type"]);
    const esim = (item.esims as Record<string, string>[])[0]!;
    expect(esim.smdpAddress).toMatch(/^[a-z0-9.-]+$/);
    expect(esim.matchingId).toMatch(/^JQ-[0-9A-Z]{6}-[0-9A-Z]{7}$/);
    expect(item.iccids).toEqual([esim.iccid]);
  });

  it("POST /orders rules: type, items, ICCIDs only with assign, quantity == ICCIDs, balance", async () => {
    const post = (body: unknown) => call("POST", "/orders", { body });
    expect((await post({ type: "purchase", assign: true, order: [{ item: "esim_1GB_7D_DE_V2", quantity: 1 }] })).json()).toEqual({ message: "Invalid Order type" });
    expect((await post({ type: "transaction", assign: true, order: [] })).json()).toEqual({ message: "Order must contain Order Items" });

    const iccid = ((await buy("esim_1GB_7D_DE_V2")).order as { iccids: string[] }[])[0]!.iccids[0]!;
    const unassigned = await post({ type: "transaction", assign: false, order: [{ type: "bundle", item: "esim_1GB_7D_DE_V2", quantity: 1, iccids: [iccid] }] });
    expect(unassigned.status).toBe(400);
    const mismatch = await post({ type: "transaction", assign: true, order: [{ type: "bundle", item: "esim_1GB_7D_DE_V2", quantity: 2, iccids: [iccid] }] });
    expect(mismatch.status).toBe(400);
    // Keys are matched case-insensitively, as the Go backend does.
    const capitalised = await post({ Type: "validate", Assign: true, Order: [{ Type: "bundle", Item: "esim_1GB_7D_DE_V2", Quantity: 1 }] });
    expect(capitalised.status).toBe(200);

    sim.control.setBalance(0);
    const broke = await post({ type: "transaction", assign: true, order: [{ type: "bundle", item: "esim_1GB_7D_DE_V2", quantity: 1 }] });
    expect(broke.status).toBe(400);
    expect(broke.json()).toEqual({ message: "Failed to process Order. No payment taken." });
    sim.control.setBalance(500);
  });

  it("GET /esims/assignments: CSV by default, JSON on request, ZIP of PNG QR codes + CSV", async () => {
    const order = await buy("esim_3GB_15D_FR_V2", 2);
    const reference = order.orderReference as string;

    const csv = await call("GET", `/esims/assignments?reference=${reference}`, { headers: { accept: "*/*" } });
    expect(csv.headers["content-type"]).toContain("text/csv");
    const lines = csv.text.trim().split("\n");
    expect(lines[0]).toBe('"ICCID","Matching ID","RSP URL","Bundle","Reference"');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(/^"89\d{17,18}","JQ-[^"]+","[a-z0-9.-]+","esim_3GB_15D_FR_V2","[0-9a-f-]{36}"$/);

    const json = (await call("GET", `/esims/assignments?reference=${reference}&additionalFields=appleInstallUrl`)).json() as Record<string, string>[];
    expect(json).toHaveLength(2);
    expect(json[0]).toMatchObject({ iccid: expect.stringMatching(/^89/), matchingId: expect.any(String), smdpAddress: expect.any(String), profileStatus: "Released" });
    expect(json[0]!.appleInstallUrl).toBe(`https://esimsetup.apple.com/esim_qrcode_provisioning?carddata=LPA:1$${json[0]!.smdpAddress}$${json[0]!.matchingId}`);

    const zip = await call("GET", `/esims/assignments?reference=${reference}`, { headers: { accept: "application/zip" } });
    expect(zip.headers["content-type"]).toBe("application/zip");
    const files = unzipSync(new Uint8Array(zip.bytes));
    const pngs = Object.keys(files).filter((f) => f.endsWith(".png"));
    expect(pngs).toHaveLength(2);
    expect(Object.keys(files).filter((f) => f.endsWith(".csv"))).toHaveLength(1);
    for (const name of pngs) {
      const install = json.find((i) => name === `${i.iccid}.png`)!;
      expect(decodeQr(files[name]!)).toBe(`LPA:1$${install.smdpAddress}$${install.matchingId}`);
    }
  });

  it("eSIM endpoints: details, bundles with byte quantities, single bundle, compatibility", async () => {
    const order = await buy("esim_1GB_7D_GB_V2");
    const iccid = (order.order as { iccids: string[] }[])[0]!.iccids[0]!;

    const details = (await call("GET", `/esims/${iccid}`)).json() as Record<string, unknown>;
    expect(Object.keys(details).sort()).toEqual(["customerRef", "firstInstalledDateTime", "iccid", "matchingId", "pin", "profileStatus", "puk", "smdpAddress"]);
    expect(typeof details.firstInstalledDateTime).toBe("number");

    const bundles = (await call("GET", `/esims/${iccid}/bundles`)).json() as { bundles: { name: string; description: string; assignments: Record<string, unknown>[] }[] };
    const assignment = bundles.bundles[0]!.assignments[0]!;
    expect(Object.keys(assignment).sort()).toEqual(
      ["assignmentDateTime", "assignmentReference", "bundleState", "callTypeGroup", "id", "initialQuantity", "remainingQuantity", "unlimited"].sort(),
    );
    expect(assignment).toMatchObject({ callTypeGroup: "data", initialQuantity: 1_000_000_000, bundleState: "queued", assignmentReference: `${order.orderReference as string}-0` });

    await sim.control.advanceUsage(iccid, 100);
    const one = (await call("GET", `/esims/${iccid}/bundles/esim_1GB_7D_GB_V2`)).json() as { assignments: Record<string, unknown>[] };
    expect(one.assignments[0]).toMatchObject({ bundleState: "depleted", remainingQuantity: 0 });
    expect((await call("GET", `/esims/${iccid}/bundles`)).json()).toEqual({ bundles: [] });
    expect(((await call("GET", `/esims/${iccid}/bundles?includeUsed=true`)).json() as { bundles: unknown[] }).bundles).toHaveLength(1);

    expect((await call("GET", `/esims/${iccid}/compatible/esim_5GB_30D_GB_V2`)).json()).toEqual({ compatible: true });
    expect((await call("GET", `/esims/${iccid}/compatible/esim_UL_7D_GB_V2`)).json()).toEqual({ compatible: false });
  });

  it("ICCIDs are 19-20 digits starting 89 with a valid Luhn check digit", async () => {
    await buy("esim_1GB_7D_TR_V2", 3);
    for (const { iccid } of sim.control.esims()) {
      expect(iccid).toMatch(/^89\d{17,18}$/);
      expect(isValidLuhn(iccid)).toBe(true);
    }
  });

  it("GET /orders: createdAt operators and paging", async () => {
    const from = new Date().toISOString();
    await buy("esim_1GB_7D_AT_V2");
    await buy("esim_1GB_7D_AT_V2");
    const listed = (await call("GET", `/orders?createdAt=gte:${from}&createdAt=lte:${new Date().toISOString()}&limit=1&page=2`)).json() as Record<string, unknown>[];
    expect(listed).toHaveLength(1);
    expect(listed[0]).toHaveProperty("createDate");
    expect(listed[0]).toHaveProperty("orderReference");
  });
});

describe("where eSIM Go is stricter than a kind stand-in", () => {
  it("a page holds at most 50 bundles or orders whatever perPage or limit asks; pageCount and rows follow the size used", async () => {
    const body = (await call("GET", "/catalogue?perPage=500&page=2")).json() as { bundles: unknown[]; pageCount: number; rows: number; pageSize: number };
    expect(body).toMatchObject({ pageSize: 50, rows: sim.control.catalogue().length, pageCount: Math.ceil(sim.control.catalogue().length / 50) });
    expect(body.bundles).toHaveLength(50);

    const small = await startEsimGoSim({ port: 0, catalogueSize: "small", rateLimitPerSecond: 0, maxPageSize: 3, onAnswer: contract.onAnswer });
    try {
      const order = { type: "transaction", assign: true, order: [{ type: "bundle", item: "esim_1GB_7D_DE_V2", quantity: 1 }] };
      for (let i = 0; i < 4; i++) expect((await request(`${small.baseUrl}/orders`, { method: "POST", headers: { "x-api-key": small.apiKey, "content-type": "application/json" }, body: JSON.stringify(order) })).statusCode).toBe(200);
      const page = (n: number) => request(`${small.baseUrl}/orders?limit=1000&page=${n}`, { headers: { "x-api-key": small.apiKey, accept: "application/json" } }).then((r) => r.body.json() as Promise<unknown[]>);
      expect([(await page(1)).length, (await page(2)).length, (await page(3)).length]).toEqual([3, 1, 0]);
    } finally {
      await small.close();
    }
  });

  it("an unknown order, assignment reference or a bundle the eSIM never had: 403 access denied by default, 404 when set", async () => {
    const iccid = ((await buy("esim_1GB_7D_NL_V2")).order as { iccids: string[] }[])[0]!.iccids[0]!;
    const unknown = ["/orders/0e7f7b1c-0000-4000-8000-000000000000", "/esims/assignments?reference=0e7f7b1c-0000-4000-8000-000000000000", `/esims/${iccid}/bundles/esim_5GB_30D_NL_V2`];
    for (const path of unknown) {
      const reply = await call("GET", path);
      expect([path, reply.status, reply.json()]).toEqual([path, 403, { message: "access denied" }]);
    }
    const strict404 = contractRecorder(new SpecContract({ notFound404: true }));
    const other = await startEsimGoSim({ port: 0, catalogueSize: "small", rateLimitPerSecond: 0, notFoundStatus: 404, onAnswer: strict404.onAnswer });
    try {
      const headers = { "x-api-key": other.apiKey, accept: "application/json" };
      for (const path of unknown.slice(0, 2)) expect((await request(`${other.baseUrl}${path}`, { headers }).then(async (r) => [r.statusCode, await r.body.json()]))).toEqual([404, { message: expect.stringMatching(/not found$/) }]);
      expect(strict404.violations).toEqual([]);
    } finally {
      await other.close();
    }
  });

  it("an unlimited bundle counts its daily high-speed allowance (1 GB) in bytes and is throttled, never depleted", async () => {
    const iccid = ((await buy("esim_UL_7D_DE_V2")).order as { iccids: string[] }[])[0]!.iccids[0]!;
    const assignment = async () => ((await call("GET", `/esims/${iccid}/bundles`)).json() as { bundles: { assignments: Record<string, unknown>[] }[] }).bundles[0]!.assignments[0];
    expect(await assignment()).toMatchObject({ unlimited: true, initialQuantity: 1_000_000_000, remainingQuantity: 1_000_000_000, bundleState: "queued" });
    await sim.control.advanceUsage(iccid, 100);
    expect(await assignment()).toMatchObject({ initialQuantity: 1_000_000_000, remainingQuantity: 0, bundleState: "active" });
  });

  it("usage sends FirstUse on the first use, then Utilisation at 50/80/100 % with what was left at each, all BundleAlert bodies", async () => {
    const receiver = await startCallbackReceiver();
    sim.control.setWebhookUrl(receiver.url);
    try {
      const iccid = ((await buy("esim_20GB_30D_DE_V2")).order as { iccids: string[] }[])[0]!.iccids[0]!;
      await sim.control.advanceUsage(iccid, 60);
      await sim.control.advanceUsage(iccid, 10);
      await sim.control.advanceUsage(iccid, 50);
      const bodies = receiver.received.map((r) => JSON.parse(r.raw) as { alertType: string; bundle: { remainingQuantity: number } });
      expect(bodies.map((b) => [b.alertType, b.bundle.remainingQuantity])).toEqual([
        ["FirstUse", 19_999_999_000],
        ["Utilisation", 10_000_000_000],
        ["Utilisation", 4_000_000_000],
        ["Utilisation", 0],
      ]);
      expect(bodies.flatMap((body) => new SpecContract().checkCallback(body))).toEqual([]);
    } finally {
      sim.control.setWebhookUrl(undefined);
      await receiver.close();
    }
  });
});

describe("protocol: auth, errors, rate-limit headers", () => {
  it("X-API-Key is case-insensitive; a bad or missing key is 403 Forbidden", async () => {
    for (const name of ["X-API-KEY", "X-Api-Key", "x-api-key"]) {
      const reply = await request(`${sim.baseUrl}/organisation`, { headers: { [name]: sim.apiKey } });
      await reply.body.dump();
      expect(reply.statusCode).toBe(200);
    }
    const missing = await request(`${sim.baseUrl}/organisation`);
    expect(missing.statusCode).toBe(403);
    expect(await missing.body.json()).toEqual({ message: "Forbidden" });
    const bad = await call("GET", "/organisation", { headers: { "x-api-key": "nope" } });
    expect(bad.status).toBe(403);
    expect(bad.json()).toEqual({ message: "Forbidden" });
  });

  it("unknown routes: 403 access denied under /v2.4, 404 elsewhere; unknown ICCID 403", async () => {
    expect((await call("GET", "/bundles")).json()).toEqual({ message: "access denied" });
    const outside = await request(sim.baseUrl.replace("/v2.4", "/v2/catalogue"), { headers: { "x-api-key": sim.apiKey } });
    expect(outside.statusCode).toBe(404);
    expect(await outside.body.json()).toEqual({ message: "Not Found" });
    const foreign = await call("GET", "/esims/8944538532008160222");
    expect(foreign.status).toBe(403);
    expect(foreign.json()).toEqual({ message: "access denied" });
  });

  it("every response carries X-Ratelimit-Limit/Remaining/Reset/Cost", async () => {
    for (const reply of [await call("GET", "/organisation"), await call("GET", "/nope"), await call("GET", "/organisation", { headers: { "x-api-key": "x" } })]) {
      expect(reply.headers["x-ratelimit-limit"]).toBeDefined();
      expect(Number(reply.headers["x-ratelimit-remaining"])).toBeGreaterThanOrEqual(0);
      expect(Date.parse(String(reply.headers["x-ratelimit-reset"]))).not.toBeNaN();
      expect(reply.headers["x-ratelimit-cost"]).toBe("1");
    }
  });

  it("over 10 requests in a 1 s window: 429 Rate limit exceeded with Retry-After: 1", async () => {
    const limited = await startEsimGoSim({ port: 0, catalogueSize: "small", rateLimitPerSecond: 10, onAnswer: contract.onAnswer });
    try {
      // Start right after a window boundary so all 15 land in the same window.
      await new Promise((resolve) => setTimeout(resolve, 1000 - (Date.now() % 1000) + 5));
      const replies = await Promise.all(Array.from({ length: 15 }, () => request(`${limited.baseUrl}/organisation`, { headers: { "x-api-key": limited.apiKey } })));
      const rejected = replies.filter((r) => r.statusCode === 429);
      expect(rejected.length).toBeGreaterThanOrEqual(5);
      expect(rejected[0]!.headers["retry-after"]).toBe("1");
      expect(await rejected[0]!.body.json()).toEqual({ message: "Rate limit exceeded" });
      expect(limited.control.http429Count()).toBe(rejected.length);
      await Promise.all(replies.map((r) => r.body.dump()));
    } finally {
      await limited.close();
    }
  });
});
