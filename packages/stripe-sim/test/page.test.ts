import { serve } from "@hono/node-server";
import { Hono } from "hono";
import type { AddressInfo } from "node:net";
import type Stripe from "stripe";
import { afterEach, describe, expect, it } from "vitest";
import { createStripeSim } from "../src/index.ts";
import { WebhookReceiver } from "./receiver.ts";
import { startHarness, orderSessionParams, SECRET_KEY, WEBHOOK_SECRET, type Harness } from "./setup.ts";

async function page(url: string): Promise<{ status: number; html: string }> {
  const response = await fetch(url);
  return { status: response.status, html: await response.text() };
}

async function press(url: string, button: "confirm" | "cancel"): Promise<Response> {
  return fetch(`${url}/${button}`, { method: "POST", redirect: "manual", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "" });
}

describe("stripe-sim hosted checkout page", () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  it("shows the sandbox banner, product, formatted amount, expiry and both buttons", async () => {
    h = await startHarness();
    const session = await h.stripe.checkout.sessions.create(orderSessionParams(1));

    const { status, html } = await page(String(session.url));

    expect(status).toBe(200);
    expect(html).toContain("SANDBOX — no real money");
    expect(html).toContain("Travel eSIM — Germany 1 GB, 7 days");
    expect(html).toContain("Data only, 4G/5G");
    expect(html).toMatch(/<strong id="amount">€19\.99<\/strong>/);
    expect(html).toContain(`datetime="${new Date(session.expires_at * 1000).toISOString()}"`);
    expect(html).toMatch(/<form method="post" action="[^"]+\/confirm"><button id="pay"/);
    expect(html).toContain('id="cancel"');
    expect(html).toContain('id="status"');
  });

  it("escapes product text and omits the banner when asked", async () => {
    h = await startHarness({ sandboxBanner: false });
    const session = await h.stripe.checkout.sessions.create(
      orderSessionParams(2, { line_items: [{ quantity: 1, price_data: { currency: "jpy", unit_amount: 1500, product_data: { name: "<script>alert(1)</script>" } } }] }),
    );
    const { html } = await page(String(session.url));
    expect(html).not.toContain("<script>");
    expect(html).toContain("&#60;script&#62;");
    expect(html).not.toContain("SANDBOX");
    expect(html).toMatch(/id="amount">¥1,500</);
  });

  it("Pay completes the session, delivers the webhook, then redirects to success_url", async () => {
    h = await startHarness();
    const session = await h.stripe.checkout.sessions.create(orderSessionParams(3));

    const response = await press(String(session.url), "confirm");

    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe(`https://shop.example/paid?session=${session.id}`);
    expect(h.sim.control.session(session.id)).toMatchObject({ status: "complete", payment_status: "paid" });
    const delivered = h.receiver.verified("checkout.session.completed");
    expect(delivered.map((e) => (e.data.object as Stripe.Checkout.Session).id)).toEqual([session.id]);

    const after = await page(`${h.sim.apiUrl}/pay/${session.id}`);
    expect(after.html).toMatch(/id="status"[^>]*>This checkout session is complete\. Payment received\./);
    expect(after.html).not.toContain('id="pay"');
    const again = await press(`${h.sim.apiUrl}/pay/${session.id}`, "confirm");
    expect(again.status).toBe(409);
    expect(h.receiver.verified("checkout.session.completed")).toHaveLength(1);
  });

  it("stays on a return page when success_url is a Telegram link", async () => {
    h = await startHarness();
    const session = await h.stripe.checkout.sessions.create(orderSessionParams(4, { success_url: "https://t.me/esim_shop_bot?start=paid_4" }));

    const response = await press(String(session.url), "confirm");
    const html = await response.text();

    expect(response.status).toBe(200);
    expect(html).toContain("Payment received — return to the chat");
    expect(html).toContain('href="https://t.me/esim_shop_bot?start=paid_4"');
    expect(h.sim.control.session(session.id)?.payment_status).toBe("paid");
  });

  it("Cancel goes back to cancel_url and leaves the session open", async () => {
    h = await startHarness();
    const session = await h.stripe.checkout.sessions.create(orderSessionParams(5));

    const response = await press(String(session.url), "cancel");

    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe("https://shop.example/cancelled/5");
    expect(h.sim.control.session(session.id)?.status).toBe("open");
    expect(h.receiver.received).toHaveLength(0);
  });

  it("an expired session's page says so and offers no Pay button; an unknown one is 404", async () => {
    h = await startHarness();
    const session = await h.stripe.checkout.sessions.create(orderSessionParams(6));
    await h.sim.control.expire(session.id);

    const { html } = await page(`${h.sim.apiUrl}/pay/${session.id}`);
    expect(html).toMatch(/id="status"[^>]*>This checkout session has expired/);
    expect(html).not.toContain('id="pay"');
    expect((await press(`${h.sim.apiUrl}/pay/${session.id}`, "confirm")).status).toBe(409);
    expect(h.sim.control.session(session.id)?.status).toBe("expired");
    expect((await page(`${h.sim.apiUrl}/pay/cs_test_unknown`)).status).toBe(404);
  });
});

describe("stripe-sim mounted inside another app", () => {
  it("serves the API and pages under the mount path with page URLs that include it", async () => {
    const receiver = new WebhookReceiver(WEBHOOK_SECRET);
    const webhookUrl = await receiver.start();
    const sim = createStripeSim({ webhookSecret: WEBHOOK_SECRET, webhookUrl, mountPath: "/sandbox/stripe", secretKey: SECRET_KEY });
    const parent = new Hono();
    parent.get("/health", (c) => c.text("ok"));
    parent.route("/sandbox/stripe", sim.app);
    const server = serve({ fetch: parent.fetch, port: 0, hostname: "127.0.0.1" });
    await new Promise((resolve) => server.once("listening", resolve));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const form = new URLSearchParams({
        mode: "payment",
        "line_items[0][quantity]": "1",
        "line_items[0][price_data][currency]": "usd",
        "line_items[0][price_data][unit_amount]": "700",
        "line_items[0][price_data][product_data][name]": "Mounted eSIM",
        "metadata[order_id]": "77",
      });
      const created = await fetch(`${origin}/sandbox/stripe/v1/checkout/sessions`, {
        method: "POST",
        headers: { authorization: `Bearer ${SECRET_KEY}`, "content-type": "application/x-www-form-urlencoded" },
        body: form.toString(),
      });
      const session = (await created.json()) as { id: string; url: string; metadata: Record<string, string> };
      expect(created.status).toBe(200);
      expect(session.metadata).toEqual({ order_id: "77" });
      expect(session.url).toBe(`${origin}/sandbox/stripe/pay/${session.id}`);
      expect(sim.control.apiCalls()).toEqual([{ method: "POST", path: "/v1/checkout/sessions" }]);

      const html = await (await fetch(session.url)).text();
      const action = /<form method="post" action="([^"]+\/confirm)"/.exec(html)?.[1];
      const confirm = await fetch(new URL(String(action), session.url), { method: "POST", redirect: "manual" });
      expect(confirm.status).toBe(200);
      expect(sim.control.session(session.id)?.payment_status).toBe("paid");
      expect(receiver.verified("checkout.session.completed")).toHaveLength(1);
    } finally {
      sim.close();
      await new Promise((resolve) => server.close(resolve));
      await receiver.close();
    }
  });
});
