import { describe, expect, it } from "vitest";
import type { SentAnswer } from "../src/index.ts";
import { SpecContract } from "./contract/contract.ts";
import { SPEC_FAULTS } from "./contract/spec-faults.ts";

const contract = new SpecContract();
const answer = (route: string, status: number, body: unknown, method = "GET"): SentAnswer => ({ method, path: route, route, status, contentType: "application/json", body: JSON.stringify(body) });

/** The check every JSON body of the stand-in's tests goes through (fidelity and control tests): it must catch drift. */
describe("the OpenAPI contract the stand-in is held to", () => {
  it("refuses a field the spec does not document, a wrong type and an undocumented status", () => {
    expect(contract.check(answer("/catalogue/bundle/{name}", 200, { name: "esim_1GB_7D_DE_V2", colour: "red" }))).toEqual([
      expect.stringContaining("must NOT have additional properties"),
    ]);
    expect(contract.check(answer("/organisation", 200, { name: "Reseller", balance: "12.50" }))).toEqual([expect.stringContaining("/balance must be number")]);
    expect(contract.check(answer("/orders/{orderReference}", 404, { message: "Order not found" }))).toEqual([expect.stringContaining("status 404 is not documented")]);
    expect(new SpecContract({ notFound404: true }).check(answer("/orders/{orderReference}", 404, { message: "Order not found" }))).toEqual([]);
    expect(contract.check(answer("/esims/{iccid}", 403, { error: "denied" }))).toEqual([expect.stringContaining("must NOT have additional properties")]);
  });

  it("applies each known spec fault, and only those", () => {
    expect(SPEC_FAULTS.map((fault) => fault.name)).toEqual(["catalogue wrapper", "decimal money", "GET /orders list", "catalogue bundle fields", "install details", "duplicate key", "undocumented 404", "JSON errors"]);
    // The spec's bare catalogue array is what the live API does not send.
    expect(contract.check(answer("/catalogue", 200, []))).not.toEqual([]);
    expect(contract.check(answer("/catalogue", 200, { bundles: [{ name: "x", price: 1.36 }], pageCount: 1, rows: 1, pageSize: 50 }))).toEqual([]);
    expect(contract.check(answer("/orders", 200, [{ orderReference: "r", total: 2.28, createDate: "2025-03-28T14:47:26.153875019Z", order: [{ item: "x", subTotal: 2.28, iccids: ["8944"] }] }]))).toEqual([]);
    expect(contract.check(answer("/orders", 400, { message: "Invalid Order type" }, "POST"))).toEqual([]);
  });

  it("holds callback bodies to BundleAlert", () => {
    expect(contract.checkCallback({ iccid: "8944", alertType: "Utilisation", bundle: { name: "x", initialQuantity: 1, remainingQuantity: 0, unlimited: false } })).toEqual([]);
    expect(contract.checkCallback({ iccid: "8944", alertType: "Utilisation", bundle: { name: "x", remainingQuantity: 0.5 } })).not.toEqual([]);
  });
});
