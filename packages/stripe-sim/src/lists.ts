import { invalidRequest, noSuch } from "./errors.ts";
import type { Params } from "./form.ts";
import { optionalString, rejectUnknown } from "./params.ts";
import type { Refund } from "./types.ts";

export interface RefundListInput {
  paymentIntent: string | undefined;
  charge: string | undefined;
  limit: number;
  startingAfter: string | undefined;
}

export function refundListInputOf(params: Params): RefundListInput {
  rejectUnknown(params, ["payment_intent", "charge", "limit", "starting_after", "ending_before", "expand"]);
  const limitText = optionalString(params.limit, "limit") ?? "10";
  const limit = Number(limitText);
  if (!/^\d+$/.test(limitText) || limit < 1 || limit > 100) throw invalidRequest("Invalid limit: must be between 1 and 100.", "limit");
  return {
    paymentIntent: optionalString(params.payment_intent, "payment_intent"),
    charge: optionalString(params.charge, "charge"),
    limit,
    startingAfter: optionalString(params.starting_after, "starting_after"),
  };
}

/** GET /v1/refunds: newest first, filtered by payment intent or charge, paged by `limit` (1-100, default 10) and cursors. */
export function refundList(all: Refund[], input: RefundListInput): { object: "list"; data: Refund[]; has_more: boolean; url: string } {
  let refunds = all
    .filter((refund) => (input.paymentIntent === undefined || refund.payment_intent === input.paymentIntent) && (input.charge === undefined || refund.charge === input.charge))
    .sort((a, b) => b.created - a.created || (a.id < b.id ? 1 : -1));
  if (input.startingAfter !== undefined) {
    const at = refunds.findIndex((refund) => refund.id === input.startingAfter);
    if (at < 0) throw noSuch("refund", input.startingAfter, "starting_after");
    refunds = refunds.slice(at + 1);
  }
  return { object: "list", data: refunds.slice(0, input.limit), has_more: refunds.length > input.limit, url: "/v1/refunds" };
}
