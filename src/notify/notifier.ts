import type { EsimInstall } from "../esimgo/index.ts";

/** The domain's only way to reach people; the domain never sees a chat framework or a channel. */
export interface Notifier {
  /**
   * Tells one customer something on their channel. Resolves "blocked" when they cannot be reached there (the bot is
   * blocked, the number cannot receive messages); throws when it may work later.
   */
  customer(customerId: number, notice: CustomerNotice): Promise<DeliveryOutcome>;
  /** Tells every admin. Never throws: alerts are best-effort. */
  admins(alert: AdminAlert): Promise<void>;
}

export type DeliveryOutcome = "delivered" | "blocked";

export interface DeliveredEsim extends EsimInstall {
  /** PNG of the QR code of `lpa`. */
  qrPng: Uint8Array;
}

export type CustomerNotice =
  | { type: "payment_received"; orderId: number }
  | { type: "esim_ready"; orderId: number; bundleName: string; bundleDescription: string; esims: DeliveredEsim[] }
  | { type: "topup_ready"; orderId: number; bundleName: string; bundleDescription: string; iccid: string }
  | { type: "refunded"; orderId: number; amountMinor: number; currency: string; reason: "unavailable" | "deadline" | "operator" }
  | { type: "payment_failed"; orderId: number }
  | { type: "link_expired"; orderId: number }
  | { type: "usage"; iccid: string; bundleName: string; usedPercent: 80 | 100; remainingBytes: number | null };

export type AdminAlert =
  | { type: "sale"; orderId: number; bundleName: string; priceMinor: number; currency: string; costMinor: number }
  | { type: "discount_below_margin"; orderId: number; paidMinor: number; discountMinor: number; costMinor: number; minMarginMinor: number; currency: string }
  | { type: "delivered"; orderId: number; seconds: number }
  | { type: "fulfilment_failed"; orderId: number; cause: string; willRetry: boolean }
  | { type: "awaiting_balance"; orderId: number; balanceMinor?: number; neededMinor: number; currency: string }
  | { type: "refund"; orderId: number; amountMinor: number; currency: string; status: "pending" | "succeeded" | "failed"; cause: string }
  | { type: "low_balance"; balanceMinor: number; currency: string; thresholdMinor?: number }
  | { type: "bundle_unavailable"; bundleName: string; cause: string }
  | { type: "sync_failed"; cause: string }
  | { type: "delivery_failed"; orderId: number; cause: string };

/** For tests and headless tools: remembers everything it was told. */
export class RecordingNotifier implements Notifier {
  readonly customerNotices: { customerId: number; notice: CustomerNotice }[] = [];
  readonly adminAlerts: AdminAlert[] = [];
  blockedCustomers = new Set<number>();

  async customer(customerId: number, notice: CustomerNotice): Promise<DeliveryOutcome> {
    if (this.blockedCustomers.has(customerId)) return "blocked";
    this.customerNotices.push({ customerId, notice });
    return "delivered";
  }

  async admins(alert: AdminAlert): Promise<void> {
    this.adminAlerts.push(alert);
  }
}
