import { createHmac } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseEsimGoCallback, verifyEsimGoSignature } from "../../src/esimgo/index.ts";
import { startEsimGoSim, type EsimGoSim } from "@esim-shop/esimgo-sim";
import { startCallbackReceiver } from "./helpers.ts";

const key = "sim-key-for-signatures";
const body = '{"iccid":"8944538532008160222","alertType":"Utilisation","bundle":{"name":"esim_1GB_7D_DE_V2"}}';
const digest = (encoding: "base64" | "hex") => createHmac("sha256", key).update(body).digest(encoding);

describe("verifyEsimGoSignature", () => {
  it("accepts base64 and hex (either case) of HMAC-SHA256(raw body, API key)", () => {
    expect(verifyEsimGoSignature(body, digest("base64"), key)).toBe(true);
    expect(verifyEsimGoSignature(body, digest("hex"), key)).toBe(true);
    expect(verifyEsimGoSignature(body, digest("hex").toUpperCase(), key)).toBe(true);
    expect(verifyEsimGoSignature(new TextEncoder().encode(body), digest("base64"), key)).toBe(true);
  });

  it("refuses a wrong, missing, other-key or altered-body signature", () => {
    expect(verifyEsimGoSignature(body, "AAAA", key)).toBe(false);
    expect(verifyEsimGoSignature(body, undefined, key)).toBe(false);
    expect(verifyEsimGoSignature(body, null, key)).toBe(false);
    expect(verifyEsimGoSignature(body, "", key)).toBe(false);
    expect(verifyEsimGoSignature(body, digest("base64"), "another-key")).toBe(false);
    expect(verifyEsimGoSignature(`${body} `, digest("base64"), key)).toBe(false);
  });
});

describe("parseEsimGoCallback", () => {
  it("reads a V3 Utilisation body; an ICCID sent as a JSON number becomes a string", () => {
    const parsed = parseEsimGoCallback(
      JSON.parse(
        '{"iccid":8944538532008160000,"alertType":"Utilisation","bundle":{"id":"123456789","reference":"12345-12345-12345-12345-0","name":"A_BUNDLE_20GB_30D_EU_U","description":"A Bundle, 20GB, 30 Days, EU, Unthrottled","initialQuantity":20000000000,"remainingQuantity":19000000000,"startTime":"2006-01-02T15:04:05Z","endTime":"2007-01-02T15:04:05Z","unlimited":false}}',
      ),
    );
    expect(parsed).toEqual({
      alertType: "Utilisation",
      iccid: "8944538532008160000",
      bundle: {
        id: "123456789",
        reference: "12345-12345-12345-12345-0",
        name: "A_BUNDLE_20GB_30D_EU_U",
        description: "A Bundle, 20GB, 30 Days, EU, Unthrottled",
        initialBytes: 20_000_000_000,
        remainingBytes: 19_000_000_000,
        unlimited: false,
        startTime: "2006-01-02T15:04:05Z",
        endTime: "2007-01-02T15:04:05Z",
      },
    });
  });

  it("reads a V2 body (no id/reference/unlimited) and balance alerts in both shapes", () => {
    expect(parseEsimGoCallback({ iccid: "8944", alertType: "FirstUse", bundle: { name: "b", initialQuantity: 10, remainingQuantity: 9 } })).toMatchObject({
      alertType: "FirstUse",
      bundle: { name: "b", initialBytes: 10, remainingBytes: 9, unlimited: false },
    });
    expect(parseEsimGoCallback({ alertType: "LowBalance", balanceInfo: { balance: 75.5, threshold: 100, thresholdPercentRemaining: 75 } })).toEqual({
      alertType: "LowBalance",
      balance: 75.5,
      threshold: 100,
    });
    expect(parseEsimGoCallback({ alertType: "InsufficientBalance", balance: 3 })).toEqual({ alertType: "InsufficientBalance", balance: 3 });
  });

  it("keeps unknown alert types raw and refuses bodies without alertType", () => {
    const raw = { alertType: "CountryChange", iccid: 8944538532008160000, country: { code: "NO", name: "Norway" } };
    expect(parseEsimGoCallback(raw)).toEqual({ alertType: "CountryChange", iccid: "8944538532008160000", raw });
    expect(() => parseEsimGoCallback({ hello: "world" })).toThrow();
  });
});

describe("simulator callbacks", () => {
  let sim: EsimGoSim;
  let receiver: Awaited<ReturnType<typeof startCallbackReceiver>>;

  beforeAll(async () => {
    receiver = await startCallbackReceiver();
    sim = await startEsimGoSim({ port: 0, catalogueSize: "small", rateLimitPerSecond: 0, webhookUrl: receiver.url, apiKey: key, balance: 1000 });
  });

  afterAll(async () => {
    await sim.close();
    await receiver.close();
  });

  async function buy(bundle: string): Promise<string> {
    const { createEsimGoClient } = await import("../../src/esimgo/index.ts");
    const client = createEsimGoClient({ baseUrl: sim.baseUrl, apiKey: sim.apiKey });
    try {
      const order = await client.placeOrder([{ bundle, quantity: 1 }]);
      return order.esims[0]!.iccid;
    } finally {
      await client.close();
    }
  }

  it("usage posts a signed FirstUse, then Utilisation at 50/80/100 % with what was left at each, and the bundle ends depleted", async () => {
    const iccid = await buy("esim_20GB_30D_DE_V2");
    receiver.received.length = 0;
    await sim.control.advanceUsage(iccid, 60);
    await sim.control.advanceUsage(iccid, 10);
    await sim.control.advanceUsage(iccid, 50);

    const parsed = receiver.received.map((r) => {
      expect(verifyEsimGoSignature(r.raw, r.headers["x-signature-sha256"] as string, key)).toBe(true);
      expect(r.headers["x-signature-sha256"]).toMatch(/=$/); // base64 by default
      return parseEsimGoCallback(JSON.parse(r.raw));
    });
    expect(parsed.map((p) => p.alertType)).toEqual(["FirstUse", "Utilisation", "Utilisation", "Utilisation"]);
    const remaining = parsed.map((p) => ("bundle" in p ? p.bundle.remainingBytes : undefined));
    expect(remaining).toEqual([19_999_999_000, 10_000_000_000, 4_000_000_000, 0]);
    expect(sim.control.esims().find((e) => e.iccid === iccid)?.bundles[0]).toMatchObject({ state: "depleted", remainingBytes: 0 });
  });

  it("a transaction taking the balance under the threshold posts LowBalance", async () => {
    receiver.received.length = 0;
    sim.control.setBalance(101);
    await buy("esim_5GB_30D_FR_V2");
    await expect.poll(() => receiver.received.length).toBe(1);
    expect(parseEsimGoCallback(JSON.parse(receiver.received[0]!.raw))).toMatchObject({ alertType: "LowBalance", threshold: 100 });
  });

  it("fireCallback signs any body; the hex switch changes the encoding", async () => {
    const hexSim = await startEsimGoSim({ port: 0, catalogueSize: "small", webhookUrl: receiver.url, callbackSignatureEncoding: "hex" });
    try {
      receiver.received.length = 0;
      expect(await hexSim.control.fireCallback({ alertType: "FirstAttachment", iccid: "8944538532008160222" })).toBe(200);
      const [got] = receiver.received;
      expect(got!.headers["x-signature-sha256"]).toMatch(/^[0-9a-f]{64}$/);
      expect(verifyEsimGoSignature(got!.raw, got!.headers["x-signature-sha256"] as string, hexSim.apiKey)).toBe(true);
    } finally {
      await hexSim.close();
    }
  });
});
