import { describe, expect, it } from "vitest";
import { StripeApiError } from "../src/errors.ts";
import { canonicalParams, parseFormBody } from "../src/form.ts";

describe("stripe-sim form decoding", () => {
  it("nests bracketed keys and turns indexed keys into arrays", () => {
    const body = new URLSearchParams({
      mode: "payment",
      "line_items[0][price_data][product_data][name]": "eSIM + data",
      "line_items[0][quantity]": "1",
      "line_items[1][quantity]": "2",
      "metadata[order_id]": "42",
      "expand[]": "payment_intent",
    }).toString();
    expect(parseFormBody(body)).toEqual({
      mode: "payment",
      line_items: [{ price_data: { product_data: { name: "eSIM + data" } }, quantity: "1" }, { quantity: "2" }],
      metadata: { order_id: "42" },
      expand: ["payment_intent"],
    });
  });

  it("refuses prototype-polluting and malformed keys", () => {
    for (const key of ["__proto__[x]", "metadata[constructor]", "a]b", "[x]"]) {
      expect(() => parseFormBody(`${encodeURIComponent(key)}=1`)).toThrow(StripeApiError);
    }
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it("compares params independent of key order", () => {
    expect(canonicalParams(parseFormBody("a=1&b[c]=2&b[d]=3"))).toBe(canonicalParams(parseFormBody("b[d]=3&a=1&b[c]=2")));
    expect(canonicalParams(parseFormBody("a=1"))).not.toBe(canonicalParams(parseFormBody("a=2")));
  });
});
