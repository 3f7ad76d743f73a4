import type Stripe from "stripe";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createStripeSim } from "../src/index.ts";
import { SECRET_KEY, startHarness, WEBHOOK_SECRET, type Harness } from "./setup.ts";

const THIRTY_MINUTES_S = 30 * 60;

/** The shop's smallest payment link: Stripe's minimum lifetime, 30 minutes. */
function sessionForm(expiresAt: number): string {
  return new URLSearchParams({
    mode: "payment",
    "line_items[0][quantity]": "1",
    "line_items[0][price_data][currency]": "usd",
    "line_items[0][price_data][unit_amount]": "399",
    "line_items[0][price_data][product_data][name]": "Germany 1 GB 7 days",
    "metadata[order_id]": "41",
    expires_at: String(expiresAt),
    success_url: "https://t.me/esim_shop_bot?start=paid_41",
  }).toString();
}

describe("stripe-sim sessions expire like real ones", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("an unpaid session expires by itself at expires_at, raising checkout.session.expired", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
    const sim = createStripeSim({ webhookSecret: WEBHOOK_SECRET, secretKey: SECRET_KEY });
    try {
      const created = await sim.app.request("/v1/checkout/sessions", {
        method: "POST",
        headers: { authorization: `Bearer ${SECRET_KEY}`, "content-type": "application/x-www-form-urlencoded" },
        body: sessionForm(Math.floor(Date.now() / 1000) + THIRTY_MINUTES_S),
      });
      expect(created.status).toBe(200);
      const session = (await created.json()) as { id: string; url: string };
      // events() does not look at sessions, so only the timer can have expired it.
      const expiredEvents = () => sim.control.events().filter((e) => e.type === "checkout.session.expired");

      vi.advanceTimersByTime((THIRTY_MINUTES_S - 1) * 1000);
      expect(expiredEvents()).toEqual([]);

      vi.advanceTimersByTime(2_000);
      expect(expiredEvents().map((e) => e.data.object)).toEqual([expect.objectContaining({ id: session.id, status: "expired", url: null, metadata: { order_id: "41" } })]);

      const page = await sim.app.request(new URL(session.url).pathname);
      expect(await page.text()).toMatch(/id="status"[^>]*>This checkout session has expired/);
      const pay = await sim.app.request(`${new URL(session.url).pathname}/confirm`, { method: "POST" });
      expect(pay.status).toBe(409);
      expect(sim.control.events().filter((e) => e.type === "checkout.session.completed")).toEqual([]);
    } finally {
      sim.close();
    }
  });

  describe("with the timer not yet fired", () => {
    let h: Harness | undefined;
    afterEach(async () => {
      await h?.close();
      h = undefined;
    });

    it("a session past expires_at is expired when next seen, and the shop gets a signed checkout.session.expired", async () => {
      let offsetMs = 0;
      h = await startHarness({ clock: () => Date.now() + offsetMs });
      const session = await h.stripe.checkout.sessions.create({
        mode: "payment",
        line_items: [{ quantity: 1, price_data: { currency: "usd", unit_amount: 399, product_data: { name: "Germany 1 GB 7 days" } } }],
        metadata: { order_id: "42" },
        // A minute over the minimum: the second may turn between this line and the stand-in's check.
        expires_at: Math.floor(Date.now() / 1000) + THIRTY_MINUTES_S + 60,
        success_url: "https://t.me/esim_shop_bot?start=paid_42",
      });

      offsetMs = (THIRTY_MINUTES_S + 61) * 1000;
      const html = await (await fetch(String(session.url))).text();
      expect(html).toMatch(/id="status"[^>]*>This checkout session has expired/);
      expect(html).not.toContain('id="pay"');
      expect(await h.stripe.checkout.sessions.retrieve(session.id)).toMatchObject({ status: "expired", payment_status: "unpaid", url: null });

      await h.sim.control.idle();
      const expired = h.receiver.verified("checkout.session.expired").map((e) => e.data.object as Stripe.Checkout.Session);
      expect(expired).toEqual([expect.objectContaining({ id: session.id, metadata: { order_id: "42" } })]);
    });
  });
});
