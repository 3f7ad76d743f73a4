import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createEsimGoClient, EsimGoError, type EsimGoClient } from "../../src/esimgo/index.ts";
import { startEsimGoSim, type EsimGoSim } from "@esim-shop/esimgo-sim";
import { decodeQr } from "./helpers.ts";

let sim: EsimGoSim;
let client: EsimGoClient;

beforeAll(async () => {
  sim = await startEsimGoSim({ port: 0, catalogueSize: "small", rateLimitPerSecond: 0 });
  client = createEsimGoClient({ baseUrl: sim.baseUrl, apiKey: sim.apiKey, timeoutMs: 2_000 });
});

afterAll(async () => {
  await client.close();
  await sim.close();
});

afterEach(() => {
  sim.faults.clear();
  sim.control.setBalance(500);
  sim.control.setProcessingDelay(0);
});

async function failure(promise: Promise<unknown>): Promise<EsimGoError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(EsimGoError);
  return error as EsimGoError;
}

describe("catalogue", () => {
  it("fetches every page of the catalogue with small pages", async () => {
    const expected = sim.control.catalogue().map((b) => b.name);
    const before = sim.control.requestCount("GET /catalogue");
    const bundles = await client.listCatalogue({ perPage: 7 });

    expect(bundles.map((b) => b.name)).toEqual(expected);
    expect(sim.control.requestCount("GET /catalogue") - before).toBe(Math.ceil(expected.length / 7));
  });

  it("maps a bundle to integer minor units, MB and ISO codes", async () => {
    const seeded = sim.control.catalogue().find((b) => b.name === "esim_1GB_7D_DE_V2")!;
    const bundle = await client.getBundle("esim_1GB_7D_DE_V2");

    expect(bundle).toMatchObject({
      name: "esim_1GB_7D_DE_V2",
      description: "eSIM, 1GB, 7 Days, Germany, V2",
      groups: ["Standard Fixed Bundles"],
      countries: [{ iso: "DE", name: "Germany", region: "Europe" }],
      dataMb: 1000,
      durationDays: 7,
      unlimited: false,
      autostart: true,
      priceMinor: Math.round(seeded.price * 100),
    });
    expect(Number.isInteger(bundle.priceMinor)).toBe(true);
    const unlimited = await client.getBundle("esim_UL_7D_DE_V2");
    expect(unlimited).toMatchObject({ unlimited: true, dataMb: null });
  });

  it("filters by country, region, group and description", async () => {
    const japan = await client.listCatalogue({ countries: ["JP"] });
    expect(japan.length).toBeGreaterThan(0);
    expect(japan.every((b) => b.countries.some((c) => c.iso === "JP"))).toBe(true);

    const unlimited = await client.listCatalogue({ group: "Standard Unlimited Bundles" });
    expect(unlimited.length).toBeGreaterThan(0);
    expect(unlimited.every((b) => b.unlimited)).toBe(true);

    const turkey = await client.listCatalogue({ description: "turkey" });
    expect(turkey.map((b) => b.name).every((name) => name.endsWith("_TR_V2"))).toBe(true);

    const oceania = await client.listCatalogue({ region: "Oceania" });
    expect(oceania.every((b) => b.countries.some((c) => c.region === "Oceania"))).toBe(true);
  });

  it("an unknown bundle is not_found", async () => {
    expect((await failure(client.getBundle("esim_1GB_7D_XX_V2"))).kind).toBe("not_found");
  });

  it("a withdrawn bundle leaves the catalogue and cannot be ordered", async () => {
    sim.control.withdrawBundle("esim_3GB_15D_FR_V2");
    const names = (await client.listCatalogue()).map((b) => b.name);
    expect(names).not.toContain("esim_3GB_15D_FR_V2");
    expect((await failure(client.placeOrder([{ bundle: "esim_3GB_15D_FR_V2", quantity: 1 }]))).kind).toBe("invalid_request");
  });
});

