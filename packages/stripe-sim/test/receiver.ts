import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import Stripe from "stripe";

export interface ReceivedWebhook {
  rawBody: string;
  signature: string | undefined;
  /** The event as `stripe.webhooks.constructEvent` verified it; undefined when verification failed. */
  event: Stripe.Event | undefined;
  answered: number;
}

/**
 * A shop's webhook endpoint in miniature: verifies every POST with the real SDK and the secret,
 * answers 400 to a bad signature, otherwise the next scripted status (default 200).
 */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  private readonly scripted: number[] = [];
  private server: Server | undefined;
  private readonly stripe = new Stripe("sk_test_receiver");

  constructor(private readonly secret: string) {}

  async start(): Promise<string> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => {
        const status = this.record(Buffer.concat(chunks).toString("utf8"), request.headers["stripe-signature"]);
        response.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify({ received: status < 300 }));
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}/webhooks/stripe`;
  }

  /** The next answers, in order, for verified deliveries. */
  answerNext(...statuses: number[]): void {
    this.scripted.push(...statuses);
  }

  verified(type?: string): Stripe.Event[] {
    return this.received.flatMap((webhook) => (webhook.event && (!type || webhook.event.type === type) ? [webhook.event] : []));
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      if (!this.server) return resolve();
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private record(rawBody: string, header: string | string[] | undefined): number {
    const signature = Array.isArray(header) ? header[0] : header;
    let event: Stripe.Event | undefined;
    try {
      event = this.stripe.webhooks.constructEvent(rawBody, signature ?? "", this.secret);
    } catch {
      event = undefined;
    }
    const answered = event ? (this.scripted.shift() ?? 200) : 400;
    this.received.push({ rawBody, signature, event, answered });
    return answered;
  }
}
