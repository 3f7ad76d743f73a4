/**
 * Refunds of payments in Telegram Stars, as the shop needs them: a port the Telegram channel implements with the Bot
 * API's `refundStarPayment`. The domain knows no bot library; it only names the payer and the charge.
 */
export interface StarRefunds {
  /**
   * Gives the whole payment `chargeId` (a `telegram_payment_charge_id`) back to the Telegram user `payerId`. Resolves
   * once Telegram confirmed it; throws `StarRefundRefusedError` when Telegram refused it for good, anything else when
   * the answer is unknown (network, 5xx, 429): then it may be asked again.
   */
  refund(payerId: string, chargeId: string): Promise<void>;
}

/** Telegram refused the refund (`CHARGE_ALREADY_REFUNDED`, `CHARGE_NOT_FOUND`…): asking again changes nothing. */
export class StarRefundRefusedError extends Error {
  constructor(
    /** Telegram's reason, e.g. `CHARGE_ALREADY_REFUNDED`. */
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "StarRefundRefusedError";
  }
}

/** The payment was refunded already: the Stars are back with the payer. */
export const STARS_ALREADY_REFUNDED = "CHARGE_ALREADY_REFUNDED";
