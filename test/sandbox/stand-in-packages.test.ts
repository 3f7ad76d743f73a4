import * as esimgoSim from "@esim-shop/esimgo-sim";
import * as stripeSim from "@esim-shop/stripe-sim";
import * as telegramSim from "@esim-shop/telegram-sim";
import { describe, expect, it } from "vitest";
import { type EsimGoSimPackage, loadStandIn, SandboxUnavailableError, type StripeSimPackage, type TelegramSimPackage } from "../../src/sandbox/index.ts";

// The sandbox imports the packages by name at run time and sees them through these shapes: the type check fails here when a package drifts.
const packages: { esimgo: EsimGoSimPackage; stripe: StripeSimPackage; telegram: TelegramSimPackage } = { esimgo: esimgoSim, stripe: stripeSim, telegram: telegramSim };

describe("the sandbox's stand-in packages", () => {
  it("are loaded by name, only when asked", async () => {
    expect(await loadStandIn("esimgo")).toHaveProperty("startEsimGoSim", packages.esimgo.startEsimGoSim);
    expect(await loadStandIn("stripe")).toHaveProperty("startStripeSim", packages.stripe.startStripeSim);
    expect(await loadStandIn("telegram")).toHaveProperty("runTerminalChat", packages.telegram.runTerminalChat);
  });

  it("that cannot be loaded (a production install, the build under plain node) fail with one sentence naming the way out", async () => {
    const missing = Object.assign(new Error("Cannot find package '@esim-shop/telegram-sim'"), { code: "ERR_MODULE_NOT_FOUND" });
    const error = await loadStandIn("telegram", () => Promise.reject(missing)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SandboxUnavailableError);
    const { message } = error as SandboxUnavailableError;
    expect(message).toContain("@esim-shop/telegram-sim");
    expect(message).toContain("`npm install && npm start`");
    expect(message).not.toContain("\n");
    expect((error as SandboxUnavailableError).cause).toBe(missing);
  });
});
