import { type ControlRoute, controlRoute } from "@esim-shop/sim-kit";
import { z } from "zod";
import type { StripeSimControl } from "./index.ts";

/**
 * The stand-in's own control calls, under /__control beside the ones every stand-in has (state,
 * requests, faults, webhook-url): what a customer or the dashboard would do, for demos and for
 * tests that drive another process.
 */
export function controlRoutes(control: StripeSimControl): ControlRoute[] {
  const session = (id: string) => {
    const found = control.session(id);
    if (!found) throw new Error(`no Checkout Session ${id}`);
    return found;
  };
  return [
    controlRoute("GET", "/sessions", "every Checkout Session", () => control.sessions()),
    controlRoute("GET", "/sessions/:id", "one Checkout Session", ({ params }) => session(params.id ?? "")),
    controlRoute(
      "POST",
      "/sessions/:id/pay",
      'pays it as the customer would: {"async": false, "promotionCode": "SPRING", "presentmentCurrency": "eur", "fxRate": 0.92}; answers once the webhook got its first answer',
      z.object({ async: z.boolean().optional(), promotionCode: z.string().min(1).optional(), presentmentCurrency: z.string().min(3).max(3).optional(), fxRate: z.number().positive().optional() }),
      async ({ params, body }) => {
        const { async, promotionCode, presentmentCurrency, fxRate } = body;
        await control.pay(params.id ?? "", {
          async: async ?? false,
          ...(promotionCode !== undefined ? { promotionCode } : {}),
          ...(presentmentCurrency !== undefined ? { presentmentCurrency } : {}),
          ...(fxRate !== undefined ? { fxRate } : {}),
        });
        return session(params.id ?? "");
      },
    ),
    controlRoute("GET", "/promotion-codes", "every promotion code", () => control.promotionCodes()),
    controlRoute(
      "POST",
      "/promotion-codes",
      'creates a promotion code: {"code": "SPRING", "percentOff": 20} or {"code": "FIVE", "amountOff": 500, "currency": "usd"}, "active": false for an inactive one',
      z.object({ code: z.string().min(1), percentOff: z.number().optional(), amountOff: z.number().int().optional(), currency: z.string().optional(), active: z.boolean().optional() }),
      ({ body }) => {
        const { code, percentOff, amountOff, currency, active } = body;
        return control.createPromotionCode({ code, ...(percentOff !== undefined ? { percentOff } : {}), ...(amountOff !== undefined ? { amountOff } : {}), ...(currency !== undefined ? { currency } : {}), ...(active !== undefined ? { active } : {}) });
      },
    ),
    controlRoute("PUT", "/promotion-codes/:code/active", 'activates or deactivates a code: {"on": false}', z.object({ on: z.boolean() }), ({ params, body }) => control.setPromotionCodeActive(params.code ?? "", body.on)),
    controlRoute("POST", "/sessions/:id/async-payment", 'settles an async payment: {"succeeded": true}', z.object({ succeeded: z.boolean() }), async ({ params, body }) => {
      await (body.succeeded ? control.asyncPaymentSucceeded(params.id ?? "") : control.asyncPaymentFailed(params.id ?? ""));
      return session(params.id ?? "");
    }),
    controlRoute("POST", "/sessions/:id/expire", "expires it (as its expires_at passing would)", async ({ params }) => {
      await control.expire(params.id ?? "");
      return session(params.id ?? "");
    }),
    controlRoute("GET", "/refunds", "every refund", () => control.refunds()),
    controlRoute("PUT", "/refund-failures", 'new refunds fail (as a card the bank rejects): {"on": true}', z.object({ on: z.boolean() }), ({ body }) => control.failRefunds(body.on)),
    controlRoute("GET", "/events", "every event raised", () => control.events()),
    controlRoute("GET", "/deliveries", "every webhook POST and the status it got", () => control.deliveries()),
    controlRoute(
      "POST",
      "/events/:id/deliver",
      'posts an event again: {"times": 2, "concurrently": true, "signature": "valid"|"wrong"|"stale"|"missing"}; answers {statuses}',
      z.object({ times: z.number().int().positive().max(100).optional(), concurrently: z.boolean().optional(), signature: z.enum(["valid", "wrong", "stale", "missing"]).optional() }),
      async ({ params, body }) => ({ statuses: await control.deliver(params.id ?? "", body) }),
    ),
  ];
}
