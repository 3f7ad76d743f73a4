import { readFile, writeFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { recordStandIn, renderModule, shapeOf } from "./recording.ts";

const MODULE = new URL("./recorded/stripe-objects.ts", import.meta.url);

/**
 * Every object and event the stand-in sends, recorded into test/recorded/stripe-objects.ts, where `tsc` holds each
 * to the stripe SDK's own type (generated from Stripe's OpenAPI spec). This test keeps the recording true: when the
 * stand-in's answers change shape it fails until the recording is rewritten, and the rewrite must compile.
 */
describe("stripe-sim objects against the stripe SDK's types", () => {
  it("sends exactly the shapes of the recording that tsc checked", async () => {
    const recorded = await recordStandIn();
    if (process.env.UPDATE_STRIPE_RECORDING) await writeFile(MODULE, renderModule(recorded));
    const committed = (await import(MODULE.href)) as Record<string, unknown>;

    expect(recorded.map((r) => r.name).sort()).toEqual(Object.keys(committed).sort());
    for (const { name, value } of recorded) {
      expect(shapeOf(value), `${name} changed shape: rewrite the recording (UPDATE_STRIPE_RECORDING=1) and let tsc judge it`).toEqual(shapeOf(committed[name]));
    }
    expect(await readFile(MODULE, "utf8")).toContain("satisfies Stripe.Checkout.Session");
  });
});
