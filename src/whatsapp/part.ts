import type { Kysely } from "kysely";
import type { ChannelPart } from "../channel-part.ts";
import { createCustomerDirectory } from "../customers/index.ts";
import type { Database } from "../db/schema.ts";
import type { WhatsAppEndpoint } from "../endpoints.ts";
import type { Logger } from "../logger.ts";
import { createScreenCache, type ScreenSettings } from "../screens/index.ts";
import { createWhatsAppChannel } from "./channel.ts";
import { createWhatsAppClient } from "./client.ts";
import { createListOverflow } from "./render.ts";
import { createWhatsAppSender, whatsappReturnUrls } from "./sender.ts";

export interface WhatsAppPartDeps {
  endpoint: WhatsAppEndpoint;
  sandbox: boolean;
  retentionDays: number;
  settings: Omit<ScreenSettings, "pageSize"> & { pageSize?: number };
  db: Kysely<Database>;
  logger: Logger;
}

const DEFAULT_PAGE_SIZE = 6;

/** The WhatsApp channel as the app wires it. */
export async function createWhatsAppPart(deps: WhatsAppPartDeps): Promise<ChannelPart> {
  const { endpoint, db } = deps;
  const logger = deps.logger.child({ channel: "whatsapp" });
  const client = createWhatsAppClient({ apiUrl: endpoint.apiUrl, phoneNumberId: endpoint.phoneNumberId, accessToken: endpoint.accessToken });
  // Payment links return to the chat through wa.me, which needs the business number; asked once at start.
  const phoneDigits = (await client.displayPhoneNumber()).replace(/\D/g, "");
  const overflow = createListOverflow();
  const sender = createWhatsAppSender({ db, client, overflow, template: endpoint.template, adminIds: endpoint.adminIds, logger, now: () => new Date(), sandbox: deps.sandbox });
  return {
    channel: "whatsapp",
    outbox: sender.outbox,
    returnUrls: (orderId) => whatsappReturnUrls(phoneDigits, orderId),
    async attach({ catalogue, shop, metrics }) {
      const channel = createWhatsAppChannel({
        db,
        sender,
        overflow,
        catalogue,
        shop,
        screens: createScreenCache(() => catalogue.revision()),
        settings: { ...deps.settings, pageSize: deps.settings.pageSize ?? DEFAULT_PAGE_SIZE },
        customers: createCustomerDirectory(db),
        whatsapp: endpoint,
        logger,
        metrics,
        retentionDays: deps.retentionDays,
      });
      return { routes: { whatsapp: channel }, start: () => channel.recover() };
    },
  };
}
