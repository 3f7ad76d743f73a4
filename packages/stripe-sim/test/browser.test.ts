import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";
import type Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, orderSessionParams, type Harness } from "./setup.ts";

const CHROMIUM = "/usr/bin/chromium";
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`stripe-sim browser test skipped: ${CHROMIUM} is not installed (apt-get install -y chromium)`);

describe("stripe-sim hosted checkout page in a real browser", () => {
  let browser: Browser | undefined;
  let h: Harness | undefined;

  beforeAll(async () => {
    if (!hasChromium) return;
    h = await startHarness();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await h?.close();
  });

  it.skipIf(!hasChromium)("clicking #pay pays the session and lands on the return-to-chat page", async () => {
    if (!browser || !h) throw new Error("browser test setup did not run");
    const session = await h.stripe.checkout.sessions.create(orderSessionParams(90, { success_url: "https://t.me/esim_shop_bot?start=paid_90" }));
    const tab = await browser.newPage();

    await tab.goto(String(session.url));
    expect(await tab.locator("#amount").textContent()).toBe("€19.99");
    expect(await tab.locator("#sandbox-banner").textContent()).toBe("SANDBOX — no real money");
    await tab.locator("#pay").click();
    await tab.waitForSelector("text=Payment received — return to the chat");

    expect(new URL(tab.url()).origin).toBe(h.sim.apiUrl);
    expect(await tab.locator("#return").getAttribute("href")).toBe("https://t.me/esim_shop_bot?start=paid_90");
    expect(h.sim.control.session(session.id)).toMatchObject({ status: "complete", payment_status: "paid" });
    expect(h.receiver.verified("checkout.session.completed").map((e) => (e.data.object as Stripe.Checkout.Session).id)).toEqual([session.id]);

    await tab.goto(String(session.url));
    expect(await tab.locator("#pay").count()).toBe(0);
    expect(await tab.locator("#status").textContent()).toContain("complete");
    await tab.close();
  });
});
