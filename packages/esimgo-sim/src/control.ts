import { type ControlRoute, controlRoute } from "@esim-shop/sim-kit";
import { z } from "zod";
import type { EsimGoSimControl } from "./index.ts";

const amount = z.object({ amount: z.number().finite() });

/**
 * The simulator's own control calls, under /__control beside the ones every stand-in has (state,
 * requests, faults, webhook-url): for demos and for tests that drive another process.
 */
export function controlRoutes(control: EsimGoSimControl): ControlRoute[] {
  return [
    controlRoute("GET", "/orders", "every committed order", () => control.placedOrders()),
    controlRoute("GET", "/esims", "every eSIM with its bundles", () => control.esims()),
    controlRoute("PUT", "/balance", 'sets the balance: {"amount": 250.5}', amount, ({ body }) => control.setBalance(body.amount)),
    controlRoute("POST", "/esims/:iccid/usage", 'uses more data: {"percent": 50}; FirstUse, then Utilisation callbacks at 50/80/100 %', z.object({ percent: z.number().positive().max(100) }), ({ params, body }) =>
      control.advanceUsage(params.iccid ?? "", body.percent),
    ),
    controlRoute("POST", "/callbacks", "signs and posts any callback body with an alertType; answers the receiver's {status}", z.looseObject({ alertType: z.string().min(1) }), async ({ body }) => ({
      status: await control.fireCallback(body),
    })),
    controlRoute("POST", "/bundles/:name/withdraw", "withdraws a bundle from the catalogue", ({ params }) => control.withdrawBundle(params.name ?? "")),
    controlRoute("PUT", "/bundles/:name/price", 'changes a bundle\'s price: {"amount": 4.2}', amount, ({ params, body }) => control.setBundlePrice(params.name ?? "", body.amount)),
    controlRoute("PUT", "/processing-delay", 'new bundle assignments stay "processing" this long: {"ms": 5000}', z.object({ ms: z.number().int().nonnegative() }), ({ body }) =>
      control.setProcessingDelay(body.ms),
    ),
    controlRoute("PUT", "/not-found-status", 'unknown references and bundles answer 403 access denied or 404: {"status": 404}', z.object({ status: z.union([z.literal(403), z.literal(404)]) }), ({ body }) =>
      control.setNotFoundStatus(body.status),
    ),
  ];
}
