import { z } from "zod";

export interface WhatsAppClientOptions {
  /** The Graph API base with its pinned version, e.g. https://graph.facebook.com/v26.0 */
  apiUrl: string;
  phoneNumberId: string;
  accessToken: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/** A Graph API refusal: `code` is Meta's (130429 throughput, 131047 outside the 24-hour window, …). */
export class WhatsAppError extends Error {
  constructor(
    readonly code: number,
    readonly httpStatus: number,
    message: string,
  ) {
    super(`WhatsApp ${httpStatus} (#${code}) ${message}`);
    this.name = "WhatsAppError";
  }
}

/** Meta's error codes the channel acts on. */
export const WHATSAPP_ERRORS = {
  /** Too many messages per second for the phone number: wait and send again. */
  throughput: 130429,
  /** Too many messages to one user in a short time: wait and send again. */
  pairRate: 131056,
  /** More than 24 hours since the customer's last message: only a template may be sent. */
  outsideWindow: 131047,
  /** Not a WhatsApp user, an old app, terms not accepted: this person cannot be reached. */
  undeliverable: 131026,
} as const;

const errorEnvelope = z.object({ error: z.object({ code: z.number(), message: z.string().optional() }) });
const sendAnswer = z.object({ messages: z.array(z.object({ id: z.string() })).min(1) });
const mediaAnswer = z.object({ id: z.string().min(1) });
const phoneAnswer = z.object({ display_phone_number: z.string().min(1) });

export interface WhatsAppClient {
  /** POST /{phone-number-id}/messages; resolves the wamid of the sent message. */
  send(message: Record<string, unknown>): Promise<string>;
  /** Uploads a PNG (POST /{phone-number-id}/media); resolves the media id to send it by. */
  uploadPng(png: Uint8Array, filename: string): Promise<string>;
  /** The business phone number as shown to customers ("+44 7700 900123"). */
  displayPhoneNumber(): Promise<string>;
}

/** A small typed layer on fetch: our own timeouts, no retries (the callers decide what is safe to repeat). */
export function createWhatsAppClient(options: WhatsAppClientOptions): WhatsAppClient {
  const base = `${options.apiUrl.replace(/\/+$/, "")}/${encodeURIComponent(options.phoneNumberId)}`;
  const fetcher = options.fetch ?? fetch;
  const timeoutMs = options.timeoutMs ?? 10_000;

  async function call<T>(path: string, init: RequestInit, schema: z.ZodType<T>): Promise<T> {
    const response = await fetcher(`${base}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${options.accessToken}`, ...(init.headers as Record<string, string> | undefined) },
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    if (!response.ok) {
      const envelope = errorEnvelope.safeParse(json);
      throw new WhatsAppError(envelope.success ? envelope.data.error.code : 0, response.status, envelope.success ? (envelope.data.error.message ?? "") : text.slice(0, 200));
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) throw new WhatsAppError(0, response.status, `unexpected answer: ${parsed.error.message.slice(0, 200)}`);
    return parsed.data;
  }

  return {
    async send(message) {
      const body = JSON.stringify({ messaging_product: "whatsapp", recipient_type: "individual", ...message });
      const answer = await call("/messages", { method: "POST", body, headers: { "content-type": "application/json" } }, sendAnswer);
      return answer.messages[0]!.id;
    },
    async uploadPng(png, filename) {
      const form = new FormData();
      form.set("messaging_product", "whatsapp");
      form.set("type", "image/png");
      form.set("file", new Blob([png], { type: "image/png" }), filename);
      return (await call("/media", { method: "POST", body: form }, mediaAnswer)).id;
    },
    async displayPhoneNumber() {
      return (await call("?fields=display_phone_number", { method: "GET" }, phoneAnswer)).display_phone_number;
    },
  };
}
