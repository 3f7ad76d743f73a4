import type { Kysely } from "kysely";
import { translatorFor } from "../copy/index.ts";
import type { CustomerDirectory } from "../customers/index.ts";
import type { Database } from "../db/schema.ts";
import type { Metrics } from "../metrics/index.ts";
import type { Logger } from "../logger.ts";
import type { ScreenDeps } from "../screens/index.ts";
import { WHATSAPP_ERRORS } from "./client.ts";
import type { ListOverflow } from "./render.ts";
import { createRouter, type Conversation } from "./router.ts";
import type { WhatsAppSender } from "./sender.ts";
import { verifyWhatsAppSignature } from "./signature.ts";
import { claimNextInbound, contactsWithOpenInbound, eraseContact, purgeHandledInbound, purgeOldPending, recordInbound } from "./store.ts";
import { readWebhook, type InboundMessage, type StatusUpdate } from "./webhook.ts";

export interface WhatsAppSettings {
  appSecret: string;
  verifyToken: string;
  /** WhatsApp ids (business-scoped user ids or phone numbers) allowed the operator commands. */
  adminIds: string[];
  phoneNumberId: string;
}

export interface WhatsAppChannelDeps extends ScreenDeps {
  db: Kysely<Database>;
  sender: WhatsAppSender;
  overflow: ListOverflow;
  customers: CustomerDirectory;
  whatsapp: WhatsAppSettings;
  logger: Logger;
  metrics?: Pick<Metrics, "update">;
  now?: () => Date;
  /** Handled messages are kept this many days (default 90). */
  retentionDays?: number;
}

/** What became of one webhook POST, for the HTTP layer to turn into a status code. */
export type WhatsAppWebhookOutcome = "applied" | "duplicate" | "refused" | "malformed";

export interface WhatsAppChannel {
  /** Meta's set-up handshake: the challenge to echo when mode and token are right, else undefined (403). */
  verifySubscription(query: { mode?: string; token?: string; challenge?: string }): string | undefined;
  /** Checks the signature, keeps every new message, and answers at once; the messages are handled after. */
  handleWebhook(rawBody: Uint8Array, signature: string | undefined): Promise<WhatsAppWebhookOutcome>;
  /** Handles messages a previous process kept but never handled (a crash between the 200 and the work). */
  recover(): Promise<void>;
  /** Resolves once every message received so far is handled (tests, shutdown). */
  idle(): Promise<void>;
}

const STALE_CLAIM_MS = 5 * 60_000;
const PURGE_EVERY_MS = 60 * 60_000;
const DAY_MS = 24 * 60 * 60_000;

/**
 * Inbound WhatsApp: webhooks checked by signature, every message kept once (by its id) and answered 200 at once, then
 * handled in order per contact (contacts side by side) through the shared screens.
 */
export function createWhatsAppChannel(deps: WhatsAppChannelDeps): WhatsAppChannel {
  const { db, sender, logger } = deps;
  const settings = deps.whatsapp;
  const now = deps.now ?? (() => new Date());
  const route = createRouter({ ...deps, adminIds: new Set(settings.adminIds) });
  const chains = new Map<string, Promise<void>>();
  let lastPurgeAt = 0;

  /** Retention: at most once an hour, handled messages and messages still waiting past the retention period go. */
  function purgeOld(): void {
    const at = now().getTime();
    if (at - lastPurgeAt < PURGE_EVERY_MS) return;
    lastPurgeAt = at;
    const cutOff = new Date(at - (deps.retentionDays ?? 90) * DAY_MS);
    void Promise.all([purgeHandledInbound(db, cutOff), purgeOldPending(db, cutOff)]).catch((error: unknown) => logger.warn({ err: error }, "could not purge old WhatsApp messages"));
  }

  function conversationWith(inbound: { externalId: string; waId: string | null }): Conversation {
    return {
      identity: { channel: "whatsapp", externalId: inbound.externalId },
      waId: inbound.waId,
      reply: (messages, t) => sender.sendAll(inbound.externalId, messages, t),
      more: (token) => deps.overflow.take(token),
      forget: () => eraseContact(db, inbound.externalId),
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
    // Each claim also marks the message before it handled: one statement per message, and one for the last.
    let handled: string | undefined;
    for (let inbound = await claimNextInbound(db, externalId, now(), STALE_CLAIM_MS); inbound; inbound = await claimNextInbound(db, externalId, now(), STALE_CLAIM_MS, handled)) {
      const conversation = conversationWith(inbound);
      try {
        if (inbound.pendingWaiting) await sender.flushPending(externalId);
        await route(conversation, inbound.what);
      } catch (error) {
        logger.error({ err: error, contact: externalId }, "WhatsApp message failed");
        await conversation.reply([{ text: translatorFor("en")("error-generic"), actions: [] }], translatorFor("en")).catch(() => undefined);
      }
      handled = inbound.messageId;
    }
  }

  async function onStatus(update: StatusUpdate): Promise<void> {
    // Statuses arrive out of order and repeat; only a final failure to reach the person changes anything.
    if (update.status !== "failed") return;
    logger.warn({ messageId: update.messageId, codes: update.errorCodes }, "WhatsApp message failed");
    if (update.recipient && update.errorCodes.includes(WHATSAPP_ERRORS.undeliverable)) {
      const cause = `WhatsApp could not deliver message ${update.messageId} (131026: the number cannot receive messages)`;
      await deps.shop.customerUnreachable({ channel: "whatsapp", externalId: update.recipient }, cause);
    }
  }

  /** The customer's own time of writing opens the window, unless it claims to be in the future. */
  function windowStart(message: InboundMessage): Date {
    const stamped = message.sentAt ? new Date(message.sentAt * 1000) : undefined;
    return stamped && stamped.getTime() <= now().getTime() ? stamped : now();
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
      for (const message of read.messages) {
        if (!(await recordInbound(db, message, windowStart(message)))) continue;
        fresh.push(message);
        deps.metrics?.update("whatsapp");
      }
      for (const update of read.statuses) await onStatus(update);
      for (const contact of new Set(fresh.map((m) => m.externalId))) void drain(contact);
      purgeOld();
      return fresh.length === 0 && read.messages.length > 0 ? "duplicate" : "applied";
    },
    async recover() {
      for (const contact of await contactsWithOpenInbound(db, 1_000)) void drain(contact);
    },
    async idle() {
      while (chains.size > 0) await Promise.all([...chains.values()]);
    },
  };
}
