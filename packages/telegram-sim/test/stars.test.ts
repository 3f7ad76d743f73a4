import { Api, GrammyError } from "grammy";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startTelegramSim, type SimUser, type TelegramSim } from "../src/index.ts";

const ada: SimUser = { id: 7, first_name: "Ada" };
const STARS = { title: "Germany 1 GB 7 days", description: "A travel eSIM", payload: "ord_abc", currency: "XTR", prices: [{ label: "eSIM", amount: 384 }] };

let sim: TelegramSim;
let api: Api;

beforeEach(async () => {
  sim = await startTelegramSim({ preCheckoutTimeoutMs: 300 });
  api = new Api(sim.token, { apiRoot: sim.apiRoot });
  await sim.sendText(ada, "/start");
});
afterEach(() => sim.close());

async function refusal(call: Promise<unknown>): Promise<string> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(GrammyError);
  return (error as GrammyError).description;
}

/** The bot's side of one pre-checkout query: read it from getUpdates and answer it. */
async function answerNextQuery(answer: (query: { id: string; total_amount: number; invoice_payload: string }) => Promise<unknown>): Promise<void> {
  for (let offset = 0; ; ) {
    const updates = await api.getUpdates({ offset, timeout: 1 });
    for (const update of updates) {
      offset = update.update_id + 1;
      if (update.pre_checkout_query) {
        await answer(update.pre_checkout_query);
        return;
      }
    }
  }
}

describe("invoices in Telegram Stars", () => {
  it("sends an invoice message and refuses what Telegram refuses", async () => {
    const sent = await api.sendInvoice(ada.id, STARS.title, STARS.description, STARS.payload, STARS.currency, STARS.prices);
    expect(sent.invoice).toMatchObject({ title: STARS.title, currency: "XTR", total_amount: 384 });
    expect(sim.messages(ada.id).at(-1)?.invoice).toMatchObject({ payload: "ord_abc", amount: 384 });

    expect(await refusal(api.sendInvoice(ada.id, STARS.title, STARS.description, STARS.payload, "XTR", [...STARS.prices, { label: "fee", amount: 1 }]))).toBe("Bad Request: STARS_INVOICE_INVALID");
    expect(await refusal(api.sendInvoice(ada.id, STARS.title, STARS.description, STARS.payload, "XTR", STARS.prices, { provider_token: "284685063:TEST:abc" }))).toBe("Bad Request: STARS_INVOICE_INVALID");
    expect(await refusal(api.sendInvoice(ada.id, STARS.title, STARS.description, "x".repeat(129), "XTR", STARS.prices))).toBe("Bad Request: INVOICE_PAYLOAD_INVALID");
    expect(await refusal(api.sendInvoice(ada.id, STARS.title, STARS.description, "", "XTR", STARS.prices))).toBe("Bad Request: INVOICE_PAYLOAD_INVALID");
    expect(await refusal(api.sendInvoice(ada.id, "x".repeat(33), STARS.description, STARS.payload, "XTR", STARS.prices))).toBe("Bad Request: TITLE_INVALID");
    expect(await refusal(api.sendInvoice(ada.id, STARS.title, "x".repeat(256), STARS.payload, "XTR", STARS.prices))).toBe("Bad Request: DESCRIPTION_INVALID");
    expect(await refusal(api.sendInvoice(ada.id, STARS.title, STARS.description, STARS.payload, "USD", STARS.prices))).toBe("Bad Request: PAYMENT_PROVIDER_INVALID");
    expect(await refusal(api.sendInvoice(ada.id, STARS.title, STARS.description, STARS.payload, "XTR", [{ label: "eSIM", amount: 0 }]))).toBe("Bad Request: CURRENCY_TOTAL_AMOUNT_INVALID");
  });

  it("pays a sent invoice only after an ok pre-checkout answer, then delivers successful_payment once per payment", async () => {
    const sent = await api.sendInvoice(ada.id, STARS.title, STARS.description, STARS.payload, STARS.currency, STARS.prices);
    const [result] = await Promise.all([
      sim.payInvoice(ada, { chatId: ada.id, messageId: sent.message_id }),
      answerNextQuery(async (query) => {
        expect(query).toMatchObject({ total_amount: 384, invoice_payload: "ord_abc" });
        await api.answerPreCheckoutQuery(query.id, true);
        // Answered once: a second answer is refused.
        expect(await refusal(api.answerPreCheckoutQuery(query.id, true))).toMatch(/query is too old/);
      }),
    ]);
    expect(result.paid).toBe(true);
    if (!result.paid) return;
    const updates = await api.getUpdates({ offset: 0 });
    const payment = updates.map((u) => u.message?.successful_payment).find(Boolean);
    expect(payment).toMatchObject({ currency: "XTR", total_amount: 384, invoice_payload: "ord_abc", telegram_payment_charge_id: result.chargeId });
    expect(sim.starCharges()).toEqual([{ chargeId: result.chargeId, userId: ada.id, amount: 384, payload: "ord_abc", refunded: false }]);
  });

  it("charges nothing when the bot refuses or does not answer within the time", async () => {
    const link = await api.createInvoiceLink(STARS.title, STARS.description, STARS.payload, "", "XTR", STARS.prices);
    expect(link).toMatch(/^https:\/\/t\.me\/\$/);
    const [refused] = await Promise.all([
      sim.payInvoice(ada, { link }),
      answerNextQuery((query) => api.answerPreCheckoutQuery(query.id, false, { error_message: "The price changed" })),
    ]);
    expect(refused).toMatchObject({ paid: false, reason: "refused", errorMessage: "The price changed" });
    expect(await refusal(api.answerPreCheckoutQuery("nope", false))).toBe("Bad Request: ERROR_MESSAGE_EMPTY");

    let late = "";
    const [unanswered] = await Promise.all([
      sim.payInvoice(ada, { link }),
      answerNextQuery(async (query) => {
        await new Promise((resolve) => setTimeout(resolve, 400));
        late = await refusal(api.answerPreCheckoutQuery(query.id, true));
      }),
    ]);
    expect(unanswered).toMatchObject({ paid: false, reason: "timeout" });
    expect(late).toMatch(/query is too old/);
    expect(sim.starCharges()).toEqual([]);
  });

  it("refunds a payment once, and only the payer's", async () => {
    const link = await api.createInvoiceLink(STARS.title, STARS.description, STARS.payload, "", "XTR", STARS.prices);
    const [paid] = await Promise.all([sim.payInvoice(ada, { link }), answerNextQuery((query) => api.answerPreCheckoutQuery(query.id, true))]);
    if (!paid.paid) throw new Error("not paid");
    expect(await refusal(api.refundStarPayment(8, paid.chargeId))).toBe("Bad Request: CHARGE_NOT_FOUND");
    expect(await refusal(api.refundStarPayment(ada.id, "stxunknown"))).toBe("Bad Request: CHARGE_NOT_FOUND");
    expect(await api.refundStarPayment(ada.id, paid.chargeId)).toBe(true);
    expect(await refusal(api.refundStarPayment(ada.id, paid.chargeId))).toBe("Bad Request: CHARGE_ALREADY_REFUNDED");
    expect(sim.starCharges()[0]?.refunded).toBe(true);
    // A repeated delivery of the same payment is a new update with the same charge id.
    const again = await sim.repeatPayment(paid.chargeId);
    const updates = await api.getUpdates({ offset: again });
    expect(updates[0]?.message?.successful_payment?.telegram_payment_charge_id).toBe(paid.chargeId);
  });
});
