import { setTimeout as sleep } from "node:timers/promises";
import type { Kysely } from "kysely";
import { translatorFor, type Message, type Translate } from "../copy/index.ts";
import { markIdentityBlocked, type CustomerDirectory, type Language } from "../customers/index.ts";
import type { Database } from "../db/schema.ts";
import type { Logger } from "../logger.ts";
import type { ChannelOutbox, DeliveryContext, DeliveryOutcome } from "../notify/index.ts";
import type { ReturnUrls } from "../payments/index.ts";
import type { ScreenDeps } from "../screens/index.ts";
import { WHATSAPP_ERRORS, WhatsAppError, type WhatsAppClient } from "./client.ts";
import { createListOverflow, toWhatsApp, type Outgoing } from "./render.ts";
import { createRouter, type Conversation } from "./router.ts";
import { verifyWhatsAppSignature } from "./signature.ts";
import { claimNextInbound, contactsWithOpenInbound, lastInboundAt, markHandled, queuePending, recordInbound, takePending, touchContact } from "./store.ts";
import { readWebhook, type InboundMessage, type StatusUpdate } from "./webhook.ts";

export interface WhatsAppSettings {
  appSecret: string;
  verifyToken: string;
  /** WhatsApp ids (business-scoped user ids or phone numbers) allowed the operator commands and alerts. */
  adminIds: string[];
  /** The approved UTILITY template sent outside the 24-hour window, and its language code per customer language. */
  template: { name: string; languages: Record<Language, string> };
  phoneNumberId: string;
}

export interface WhatsAppChannelDeps extends ScreenDeps {
  db: Kysely<Database>;
  client: WhatsAppClient;
  customers: CustomerDirectory;
  whatsapp: WhatsAppSettings;
  logger: Logger;
  now?: () => Date;
  /** Waits before sending again after a throughput or pair-rate refusal (default 1 s, doubling). */
  rateLimitBackoffMs?: number;
}

/** What became of one webhook POST, for the HTTP layer to turn into a status code. */
export type WhatsAppWebhookOutcome = "applied" | "duplicate" | "refused" | "malformed";

export interface WhatsAppChannel {
  /** Meta's set-up handshake: the challenge to echo when mode and token are right, else undefined (403). */
  verifySubscription(query: { mode?: string; token?: string; challenge?: string }): string | undefined;
  /** Checks the signature, keeps every new message, and answers at once; the messages are handled after. */
  handleWebhook(rawBody: Uint8Array, signature: string | undefined): Promise<WhatsAppWebhookOutcome>;
  /** How the routing notifier reaches WhatsApp customers and operators. */
  outbox: ChannelOutbox;
  /** Back into the WhatsApp chat after paying: a wa.me link that types "/paid 42" for the customer. */
  returnUrls(orderId: number): ReturnUrls;
  /** Handles messages a previous process kept but never handled (a crash between the 200 and the work). */
  recover(): Promise<void>;
  /** Resolves once every message received so far is handled (tests, shutdown). */
  idle(): Promise<void>;
}

const WINDOW_MS = 24 * 60 * 60_000;
const STALE_CLAIM_MS = 5 * 60_000;
const RATE_LIMIT_ATTEMPTS = 4;
const RATE_LIMITED: ReadonlySet<number> = new Set([WHATSAPP_ERRORS.throughput, WHATSAPP_ERRORS.pairRate]);

