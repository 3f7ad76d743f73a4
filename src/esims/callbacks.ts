import type { Kysely } from "kysely";
import { catalogueCurrency } from "../catalogue/index.ts";
import type { Database } from "../db/schema.ts";
import { parseEsimGoCallback, verifyEsimGoSignature, type EsimBundleUsage, type EsimGoCallback } from "../esimgo/index.ts";
import type { Logger } from "../logger.ts";
import type { Notifier } from "../notify/index.ts";

export interface CallbackDeps {
  db: Kysely<Database>;
  notifier: Notifier;
  logger: Logger;
  /** eSIM Go signs callbacks with the account's API key. */
  apiKey: string;
  now: () => Date;
}

/** What became of one callback: acted on, not for us (ignored), refused (signature), unreadable, or to be sent again. */
export type CallbackOutcome = "applied" | "ignored" | "refused" | "malformed" | "retry";
const LOW_BALANCE_ALERT_INTERVAL_MS = 10 * 60_000;

type UsageCallback = Extract<EsimGoCallback, { bundle: unknown }>;
type BalanceCallback = Extract<EsimGoCallback, { balance: number }>;

export function createCallbackHandler(deps: CallbackDeps): (rawBody: string, signature: string | undefined) => Promise<CallbackOutcome> {
  let lastBalanceAlertAt = 0;
  return async (rawBody, signature) => {
    if (!signature || !verifyEsimGoSignature(rawBody, signature, deps.apiKey)) {
      deps.logger.warn("eSIM Go callback with a missing or wrong signature refused");
      return "refused";
    }
    const callback = parseCallback(rawBody);
    if (!callback) return "malformed";
    if (isUsage(callback)) {
      try {
        await onUsage(deps, callback);
      } catch (error) {
        deps.logger.error({ iccid: callback.iccid, err: error }, "usage callback not handled; eSIM Go may send it again");
        return "retry";
      }
    } else if (isBalance(callback)) {
      // InsufficientBalance is sent up to ten times in a row: one alert is enough.
      if (deps.now().getTime() - lastBalanceAlertAt >= LOW_BALANCE_ALERT_INTERVAL_MS) {
        lastBalanceAlertAt = deps.now().getTime();
        await onBalance(deps, callback);
      }
    } else {
      deps.logger.info({ alertType: callback.alertType }, "eSIM Go callback ignored");
      return "ignored";
    }
    return "applied";
  };
}

function parseCallback(rawBody: string): EsimGoCallback | undefined {
  try {
    return parseEsimGoCallback(JSON.parse(rawBody));
  } catch {
    return undefined;
  }
}

function isUsage(callback: EsimGoCallback): callback is UsageCallback {
  return "bundle" in callback && (callback.alertType === "Utilisation" || callback.alertType === "FirstUse");
}

function isBalance(callback: EsimGoCallback): callback is BalanceCallback {
  return "balance" in callback && (callback.alertType === "LowBalance" || callback.alertType === "InsufficientBalance");
}

/** 100 when depleted, 80 past four fifths, else nothing to say. */
export function usageThreshold(initialBytes: number | null, remainingBytes: number | null): 80 | 100 | undefined {
  if (initialBytes === null || remainingBytes === null || !(initialBytes > 0)) return undefined;
  const usedPercent = ((initialBytes - Math.max(remainingBytes, 0)) / initialBytes) * 100;
  if (usedPercent >= 100) return 100;
  if (usedPercent >= 80) return 80;
  return undefined;
}

async function onUsage(deps: CallbackDeps, callback: UsageCallback): Promise<void> {
  const { iccid, bundle } = callback;
  const esim = await deps.db.selectFrom("esims").select(["customer_id"]).where("iccid", "=", iccid).executeTakeFirst();
  if (!esim) {
    deps.logger.info({ iccid }, "usage callback for an eSIM we did not sell");
    return;
  }
  await mergeUsage(deps, callback);
  const threshold = bundle.unlimited ? undefined : usageThreshold(bundle.initialBytes, bundle.remainingBytes);
  if (!threshold) return;
  const reference = bundle.reference ?? bundle.name;
  const claimed = await claimUsageAlert(deps.db, iccid, reference, threshold);
  if (claimed.length === 0) return;
  try {
    await deps.notifier.customer(esim.customer_id, {
      type: "usage",
      iccid,
      bundleName: bundle.name,
      usedPercent: threshold,
      remainingBytes: bundle.remainingBytes === null ? null : Math.max(bundle.remainingBytes, 0),
    });
  } catch (error) {
    // Not told: give the claim back, so the provider's retry (or its next callback) tells the customer after all.
    await deps.db.deleteFrom("usage_alerts").where("iccid", "=", iccid).where("bundle_reference", "=", reference).where("threshold", "in", claimed).execute();
    throw error;
  }
}

/**
 * The thresholds this call claimed; empty unless it is the first claim of `threshold` (the primary key makes repeats
 * harmless).
 */
async function claimUsageAlert(db: Kysely<Database>, iccid: string, reference: string, threshold: 80 | 100): Promise<number[]> {
  // A depleted bundle also counts as past 80 %, so a late 80 % callback stays quiet.
  const thresholds = threshold === 100 ? [100, 80] : [80];
  const inserted = await db
    .insertInto("usage_alerts")
    .values(thresholds.map((t) => ({ iccid, bundle_reference: reference, threshold: t })))
    .onConflict((oc) => oc.columns(["iccid", "bundle_reference", "threshold"]).doNothing())
    .returning("threshold")
    .execute();
  return inserted.some((row) => row.threshold === threshold) ? inserted.map((row) => row.threshold) : [];
}

async function mergeUsage(deps: CallbackDeps, callback: UsageCallback): Promise<void> {
  const { iccid, bundle } = callback;
  await deps.db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom("esims").select(["usage"]).where("iccid", "=", iccid).forUpdate().executeTakeFirst();
    const known = Array.isArray(row?.usage) ? (row.usage as EsimBundleUsage[]) : [];
    const sameAssignment = (entry: EsimBundleUsage) =>
      bundle.reference ? entry.assignmentReference === bundle.reference : entry.name === bundle.name;
    const previous = known.find(sameAssignment);
    const updated: EsimBundleUsage = {
      ...previous,
      name: bundle.name,
      state: previous?.state ?? "active",
      initialBytes: bundle.initialBytes,
      remainingBytes: bundle.remainingBytes,
      unlimited: bundle.unlimited,
      ...(bundle.reference ? { assignmentReference: bundle.reference } : {}),
    };
    const bundles = [...known.filter((entry) => !sameAssignment(entry)), updated];
    await trx.updateTable("esims").set({ usage: JSON.stringify(bundles), usage_checked_at: deps.now() }).where("iccid", "=", iccid).execute();
  });
}

async function onBalance(deps: CallbackDeps, callback: BalanceCallback): Promise<void> {
  await deps.notifier.admins({
    type: "low_balance",
    balanceMinor: Math.round(callback.balance * 100),
    currency: (await catalogueCurrency(deps.db)) ?? "USD",
    ...(callback.threshold !== undefined ? { thresholdMinor: Math.round(callback.threshold * 100) } : {}),
  });
}
