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
    controlRoute("POST", "/sessions/:id/pay", 'pays it as the customer would: {"async": false}; answers once the webhook got its first answer', z.object({ async: z.boolean().optional() }), async ({ params, body }) => {
      await control.pay(params.id ?? "", { async: body.async ?? false });
      return session(params.id ?? "");
    }),
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