export async function createWhatsAppChannel(deps: WhatsAppChannelDeps): Promise<WhatsAppChannel> {
  const { db, client, logger } = deps;
  const settings = deps.whatsapp;
  const now = deps.now ?? (() => new Date());
  const overflow = createListOverflow();
  const route = createRouter({ ...deps, adminIds: new Set(settings.adminIds) });
  const chains = new Map<string, Promise<void>>();
  const phoneDigits = (await client.displayPhoneNumber()).replace(/\D/g, "");

  /** One Cloud API send; throughput and pair-rate refusals are waited out (the message was not sent). */
  async function sendOne(to: string, outgoing: Outgoing): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        if (outgoing.kind === "image") {
          const id = await client.uploadPng(outgoing.png, outgoing.name);
          await client.send({ to, type: "image", image: { id, caption: outgoing.caption } });
        } else await client.send({ to, ...outgoing.body });
        return;
      } catch (error) {
        if (!(error instanceof WhatsAppError && RATE_LIMITED.has(error.code)) || attempt >= RATE_LIMIT_ATTEMPTS) throw error;
        await sleep((deps.rateLimitBackoffMs ?? 1_000) * 2 ** (attempt - 1));
      }
    }
  }

  async function sendAll(to: string, messages: Message[], t: Translate): Promise<void> {
    for (const message of messages) for (const outgoing of toWhatsApp(message, t, overflow)) await sendOne(to, outgoing);
  }

  function conversationWith(inbound: { externalId: string; waId: string | null }): Conversation {
    return {
      identity: { channel: "whatsapp", externalId: inbound.externalId },
      waId: inbound.waId,
      reply: (messages, t) => sendAll(inbound.externalId, messages, t),
      more: (token) => overflow.take(token),
    };
  }

  /** Handles a contact's open messages one after another: one chat stays in order, chats run side by side. */
  function drain(externalId: string): Promise<void> {
    const previous = chains.get(externalId) ?? Promise.resolve();
    const next = previous.then(() => drainNow(externalId)).catch((error: unknown) => logger.error({ err: error }, "WhatsApp messages could not be handled"));
    chains.set(externalId, next);
    void next.finally(() => chains.get(externalId) === next && chains.delete(externalId));
    return next;
  }

  async function drainNow(externalId: string): Promise<void> {
    for (let inbound = await claimNextInbound(db, externalId, now(), STALE_CLAIM_MS); inbound; inbound = await claimNextInbound(db, externalId, now(), STALE_CLAIM_MS)) {
      const conversation = conversationWith(inbound);
      try {
        await flushPending(externalId);
        await route(conversation, inbound.what);
      } catch (error) {
        logger.error({ err: error, contact: externalId }, "WhatsApp message failed");
        await conversation.reply([{ text: translatorFor("en")("error-generic"), actions: [] }], translatorFor("en")).catch(() => undefined);
      }
      await markHandled(db, inbound.messageId, now());
    }
  }

  /** What waited for this contact to write again (the QR after a template) goes out first. */
  async function flushPending(externalId: string): Promise<void> {
    const batches = await takePending(db, externalId);
    for (const [index, batch] of batches.entries()) {
      try {
        await sendAll(externalId, batch.messages, translatorFor(batch.language));
      } catch (error) {
        // Not lost: what was not sent is put back, to go out with the customer's next message.
        for (const unsent of batches.slice(index)) await queuePending(db, externalId, unsent.language, unsent.messages);
        throw error;
      }
    }
  }

  async function onStatus(update: StatusUpdate): Promise<void> {
    // Statuses arrive out of order and repeat; only a final failure to reach the person changes anything.
    if (update.status !== "failed") return;
    logger.warn({ messageId: update.messageId, codes: update.errorCodes }, "WhatsApp message failed");
    if (update.recipient && update.errorCodes.includes(WHATSAPP_ERRORS.undeliverable)) {
      await markIdentityBlocked(db, { channel: "whatsapp", externalId: update.recipient }, true);
    }
  }

  async function keep(message: InboundMessage): Promise<boolean> {
    const fresh = await recordInbound(db, message);
    if (fresh) await touchContact(db, message.externalId, windowStart(message));
    return fresh;
  }

  /** The customer's own time of writing opens the window, unless it claims to be in the future. */
  function windowStart(message: InboundMessage): Date {
    const stamped = message.sentAt ? new Date(message.sentAt * 1000) : undefined;
    return stamped && stamped.getTime() <= now().getTime() ? stamped : now();
  }

  async function deliver(externalId: string, messages: Message[], context: DeliveryContext): Promise<DeliveryOutcome> {
    const t = translatorFor(context.language);
    const last = await lastInboundAt(db, externalId);
    const open = last !== undefined && now().getTime() - last.getTime() < WINDOW_MS;
    try {
      if (open) {
        try {
          await sendAll(externalId, messages, t);
          return "delivered";
        } catch (error) {
          if (!(error instanceof WhatsAppError && error.code === WHATSAPP_ERRORS.outsideWindow)) throw error;
        }
      }
      await sendTemplate(externalId, context, t);
      await queuePending(db, externalId, context.language, messages);
      return "delivered";
    } catch (error) {
      if (error instanceof WhatsAppError && error.code === WHATSAPP_ERRORS.undeliverable) return "blocked";
      throw error;
    }
  }

  function sendTemplate(to: string, context: DeliveryContext, t: Translate): Promise<void> {
    const reference = context.orderId !== undefined ? t("wa-template-order", { order: String(context.orderId) }) : "—";
    return sendOne(to, {
      kind: "message",
      body: {
        type: "template",
        template: {
          name: settings.template.name,
          language: { code: settings.template.languages[context.language] },
          components: [{ type: "body", parameters: [{ type: "text", text: reference }] }],
        },
      },
    });
  }

  return {
    verifySubscription: ({ mode, token, challenge }) => (mode === "subscribe" && token !== undefined && token === settings.verifyToken && challenge ? challenge : undefined),
    async handleWebhook(rawBody, signature) {
      if (!verifyWhatsAppSignature(rawBody, signature, settings.appSecret)) {
        logger.warn("WhatsApp webhook with a missing or wrong signature refused");
        return "refused";
      }
      let payload: unknown;
      try {
        payload = JSON.parse(Buffer.from(rawBody).toString("utf8"));
      } catch {
        return "malformed";
      }
      const read = readWebhook(payload, settings.phoneNumberId);
      if (!read) return "malformed";
      const fresh = [];
      for (const message of read.messages) if (await keep(message)) fresh.push(message);
      for (const update of read.statuses) await onStatus(update);
      for (const contact of new Set(fresh.map((m) => m.externalId))) void drain(contact);
      return fresh.length === 0 && read.messages.length > 0 ? "duplicate" : "applied";
    },
    outbox: { deliver, adminIds: settings.adminIds },
    returnUrls: (orderId) => ({
      successUrl: `https://wa.me/${phoneDigits}?text=${encodeURIComponent(`/paid ${orderId}`)}`,
      cancelUrl: `https://wa.me/${phoneDigits}?text=${encodeURIComponent(`/cancel ${orderId}`)}`,
    }),
    async recover() {
      for (const contact of await contactsWithOpenInbound(db, 1_000)) void drain(contact);
    },
    async idle() {
      while (chains.size > 0) await Promise.all([...chains.values()]);
    },
  };
}
