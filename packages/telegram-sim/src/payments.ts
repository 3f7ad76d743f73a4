import { randomBytes } from "node:crypto";
import type { Message, Update } from "grammy/types";
import { optionalBoolean, optionalJson, optionalNumber, optionalString, type Payload } from "./body.ts";
import type { SimCore } from "./core.ts";
import { badRequest } from "./errors.ts";
import { isRecord } from "./markup.ts";
import { privateChatOf, unixNow, wireUserOf, withoutUndefined } from "./store.ts";
import type { SimInvoice, SimStarCharge, SimUser, StarPaymentResult } from "./types.ts";

/** Telegram gives the bot 10 seconds to answer a pre_checkout_query; unanswered, the payment does not happen. */
export const PRE_CHECKOUT_TIMEOUT_MS = 10_000;
const TITLE_MAX = 32;
const DESCRIPTION_MAX = 255;
const PAYLOAD_MAX_BYTES = 128;
const ERROR_MESSAGE_MAX = 255;
/** The most Stars one invoice may ask (Telegram's current cap). */
const MAX_STARS = 100_000;

interface PendingQuery {
  invoice: SimInvoice;
  user: SimUser;
  answer?: { ok: boolean; errorMessage?: string };
  settle?: () => void;
  expired: boolean;
}

/**
 * Invoices in Telegram Stars (XTR): what the bot may send (sendInvoice, createInvoiceLink), the pre-checkout question it
 * must answer within 10 s, the successful_payment that follows, and refunds. Other currencies (a payment provider's
 * token) are refused: this stand-in plays Stars only, and never kinder than Telegram.
 */
export class SimPayments {
  private readonly invoicesByLink = new Map<string, SimInvoice>();
  private readonly queries = new Map<string, PendingQuery>();
  private readonly chargeList: SimStarCharge[] = [];
  private readonly paymentMessages = new Map<string, Message>();
  private counter = 0;

  constructor(
    private readonly core: SimCore,
    private readonly preCheckoutTimeoutMs: number = PRE_CHECKOUT_TIMEOUT_MS,
  ) {}

  // --- the bot's side

  sendInvoice(payload: Payload): Message {
    const invoice = validInvoice(payload);
    const chatId = Number(payload.chat_id);
    const record = Number.isInteger(chatId) ? this.core.store.chat(chatId) : undefined;
    if (!record) throw badRequest("chat not found");
    const wireInvoice = { title: invoice.title, description: invoice.description, start_parameter: optionalString(payload, "start_parameter") ?? "", currency: invoice.currency, total_amount: invoice.amount };
    const stored = this.core.addBotMessage(record, {
      sim: { invoice, plainText: `${invoice.title}: ${invoice.description} (${invoice.amount} ⭐)` },
      wire: { invoice: wireInvoice },
    });
    return stored.wire;
  }

  createInvoiceLink(payload: Payload): string {
    const invoice = validInvoice(payload);
    const link = `https://t.me/$${randomBytes(12).toString("base64url")}`;
    this.invoicesByLink.set(link, { ...invoice, link });
    return link;
  }

  answerPreCheckoutQuery(payload: Payload): true {
    const id = optionalString(payload, "pre_checkout_query_id") ?? "";
    const ok = optionalBoolean(payload, "ok");
    if (ok === undefined) throw badRequest("parameter \"ok\" is required");
    const errorMessage = optionalString(payload, "error_message");
    if (!ok && (errorMessage === undefined || errorMessage.trim() === "")) throw badRequest("ERROR_MESSAGE_EMPTY");
    if (errorMessage !== undefined && errorMessage.length > ERROR_MESSAGE_MAX) throw badRequest("ERROR_MESSAGE_INVALID");
    const query = this.queries.get(id);
    if (!query || query.answer || query.expired) throw badRequest("query is too old and response timeout expired or query ID is invalid");
    query.answer = { ok, ...(errorMessage !== undefined ? { errorMessage } : {}) };
    query.settle?.();
    return true;
  }

  refundStarPayment(payload: Payload): true {
    const userId = optionalNumber(payload, "user_id");
    if (userId === undefined) throw badRequest("invalid user_id specified");
    const chargeId = optionalString(payload, "telegram_payment_charge_id") ?? "";
    if (chargeId === "") throw badRequest("CHARGE_ID_EMPTY");
    const charge = this.chargeList.find((c) => c.chargeId === chargeId && c.userId === userId);
    if (!charge) throw badRequest("CHARGE_NOT_FOUND");
    if (charge.refunded) throw badRequest("CHARGE_ALREADY_REFUNDED");
    charge.refunded = true;
    return true;
  }

  // --- the user's side

