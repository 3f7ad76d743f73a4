import { existsSync } from "node:fs";
import { chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeQrFile, minorOf, SandboxTerminal, SCENARIO_TIMEOUT_MS, START_TIMEOUT_MS, waitForEsim } from "./screen.ts";

const CHROMIUM = "/usr/bin/chromium";
const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`sandbox browser test skipped: ${CHROMIUM} is not installed (apt-get install -y chromium; .ci/run does it)`);

// One product for the whole file: starting it (and its embedded database) is the slow part.
describe("npm start with no settings: buying an eSIM in the terminal", () => {
  let terminal: SandboxTerminal;

  beforeAll(async () => {
    terminal = await SandboxTerminal.start();
  }, START_TIMEOUT_MS + 10_000);

  afterAll(async () => {
    if (terminal) expect(await terminal.stop()).toBe(0);
  });

  it("a person types /start, Germany, answers the plan chooser by number, confirms, pays on the checkout page and gets a scannable eSIM", async () => {
    const balanceBefore = await terminal.say("/balance", /eSIM Go balance: (\$[\d,.]+)/, "the admin's balance answer");

    // Typed ahead, faster than the bot answers: each "1" must still press a button (it once went out as text):
    // a trip of up to a week, a little data, the cheapest plan that fits.
    for (const line of ["/start", "Germany", "1", "1", "1"]) terminal.type(line);
    await terminal.waitFor(/Hello, Traveller!/, "the welcome");
    await terminal.waitFor(/Germany: how long is your trip\?/, "the plan chooser's first question");
    const plan = await terminal.waitFor(/the best plans, cheapest first[^]*?\[1\] \S+ (.+?) · (\$[\d.]+)\n/, "the best plans with numbered buttons");
    const price = plan[2] ?? "";
    await terminal.waitFor(/\[1\] 🛒 Buy for (\$[\d.]+)/, "the first plan's details").then((m) => expect(m[1]).toBe(price));
    await terminal.say("1", /\[1\] ✅ Pay (\$[\d.]+)/, "the order summary").then((m) => expect(m[1]).toBe(price));
    const link = (await terminal.say("1", /open this link in your browser:\n\s+(http:\/\/\S+)/, "the payment link"))[1] ?? "";
    // The checkout stand-in serves the page on its own port, the one the banner names.
    const checkoutPages = /Checkout pages: (http:\/\/127\.0\.0\.1:\d+)\n/.exec(terminal.run.output())?.[1];
    expect(checkoutPages).toBeDefined();
    expect(link.startsWith(`${checkoutPages}/pay/cs_test_`)).toBe(true);

    const page = await fetch(link).then((response) => response.text());
    expect(page).toMatch(/id="sandbox-banner"[^>]*>SANDBOX/);
    expect(page).toMatch(/id="product">Travel eSIM — [^<]*\d+ (GB|MB)[^<]* \d+ days?</);
    expect(page).toContain(`<strong id="amount">${price}</strong> <span id="currency">USD</span>`);
    const payAction = /<form method="post" action="([^"]+)"><button id="pay"/.exec(page)?.[1] ?? "";
    const paid = await fetch(new URL(payAction, link), { method: "POST", redirect: "manual" });
    expect(await paid.text()).toContain("Payment received");

    const orderId = (await terminal.waitFor(/payment for order #(\d+) was received/, "the payment notice"))[1];
    const esim = await waitForEsim(terminal);
    expect(decodeQrFile(esim.pngPath)).toBe(`LPA:1$${esim.smdpAddress}$${esim.matchingId}`);
    expect(esim.screenQr).toBe(`LPA:1$${esim.smdpAddress}$${esim.matchingId}`);
    const cost = /Sale: order #(\d+) .*\(cost (\$[\d.]+)\)/.exec(terminal.run.output());
    expect(cost?.[1]).toBe(orderId);

    await terminal.say("/myesims", new RegExp(`Your eSIMs \\(1\\)[^]*…${esim.iccid.slice(-4)}`), "the eSIM in /myesims");
    const balanceAfter = await terminal.say("/balance", /eSIM Go balance: (\$[\d,.]+)/, "the balance after the sale");
    expect(minorOf(balanceBefore[1] ?? "")).toBe(minorOf(balanceAfter[1] ?? "") + minorOf(cost?.[2] ?? ""));
  }, SCENARIO_TIMEOUT_MS);

  it.skipIf(!hasChromium)("a real browser pays on the checkout page: the eSIM arrives in the terminal and /order shows the order delivered", async () => {
    await terminal.say("France", /\[5\] 📋 All plans/, "the plan chooser");
    await terminal.say("5", /\[1\] 🇫🇷 (.+?) · (\$[\d.]+)\n/, "France's plans");
    await terminal.say("1", /\[1\] 🛒 Buy for/, "the plan's details");
    const price = (await terminal.say("1", /\[1\] ✅ Pay (\$[\d.]+)/, "the order summary"))[1] ?? "";
    const link = (await terminal.say("1", /open this link in your browser:\n\s+(http:\/\/\S+)/, "the payment link"))[1] ?? "";

    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    try {
      const tab = await browser.newPage();
      await tab.goto(link);
      expect(await tab.locator("#sandbox-banner").textContent()).toContain("SANDBOX");
      expect(await tab.locator("#product").textContent()).toContain("France");
      expect(await tab.locator("#amount").textContent()).toBe(price);
      await tab.locator("#pay").click();
      await tab.waitForSelector("text=Payment received");
      expect(await tab.locator("#return-hint").textContent()).toContain("terminal");
    } finally {
      await browser.close();
    }

    const orderId = (await terminal.waitFor(/payment for order #(\d+) was received/, "the payment notice"))[1];
    const esim = await waitForEsim(terminal);
    expect(decodeQrFile(esim.pngPath)).toBe(`LPA:1$${esim.smdpAddress}$${esim.matchingId}`);
    expect(esim.screenQr).toBe(`LPA:1$${esim.smdpAddress}$${esim.matchingId}`);
    const story = await terminal.say(`/order ${orderId}`, new RegExp(`Order #${orderId} · (\\S+)[^]*?Price (\\$[\\d.]+)`), "the admin's order story");
    expect(story[1]).toBe("delivered");
    expect(story[2]).toBe(price);
  }, SCENARIO_TIMEOUT_MS);
});
