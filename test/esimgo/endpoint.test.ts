import { describe, expect, it } from "vitest";
import { endpointOf } from "../../src/esimgo/endpoint.ts";

describe("the endpoint an eSIM Go call is counted under", () => {
  it("folds names, references and ICCIDs into templates, so the metric's labels stay few", () => {
    expect(endpointOf("GET", "/catalogue")).toBe("GET /catalogue");
    expect(endpointOf("GET", "/catalogue/bundle/esim_1GB_7D_DE_V2")).toBe("GET /catalogue/bundle/{name}");
    expect(endpointOf("POST", "/orders")).toBe("POST /orders");
    expect(endpointOf("GET", "/orders/5f1c9a2e-0b1d-4c9e-8d4e-2a1b3c4d5e6f")).toBe("GET /orders/{reference}");
    expect(endpointOf("GET", "/esims/assignments")).toBe("GET /esims/assignments");
    expect(endpointOf("GET", "/esims/8944500102198304826")).toBe("GET /esims/{iccid}");
    expect(endpointOf("GET", "/esims/8944500102198304826/bundles")).toBe("GET /esims/{iccid}/bundles");
    expect(endpointOf("GET", "/esims/8944500102198304826/compatible/esim_1GB_7D_DE_V2")).toBe("GET /esims/{iccid}/compatible/{bundle}");
    expect(endpointOf("GET", "/organisation")).toBe("GET /organisation");
    // A path it does not know keeps its first segment only.
    expect(endpointOf("GET", "/inventory/8944500102198304826")).toBe("GET /inventory/{…}");
  });
});