  /**
   * The user pays an invoice: the bot gets a pre_checkout_query and has 10 s to say ok. Refused or unanswered, nothing
   * is charged; accepted, a successful_payment message with a new telegram_payment_charge_id follows in their chat.
   */
  async pay(user: SimUser, target: { chatId: number; messageId: number } | { link: string }): Promise<StarPaymentResult> {
    const invoice = this.invoiceOf(target);
    const queryId = `${Date.now() % 1_000_000_000}${++this.counter}`;
    const query: PendingQuery = { invoice, user, expired: false };
    this.queries.set(queryId, query);
    const answered = new Promise<void>((resolve) => {
      query.settle = resolve;
    });
    this.core.updates.push((update_id) => ({
      update_id,
      pre_checkout_query: withoutUndefined({
        id: queryId,
        from: wireUserOf(user),
        currency: invoice.currency,
        total_amount: invoice.amount,
        invoice_payload: invoice.payload,
      }),
    }));
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, this.preCheckoutTimeoutMs);
      timer.unref();
    });
    await Promise.race([answered, timedOut]);
    clearTimeout(timer);
    query.expired = true;
    if (!query.answer) return { paid: false, preCheckoutQueryId: queryId, reason: "timeout" };
    if (!query.answer.ok) return { paid: false, preCheckoutQueryId: queryId, reason: "refused", errorMessage: query.answer.errorMessage };
    const chargeId = `stxsim${randomBytes(18).toString("base64url")}`;
    this.chargeList.push({ chargeId, userId: user.id, amount: invoice.amount, payload: invoice.payload, refunded: false });
    const updateId = this.deliverPayment(user, {
      currency: invoice.currency,
      total_amount: invoice.amount,
      invoice_payload: invoice.payload,
      telegram_payment_charge_id: chargeId,
      provider_payment_charge_id: "",
    });
    return { paid: true, preCheckoutQueryId: queryId, chargeId, updateId };
  }

  /** The same successful_payment once more, as a repeated update (Telegram delivers at least once). */
  repeatPayment(chargeId: string): number {
    const charge = this.chargeList.find((c) => c.chargeId === chargeId);
    const message = this.paymentMessages.get(chargeId);
    if (!charge || !message) throw new Error(`no payment with charge ${chargeId}`);
    return this.core.updates.push((update_id) => ({ update_id, message }) as Update);
  }

  /** A successful_payment as the bot would receive it, with any content: for tests of what the bot does with a forgery. */
  deliverPayment(user: SimUser, payment: { currency: string; total_amount: number; invoice_payload: string; telegram_payment_charge_id: string; provider_payment_charge_id?: string }): number {
    const record = this.core.store.ensureChat(privateChatOf(user));
    const message_id = record.nextMessageId();
    const date = unixNow();
    const successful_payment = { provider_payment_charge_id: "", ...payment };
    const wire = { message_id, from: wireUserOf(user), chat: { id: user.id, type: "private", first_name: user.first_name }, date, successful_payment } as Message;
    this.paymentMessages.set(payment.telegram_payment_charge_id, wire);
    record.add({ sim: { message_id, from: "user", date, successfulPayment: { chargeId: payment.telegram_payment_charge_id, currency: payment.currency, amount: payment.total_amount, payload: payment.invoice_payload } }, wire });
    this.core.store.changed(user.id, record.get(message_id)!.sim);
    return this.core.updates.push((update_id) => ({ update_id, message: wire }) as Update);
  }

  charges(): SimStarCharge[] {
    return this.chargeList.map((charge) => ({ ...charge }));
  }

  private invoiceOf(target: { chatId: number; messageId: number } | { link: string }): SimInvoice {
    if ("link" in target) {
      const invoice = this.invoicesByLink.get(target.link);
      if (!invoice) throw new Error(`no invoice link ${target.link}`);
      return invoice;
    }
    const message = this.core.store.chat(target.chatId)?.get(target.messageId);
    if (!message?.sim.invoice || message.sim.deleted) throw new Error(`message ${target.messageId} in chat ${target.chatId} is not an invoice`);
    return message.sim.invoice;
  }
}

/** What Telegram checks of an invoice in Stars. */
function validInvoice(payload: Payload): SimInvoice {
  const title = optionalString(payload, "title") ?? "";
  const description = optionalString(payload, "description") ?? "";
  const invoicePayload = optionalString(payload, "payload") ?? "";
  const currency = optionalString(payload, "currency") ?? "";
  if (title.length < 1 || title.length > TITLE_MAX) throw badRequest("TITLE_INVALID");
  if (description.length < 1 || description.length > DESCRIPTION_MAX) throw badRequest("DESCRIPTION_INVALID");
  const payloadBytes = Buffer.byteLength(invoicePayload, "utf8");
  if (payloadBytes < 1 || payloadBytes > PAYLOAD_MAX_BYTES) throw badRequest("INVOICE_PAYLOAD_INVALID");
  if (currency !== "XTR") throw badRequest("PAYMENT_PROVIDER_INVALID");
  if ((optionalString(payload, "provider_token") ?? "") !== "") throw badRequest("STARS_INVOICE_INVALID");
  const prices = optionalJson(payload, "prices");
  if (!Array.isArray(prices) || prices.length !== 1) throw badRequest("STARS_INVOICE_INVALID");
  const [price] = prices as unknown[];
  if (!isRecord(price) || typeof price.label !== "string" || price.label === "" || !Number.isInteger(price.amount)) throw badRequest("can't parse prices JSON object");
  const amount = price.amount as number;
  if (amount < 1 || amount > MAX_STARS) throw badRequest("CURRENCY_TOTAL_AMOUNT_INVALID");
  for (const field of ["max_tip_amount", "suggested_tip_amounts"]) if (payload[field] !== undefined) throw badRequest("STARS_INVOICE_INVALID");
  return { title, description, payload: invoicePayload, currency, amount };
}
