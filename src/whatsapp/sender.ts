import { setTimeout as sleep } from "node:timers/promises";
import type { Kysely } from "kysely";
import { translatorFor, withSandboxMarker, type Message, type Translate } from "../copy/index.ts";
import type { Language } from "../customers/index.ts";
import type { Database } from "../db/schema.ts";
import type { Logger } from "../logger.ts";
import type { ChannelOutbox, DeliveryContext, DeliveryOutcome } from "../notify/index.ts";
import type { ReturnUrls } from "../payments/index.ts";
import { WHATSAPP_ERRORS, WhatsAppError, type WhatsAppClient } from "./client.ts";
import { toWhatsApp, type ListOverflow, type Outgoing } from "./render.ts";
import { claimPending, lastInboundAt, queuePending, releasePending, settlePending } from "./store.ts";

export interface SenderDeps {
  db: Kysely<Database>;
  client: WhatsAppClient;
  overflow: ListOverflow;
  /** The approved UTILITY template for messages outside the 24-hour window, and its language code per language. */
  template: { name: string; languages: Record<Language, string> };
  /** WhatsApp ids (phone numbers or business-scoped user ids) that get admin alerts. */
  adminIds: readonly string[];
  logger: Logger;
  now: () => Date;
  /** Every message says it is a sandbox (some part is simulated). */
  sandbox?: boolean;
  /** Waits before sending again after a throughput or pair-rate refusal (default 1 s, doubling). */
  rateLimitBackoffMs?: number;
}

export interface WhatsAppSender {
  /** Sends channel-neutral messages, in order; `t` words the list and button chrome. */
  sendAll(externalId: string, messages: Message[], t: Translate): Promise<void>;
  /** What waited for this contact to write again (the QR after a template) goes out now. */
  flushPending(externalId: string): Promise<void>;
  /** How the routing notifier reaches WhatsApp customers and operators. */
  outbox: ChannelOutbox;
}

const WINDOW_MS = 24 * 60 * 60_000;
const RATE_LIMIT_ATTEMPTS = 4;
/** Long enough to send a batch through every backoff; a batch claimed by a process that died is sent again after it. */
const PENDING_CLAIM_MS = 2 * 60_000;
const RATE_LIMITED: ReadonlySet<number> = new Set([WHATSAPP_ERRORS.throughput, WHATSAPP_ERRORS.pairRate]);
/** Meta's business-scoped user id: a country code, a dot, an optional ENT., alphanumerics. */
const BSUID = /^[A-Z]{2}\.(ENT\.)?[A-Za-z0-9]{1,128}$/;

/** The Cloud API's `to` takes a phone number; a business-scoped user id goes in `recipient`. */
function addressOf(externalId: string): Record<string, string> {
  return BSUID.test(externalId) ? { recipient: externalId } : { to: externalId };
}

function markedAsSandbox(message: Message, marker: string): Message {
  return { ...message, text: withSandboxMarker(message.text, marker, message.html === true) };
}

/** Back into the WhatsApp chat after paying: a wa.me link that types "/paid 42" for the customer to send. */
export function whatsappReturnUrls(phoneDigits: string, orderId: number): ReturnUrls {
  const chat = (text: string) => `https://wa.me/${phoneDigits}?text=${encodeURIComponent(text)}`;
  return { successUrl: chat(`/paid ${orderId}`), cancelUrl: chat(`/cancel ${orderId}`) };
}

/**
 * Everything the shop sends on WhatsApp goes through here: throughput and pair-rate refusals are waited out, the
 * 24-hour rule is kept (outside it, the approved template goes out and the messages wait for the customer's reply),
 * and an undeliverable number counts as "blocked".
 */
export function createWhatsAppSender(deps: SenderDeps): WhatsAppSender {
  const { db, client } = deps;

  async function sendOne(externalId: string, outgoing: Outgoing): Promise<void> {
    const to = addressOf(externalId);
    for (let attempt = 1; ; attempt++) {
      try {
        if (outgoing.kind === "image") {
          const id = await client.uploadPng(outgoing.png, outgoing.name);
          await client.send({ ...to, type: "image", image: { id, caption: outgoing.caption } });
        } else await client.send({ ...to, ...outgoing.body });
        return;
      } catch (error) {
        // A refused send was not sent: waiting and sending again cannot make it twice.
        if (!(error instanceof WhatsAppError && RATE_LIMITED.has(error.code)) || attempt >= RATE_LIMIT_ATTEMPTS) throw error;
        await sleep((deps.rateLimitBackoffMs ?? 1_000) * 2 ** (attempt - 1));
      }
    }
  }

  async function sendAll(externalId: string, messages: Message[], t: Translate): Promise<void> {
    for (const message of messages) {
      const marked = deps.sandbox ? markedAsSandbox(message, t("sandbox-marker")) : message;
      for (const outgoing of toWhatsApp(marked, t, deps.overflow)) await sendOne(externalId, outgoing);
    }
  }

  async function flushPending(externalId: string): Promise<void> {
    for (let batch = await claimPending(db, externalId, deps.now(), PENDING_CLAIM_MS); batch; batch = await claimPending(db, externalId, deps.now(), PENDING_CLAIM_MS)) {
      try {
        await sendAll(externalId, batch.messages, translatorFor(batch.language));
      } catch (error) {
        // Not lost: it waits for the customer's next message again.
        await releasePending(db, batch.id);
        throw error;
      }
      await settlePending(db, batch.id);
    }
  }

  function sendTemplate(externalId: string, context: DeliveryContext, t: Translate): Promise<void> {
    const reference = context.orderId !== undefined ? t("wa-template-order", { order: String(context.orderId) }) : "—";
    return sendOne(externalId, {
      kind: "message",
      body: {
        type: "template",
        template: {
          name: deps.template.name,
          language: { code: deps.template.languages[context.language] },
          components: [{ type: "body", parameters: [{ type: "text", text: reference }] }],
        },
      },
    });
  }

  async function deliver(externalId: string, messages: Message[], context: DeliveryContext): Promise<DeliveryOutcome> {
    const t = translatorFor(context.language);
    const last = await lastInboundAt(db, externalId);
    const open = last !== undefined && deps.now().getTime() - last.getTime() < WINDOW_MS;
    try {
      if (open) {
        try {
          await sendAll(externalId, messages, t);
          return "delivered";
        } catch (error) {
          if (!(error instanceof WhatsAppError && error.code === WHATSAPP_ERRORS.outsideWindow)) throw error;
        }
      }
      // Outside the window only a template may go: it says there is news, the rest follows the customer's reply.
      await sendTemplate(externalId, context, t);
      await queuePending(db, externalId, context.language, messages);
      return "delivered";
    } catch (error) {
      if (error instanceof WhatsAppError && error.code === WHATSAPP_ERRORS.undeliverable) return "blocked";
      throw error;
    }
  }

  return { sendAll, flushPending, outbox: { deliver, adminIds: deps.adminIds } };
}
