import type { Migration } from "kysely";
import * as initial from "./0001_initial.ts";
import * as customerIdentities from "./0002_customer_identities.ts";
import * as whatsapp from "./0003_whatsapp.ts";
import * as placingEnded from "./0004_placing_ended.ts";
import * as privacy from "./0005_privacy.ts";
import * as whatsappPendingClaims from "./0006_whatsapp_pending_claims.ts";
import * as telegramStars from "./0007_telegram_stars.ts";
import * as paidAmounts from "./0008_paid_amounts.ts";
import * as identitiesCreatedAt from "./0009_identities_created_at.ts";

// Forward-only: migrations are listed here in order and never edited once released.
export const migrations: Record<string, Migration> = {
  "0001_initial": initial,
  "0002_customer_identities": customerIdentities,
  "0003_whatsapp": whatsapp,
  "0004_placing_ended": placingEnded,
  "0005_privacy": privacy,
  "0006_whatsapp_pending_claims": whatsappPendingClaims,
  "0007_telegram_stars": telegramStars,
  "0008_paid_amounts": paidAmounts,
  "0009_identities_created_at": identitiesCreatedAt,
};