describe("organisation and orders", () => {
  it("reads the balance from GET /organisation", async () => {
    sim.control.setBalance(123.45);
    expect(await client.getOrganisation()).toEqual({ name: expect.any(String), balanceMinor: 12345, currency: "USD" });
  });

  it("validate prices the order and charges nothing", async () => {
    const ordersBefore = sim.control.placedOrders().length;
    const price = Math.round(sim.control.catalogue().find((b) => b.name === "esim_1GB_7D_DE_V2")!.price * 100);
    const result = await client.validateOrder([{ bundle: "esim_1GB_7D_DE_V2", quantity: 2 }]);

    expect(result).toMatchObject({ orderReference: null, valid: true, currency: "USD", totalMinor: 2 * price, esims: [] });
    expect(result.items).toEqual([{ bundle: "esim_1GB_7D_DE_V2", quantity: 2, pricePerUnitMinor: price, iccids: [] }]);
    expect(sim.control.getBalance()).toBe(500);
    expect(sim.control.placedOrders()).toHaveLength(ordersBefore);
  });

  it("a transaction draws down the balance and returns installable eSIMs", async () => {
    const price = sim.control.catalogue().find((b) => b.name === "esim_5GB_30D_TR_V2")!.price;
    const result = await client.placeOrder([{ bundle: "esim_5GB_30D_TR_V2", quantity: 2 }]);

    expect(result.orderReference).toMatch(/^[0-9a-f-]{36}$/);
    expect(result.status).toBe("completed");
    expect(result.totalMinor).toBe(Math.round(price * 200));
    expect(sim.control.getBalance()).toBeCloseTo(500 - 2 * price, 2);
    expect(result.esims).toHaveLength(2);
    for (const esim of result.esims) {
      expect(esim.lpa).toBe(`LPA:1$${esim.smdpAddress}$${esim.matchingId}`);
      expect(esim.smdpAddress).not.toMatch(/:\/\//);
    }
    const placed = sim.control.placedOrders().find((o) => o.reference === result.orderReference);
    expect(placed?.items).toEqual([{ bundle: "esim_5GB_30D_TR_V2", quantity: 2, iccids: result.esims.map((e) => e.iccid) }]);
    expect(result.items[0]?.iccids).toEqual(result.esims.map((e) => e.iccid));
  });

  it("insufficient balance is its own kind and nothing is committed", async () => {
    sim.control.setBalance(0.5);
    const before = sim.control.placedOrders().length;
    const error = await failure(client.placeOrder([{ bundle: "esim_20GB_30D_US_V2", quantity: 1 }]));

    expect(error.kind).toBe("insufficient_balance");
    expect(error.status).toBe(400);
    expect(sim.control.placedOrders()).toHaveLength(before);
    expect(sim.control.getBalance()).toBe(0.5);
  });

  it("lists orders in a createdAt window, paged, and gets one by reference", async () => {
    const from = new Date();
    const first = await client.placeOrder([{ bundle: "esim_1GB_7D_GB_V2", quantity: 1 }]);
    const second = await client.placeOrder([{ bundle: "esim_1GB_7D_AT_V2", quantity: 1 }]);

    const listed = await client.listOrders({ createdFrom: from, createdTo: new Date() });
    expect(listed.map((o) => o.orderReference)).toEqual([first.orderReference, second.orderReference]);
    expect(listed[0]).toMatchObject({ status: "completed", currency: "USD", totalMinor: first.totalMinor });
    expect(listed[0]?.items).toEqual([{ bundle: "esim_1GB_7D_GB_V2", quantity: 1, iccids: first.esims.map((e) => e.iccid) }]);

    const pageTwo = await client.listOrders({ createdFrom: from, page: 2, perPage: 1 });
    expect(pageTwo.map((o) => o.orderReference)).toEqual([second.orderReference]);
    expect(await client.listOrders({ createdFrom: new Date(Date.now() + 60_000) })).toEqual([]);

    const one = await client.getOrder(second.orderReference!);
    expect(one).toMatchObject({ orderReference: second.orderReference, totalMinor: second.totalMinor, items: [{ bundle: "esim_1GB_7D_AT_V2", quantity: 1 }] });
    expect(Date.parse(one.createdAt)).not.toBeNaN();
    expect((await failure(client.getOrder("00000000-0000-0000-0000-000000000000"))).kind).toBe("not_found");
  });
});

describe("install details", () => {
  it("JSON, CSV and ZIP agree, and each QR decodes to the LPA string", async () => {
    const order = await client.placeOrder([{ bundle: "esim_1GB_7D_JP_V2", quantity: 2 }]);
    const reference = order.orderReference!;

    const json = await client.getAssignments(reference);
    expect(json.map((i) => i.iccid).sort()).toEqual(order.esims.map((e) => e.iccid).sort());
    for (const install of json) {
      expect(install.appleInstallUrl).toBe(`https://esimsetup.apple.com/esim_qrcode_provisioning?carddata=${install.lpa}`);
      expect(install).toMatchObject({ bundle: "esim_1GB_7D_JP_V2", reference });
    }

    const csv = await client.getAssignmentsCsv(reference);
    expect(csv.map(({ iccid, matchingId, smdpAddress, lpa }) => ({ iccid, matchingId, smdpAddress, lpa }))).toEqual(
      json.map(({ iccid, matchingId, smdpAddress, lpa }) => ({ iccid, matchingId, smdpAddress, lpa })),
    );

    const zip = await client.getAssignmentsZip(reference);
    expect(zip.qrPngs).toHaveLength(2);
    expect(zip.installs.map((i) => i.iccid)).toEqual(json.map((i) => i.iccid));
    for (const qr of zip.qrPngs) {
      const install = json.find((i) => i.iccid === qr.iccid);
      expect(install).toBeDefined();
      expect(decodeQr(qr.png)).toBe(install!.lpa);
    }
  });

  it("a single eSIM comes back as one install", async () => {
    const order = await client.placeOrder([{ bundle: "esim_1GB_7D_FR_V2", quantity: 1 }]);
    const installs = await client.getAssignments(order.orderReference!);
    expect(installs).toHaveLength(1);
    expect(installs[0]?.iccid).toBe(order.esims[0]?.iccid);
  });

  it("serves install details at once while the bundle is still processing", async () => {
    sim.control.setProcessingDelay(60_000);
    const order = await client.placeOrder([{ bundle: "esim_1GB_7D_AU_V2", quantity: 1 }]);
    const installs = await client.getAssignments(order.orderReference!);
    expect(installs.map((i) => i.iccid)).toEqual([order.esims[0]?.iccid]);
    expect((await client.listEsimBundles(order.esims[0]!.iccid)).map((b) => b.state)).toEqual(["processing"]);
  });

  it("waits out a 503 Processing (Retry-After) on install details, then succeeds", async () => {
    const order = await client.placeOrder([{ bundle: "esim_1GB_7D_AU_V2", quantity: 1 }]);
    sim.faults.inject({ method: "GET", path: "/esims/assignments", times: 1, answer: "processing503" });
    const before = sim.control.requestCount("GET /esims/assignments");

    const installs = await client.getAssignments(order.orderReference!);

    expect(installs.map((i) => i.iccid)).toEqual([order.esims[0]?.iccid]);
    expect(sim.control.requestCount("GET /esims/assignments") - before).toBe(2);
  });

  it("gives up with kind processing when the assignment stays busy", async () => {
    const order = await client.placeOrder([{ bundle: "esim_1GB_7D_AU_V2", quantity: 1 }]);
    sim.faults.inject({ method: "GET", path: "/esims/assignments", times: "always", answer: "processing503" });
    const error = await failure(client.getAssignments(order.orderReference!));
    expect(error).toMatchObject({ kind: "processing", status: 503, retryAfterMs: 1000 });
  });
});

describe("eSIMs", () => {
  it("details, bundle usage, compatibility and a top-up on the same eSIM", async () => {
    const order = await client.placeOrder([{ bundle: "esim_1GB_7D_DE_V2", quantity: 1 }]);
    const iccid = order.esims[0]!.iccid;

    expect(await client.getEsim(iccid)).toMatchObject({ iccid, matchingId: order.esims[0]!.matchingId, smdpAddress: order.esims[0]!.smdpAddress, profileStatus: "Released" });

    await sim.control.advanceUsage(iccid, 25);
    const usage = await client.listEsimBundles(iccid);
    expect(usage).toEqual([
      expect.objectContaining({ name: "esim_1GB_7D_DE_V2", state: "active", initialBytes: 1_000_000_000, remainingBytes: 750_000_000, unlimited: false }),
    ]);
    expect(usage[0]?.assignmentReference).toBe(`${order.orderReference}-0`);
    expect((await client.getEsim(iccid)).firstInstalledAt).toBeDefined();

    expect(await client.checkCompatibility(iccid, "esim_3GB_15D_DE_V2")).toBe(true);
    expect(await client.checkCompatibility(iccid, "esim_UL_7D_DE_V2")).toBe(false);

    const topup = await client.placeOrder([{ bundle: "esim_3GB_15D_DE_V2", quantity: 1, iccids: [iccid] }]);
    expect(topup.esims.map((e) => e.iccid)).toEqual([iccid]);
    expect((await client.listEsimBundles(iccid)).map((b) => b.name)).toEqual(["esim_1GB_7D_DE_V2", "esim_3GB_15D_DE_V2"]);
  });

  it("an incompatible top-up is refused unless allowReassign, which yields a new eSIM", async () => {
    const order = await client.placeOrder([{ bundle: "esim_1GB_7D_DE_V2", quantity: 1 }]);
    const iccid = order.esims[0]!.iccid;

    const refused = await failure(client.placeOrder([{ bundle: "esim_UL_7D_DE_V2", quantity: 1, iccids: [iccid] }]));
    expect(refused.kind).toBe("invalid_request");

    const moved = await client.placeOrder([{ bundle: "esim_UL_7D_DE_V2", quantity: 1, iccids: [iccid], allowReassign: true }]);
    expect(moved.esims).toHaveLength(1);
    expect(moved.esims[0]?.iccid).not.toBe(iccid);
  });

  it("an ICCID that is not ours is not_found: its 403 access denied, while the key works elsewhere", async () => {
    const error = await failure(client.getEsim("8944538532008160222"));
    expect(error).toMatchObject({ kind: "not_found", status: 403 });
    expect((await failure(client.listEsimBundles("8944538532008160222"))).kind).toBe("not_found");
  });

  it("refuses a quantity that does not match the ICCIDs before sending anything", async () => {
    const before = sim.control.requestCount("POST /orders");
    const error = await failure(client.placeOrder([{ bundle: "esim_1GB_7D_DE_V2", quantity: 2, iccids: ["8944538532008160222"] }]));
    expect(error.kind).toBe("invalid_request");
    expect(sim.control.requestCount("POST /orders")).toBe(before);
  });
});

describe("not found or a bad key, without relying on a 404", () => {
  const unknownReference = "0e7f7b1c-0000-4000-8000-000000000000";

  it("a 403 on an unknown order, assignment or eSIM bundle is not_found while GET /organisation still works", async () => {
    const iccid = (await client.placeOrder([{ bundle: "esim_1GB_7D_DE_V2", quantity: 1 }])).esims[0]!.iccid;
    const before = sim.control.requestCount("GET /organisation");
    for (const call of [() => client.getOrder(unknownReference), () => client.getAssignments(unknownReference), () => client.getAssignmentsCsv(unknownReference), () => client.checkCompatibility("8944538532008160222", "esim_1GB_7D_DE_V2")]) {
      expect(await failure(call())).toMatchObject({ kind: "not_found", status: 403 });
    }
    expect(sim.control.requestCount("GET /organisation") - before).toBe(4);
    expect((await client.listEsimBundles(iccid)).map((b) => b.name)).toEqual(["esim_1GB_7D_DE_V2"]);
  });

  it("the same 403 with a key that no longer works is unauthorized", async () => {
    const revoked = createEsimGoClient({ baseUrl: sim.baseUrl, apiKey: "revoked-key" });
    try {
      for (const call of [() => revoked.getOrder(unknownReference), () => revoked.getEsim("8944538532008160222"), () => revoked.getAssignments(unknownReference)]) {
        expect(await failure(call())).toMatchObject({ kind: "unauthorized", status: 403 });
      }
    } finally {
      await revoked.close();
    }
  });

  it("a 403 whose key check fails too is transient, never a guess", async () => {
    sim.faults.inject({ method: "GET", path: "/organisation", times: "always", answer: "http500" });
    expect(await failure(client.getOrder(unknownReference))).toMatchObject({ kind: "transient", status: 403 });
  });

  it("a stand-in answering 404 for unknown references is read the same way", async () => {
    sim.control.setNotFoundStatus(404);
    try {
      expect(await failure(client.getOrder(unknownReference))).toMatchObject({ kind: "not_found", status: 404 });
      expect(await failure(client.getAssignments(unknownReference))).toMatchObject({ kind: "not_found", status: 404 });
    } finally {
      sim.control.setNotFoundStatus(403);
    }
  });
});

describe("paging by the counts the API returns", () => {
  it("reads the whole catalogue though the simulator holds 50 bundles per page whatever perPage asks", async () => {
    const expected = sim.control.catalogue().map((b) => b.name);
    const before = sim.control.requestCount("GET /catalogue");
    expect((await client.listCatalogue()).map((b) => b.name)).toEqual(expected);
    expect(sim.control.requestCount("GET /catalogue") - before).toBe(Math.ceil(expected.length / 50));
  });

  it("reads every order though each page holds fewer than asked for", async () => {
    const capped = await startEsimGoSim({ port: 0, catalogueSize: "small", rateLimitPerSecond: 0, maxPageSize: 2 });
    const reader = createEsimGoClient({ baseUrl: capped.baseUrl, apiKey: capped.apiKey });
    try {
      const placed: string[] = [];
      for (let i = 0; i < 5; i++) placed.push((await reader.placeOrder([{ bundle: "esim_1GB_7D_DE_V2", quantity: 1 }])).orderReference!);
      expect((await reader.listOrders()).map((o) => o.orderReference)).toEqual(placed);
      expect(capped.control.requestCount("GET /orders")).toBe(4);
    } finally {
      await reader.close();
      await capped.close();
    }
  });
});

describe("failures", () => {
  it("a bad key is unauthorized and the message never contains the key", async () => {
    const secret = "super-secret-key-123456";
    const wrong = createEsimGoClient({ baseUrl: sim.baseUrl, apiKey: secret });
    try {
      const error = await failure(wrong.getOrganisation());
      expect(error).toMatchObject({ kind: "unauthorized", status: 403 });
      expect(error.message).not.toContain(secret);
      expect(sim.control.requestCount("GET /organisation")).toBeGreaterThan(0);
    } finally {
      await wrong.close();
    }
  });

  it("retries a 5xx on a GET and succeeds", async () => {
    sim.faults.inject({ method: "GET", path: "/organisation", times: 2, answer: "http500" });
    const before = sim.control.requestCount("GET /organisation");
    expect((await client.getOrganisation()).currency).toBe("USD");
    expect(sim.control.requestCount("GET /organisation") - before).toBe(3);
  });

  it("a GET that keeps failing ends as transient after 4 tries", async () => {
    sim.faults.inject({ method: "GET", path: "/organisation", times: "always", answer: "http500" });
    const before = sim.control.requestCount("GET /organisation");
    expect(await failure(client.getOrganisation())).toMatchObject({ kind: "transient", status: 500 });
    expect(sim.control.requestCount("GET /organisation") - before).toBe(4);
  });

  it("waits Retry-After on 429 and then succeeds", async () => {
    sim.faults.inject({ method: "GET", path: "/catalogue/bundle/{name}", times: 1, answer: "http429" });
    const started = Date.now();
    expect((await client.getBundle("esim_1GB_7D_GB_V2")).name).toBe("esim_1GB_7D_GB_V2");
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it("a persistent 429 surfaces as rate_limited with the server's Retry-After", async () => {
    sim.faults.inject({ method: "GET", path: "/organisation", times: "always", answer: "http429" });
    expect(await failure(client.getOrganisation())).toMatchObject({ kind: "rate_limited", status: 429, retryAfterMs: 1000 });
  }, 15_000);

  it("a 429 on a transaction is handed back, not sent again: its caller decides (holding its lease) whether to buy", async () => {
    sim.faults.inject({ method: "POST", path: "/orders", answer: "http429" });
    const before = sim.control.placedOrders().length;
    const requests = sim.control.requestCount("POST /orders");

    expect(await failure(client.placeOrder([{ bundle: "esim_1GB_7D_GB_V2", quantity: 1 }]))).toMatchObject({ kind: "rate_limited", status: 429 });

    expect(sim.control.requestCount("POST /orders") - requests).toBe(1);
    expect(sim.control.placedOrders()).toHaveLength(before);
  });

  it("a connection reset on a GET is retried; when it persists it is transient", async () => {
    sim.faults.inject({ method: "GET", path: "/organisation", drop: true });
    const before = sim.control.requestCount("GET /organisation");
    expect((await client.getOrganisation()).currency).toBe("USD");
    expect(sim.control.requestCount("GET /organisation") - before).toBe(2);

    sim.faults.inject({ method: "GET", path: "/organisation", times: "always", drop: true });
    const error = await failure(client.getOrganisation());
    expect(error.kind).toBe("transient");
    expect(error.status).toBeUndefined();
  });

  it("a 404 is not_found", async () => {
    sim.faults.inject({ method: "GET", path: "/organisation", answer: "notfound404" });
    expect(await failure(client.getOrganisation())).toMatchObject({ kind: "not_found", status: 404 });
  });

  it("a lost response on a transaction is outcome_unknown, is not retried, and the order IS committed", async () => {
    sim.faults.inject({ method: "POST", path: "/orders", drop: true });
    const before = sim.control.placedOrders().length;
    const requests = sim.control.requestCount("POST /orders");

    const error = await failure(client.placeOrder([{ bundle: "esim_1GB_7D_GB_V2", quantity: 1 }]));

    expect(error.kind).toBe("outcome_unknown");
    expect(sim.control.requestCount("POST /orders") - requests).toBe(1);
    expect(sim.control.placedOrders()).toHaveLength(before + 1);
    const reconciled = await client.listOrders({ createdFrom: new Date(Date.now() - 60_000) });
    expect(reconciled.map((o) => o.orderReference)).toContain(sim.control.placedOrders().at(-1)?.reference);
  });

  it("a 500 or a malformed answer to a transaction is outcome_unknown; never resent", async () => {
    for (const kind of ["http500", "processing503", "malformed"] as const) {
      sim.faults.inject({ method: "POST", path: "/orders", answer: kind });
      const requests = sim.control.requestCount("POST /orders");
      const error = await failure(client.placeOrder([{ bundle: "esim_1GB_7D_GB_V2", quantity: 1 }]));
      expect(error.kind, kind).toBe("outcome_unknown");
      expect(sim.control.requestCount("POST /orders") - requests).toBe(1);
    }
  });

  it("a transaction timeout is outcome_unknown and the late order still lands at the provider", async () => {
    const quick = createEsimGoClient({ baseUrl: sim.baseUrl, apiKey: sim.apiKey, timeoutMs: 200 });
    try {
      sim.faults.inject({ method: "POST", path: "/orders", delayMs: 600 });
      const before = sim.control.placedOrders().length;
      expect((await failure(quick.placeOrder([{ bundle: "esim_1GB_7D_GB_V2", quantity: 1 }]))).kind).toBe("outcome_unknown");
      await new Promise((resolve) => setTimeout(resolve, 700));
      expect(sim.control.placedOrders()).toHaveLength(before + 1);
    } finally {
      await quick.close();
    }
  });

  it("a GET timeout is retried; a validate may be retried too", async () => {
    const quick = createEsimGoClient({ baseUrl: sim.baseUrl, apiKey: sim.apiKey, timeoutMs: 200 });
    try {
      sim.faults.inject({ method: "GET", path: "/organisation", delayMs: 500 });
      expect((await quick.getOrganisation()).currency).toBe("USD");
      sim.faults.inject({ method: "GET", path: "/organisation", times: "always", delayMs: 500 });
      expect(await failure(quick.getOrganisation())).toMatchObject({ kind: "transient" });
      sim.faults.clear();

      sim.faults.inject({ method: "POST", path: "/orders", answer: "http500" });
      expect((await quick.validateOrder([{ bundle: "esim_1GB_7D_GB_V2", quantity: 1 }])).valid).toBe(true);
    } finally {
      await quick.close();
    }
  });
});
