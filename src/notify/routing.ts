import type { Kysely } from "kysely";
import { renderAlert, renderNotice, type Message } from "../copy/index.ts";
import { findByIdentity, identityOf, markBlocked, toLanguage, type Language } from "../customers/index.ts";
import type { Channel, Database } from "../db/schema.ts";
import type { Logger } from "../logger.ts";
import type { AdminAlert, CustomerNotice, DeliveryOutcome, Notifier } from "./notifier.ts";

/** What a channel offers the notifier: sending rendered messages to one of its people, and its operators' ids. */
export interface ChannelOutbox {
  /** Sends in order; "blocked" when the person cannot be reached on this channel; throws when it may work later. */
  deliver(externalId: string, messages: Message[], context: DeliveryContext): Promise<DeliveryOutcome>;
  /** The channel's operators, as its own ids. */
  adminIds: readonly string[];
}

/** What a channel may need beyond the messages: the recipient's language, and the order they are about. */
export interface DeliveryContext {
  language: Language;
  orderId?: number;
}

export interface RoutingNotifierDeps {
  db: Kysely<Database>;
  channels: Partial<Record<Channel, ChannelOutbox>>;
  logger: Logger;
}

/** Tells each customer on the channel they came from, in their language; alerts every operator of every channel. */
export function createRoutingNotifier(deps: RoutingNotifierDeps): Notifier {
  const { db, logger } = deps;

  async function customer(customerId: number, notice: CustomerNotice): Promise<DeliveryOutcome> {
    const identity = await identityOf(db, customerId);
    if (!identity) throw new Error(`customer ${customerId} has no channel identity`);
    const outbox = deps.channels[identity.channel];
    if (!outbox) throw new Error(`customer ${customerId} is on ${identity.channel}, which is not running`);
    const language = toLanguage(identity.language);
    const context = { language, ...("orderId" in notice ? { orderId: notice.orderId } : {}) };
    const outcome = await outbox.deliver(identity.externalId, renderNotice(notice, language), context);
    if (outcome === "blocked") {
      logger.info({ customerId, notice: notice.type, channel: identity.channel }, "customer cannot be reached; notice not delivered");
      await markBlocked(db, customerId);
    }
    return outcome;
  }

  async function admins(alert: AdminAlert): Promise<void> {
    const recipients = Object.entries(deps.channels).flatMap(([channel, outbox]) => (outbox?.adminIds ?? []).map((id) => ({ channel: channel as Channel, id, outbox })));
    await Promise.all(
      recipients.map(async ({ channel, id, outbox }) => {
        try {
          const language = await adminLanguage(db, channel, id);
          await outbox?.deliver(id, [{ text: renderAlert(alert, language), actions: [] }], { language });
        } catch (error) {
          logger.error({ err: error, channel, adminId: id, alert: alert.type }, "could not alert an admin");
        }
      }),
    );
  }

  return { customer, admins };
}

/** An operator who also chose a language as a customer is alerted in it. */
async function adminLanguage(db: Kysely<Database>, channel: Channel, externalId: string): Promise<Language> {
  return toLanguage((await findByIdentity(db, { channel, externalId }))?.language);
}
