import { sql, type Kysely } from "kysely";
import type { Message } from "../copy/index.ts";
import type { Database, Language } from "../db/schema.ts";
import type { InboundKind, InboundMessage } from "./webhook.ts";

/** This module alone writes the whatsapp_* tables. */

/**
 * Keeps each message once (Meta resends a webhook for days), and a new one opens the contact's 24-hour window from
 * `windowFrom`, in one statement: false when its id was seen before (the window is then left as it is).
 */
export async function recordInbound(db: Kysely<Database>, message: InboundMessage, windowFrom: Date): Promise<boolean> {
  const result = await sql<{ external_id: string }>`
    with kept as (
      insert into whatsapp_inbound (message_id, external_id, wa_id, kind)
      values (${message.id}, ${message.externalId}, ${message.waId ?? null}, ${JSON.stringify(message.what)})
      on conflict (message_id) do nothing
      returning external_id
    )
    insert into whatsapp_contacts (external_id, last_inbound_at)
    select external_id, ${windowFrom} from kept
    on conflict (external_id) do update set last_inbound_at = greatest(whatsapp_contacts.last_inbound_at, excluded.last_inbound_at)
    returning external_id`.execute(db);
  return result.rows.length > 0;
}

export interface OpenInbound {
  messageId: string;
  externalId: string;
  waId: string | null;
  what: InboundKind;
  /** Messages wait for this contact (sent when they write again): they go out before this one is answered. */
  pendingWaiting: boolean;
}

/**
 * Marks the message just handled (if any) and claims the oldest message of this contact nobody is handling, in one
 * statement (a claim older than `staleMs` was a crashed process's). Whether messages wait for the contact comes along.
 */
export async function claimNextInbound(db: Kysely<Database>, externalId: string, now: Date, staleMs: number, handled?: string): Promise<OpenInbound | undefined> {
  const staleBefore = new Date(now.getTime() - staleMs);
  const result = await sql<{ message_id: string; external_id: string; wa_id: string | null; kind: unknown; pending_waiting: boolean }>`
    with handled as (
      update whatsapp_inbound set handled_at = ${now} where message_id = ${handled ?? null}
    )
    update whatsapp_inbound set claimed_at = ${now}
    where message_id = (
      select message_id from whatsapp_inbound
      where external_id = ${externalId} and handled_at is null and (claimed_at is null or claimed_at < ${staleBefore})
        and message_id is distinct from ${handled ?? null}
      order by received_at, message_id
      limit 1
      for update skip locked
    )
    returning message_id, external_id, wa_id, kind, exists (select 1 from whatsapp_pending where external_id = ${externalId}) as pending_waiting`.execute(db);
  const row = result.rows[0];
  return row && { messageId: row.message_id, externalId: row.external_id, waId: row.wa_id, what: row.kind as InboundKind, pendingWaiting: row.pending_waiting };
}

/** Contacts with messages nobody handled (after a restart). */
export async function contactsWithOpenInbound(db: Kysely<Database>, limit: number): Promise<string[]> {
  const rows = await db.selectFrom("whatsapp_inbound").select("external_id").distinct().where("handled_at", "is", null).limit(limit).execute();
  return rows.map((row) => row.external_id);
}

export async function lastInboundAt(db: Kysely<Database>, externalId: string): Promise<Date | undefined> {
  return (await db.selectFrom("whatsapp_contacts").select("last_inbound_at").where("external_id", "=", externalId).executeTakeFirst())?.last_inbound_at;
}

/** A message as stored while it waits: the image as base64 (JSON has no bytes). */
interface StoredMessage extends Omit<Message, "image"> {
  image?: { png: string; name: string };
}

export async function queuePending(db: Kysely<Database>, externalId: string, language: Language, messages: Message[]): Promise<void> {
  const stored: StoredMessage[] = messages.map(({ image, ...rest }) => ({ ...rest, ...(image ? { image: { png: Buffer.from(image.png).toString("base64"), name: image.name } } : {}) }));
  await db.insertInto("whatsapp_pending").values({ external_id: externalId, language, messages: JSON.stringify(stored) }).execute();
}

export interface PendingBatch {
  id: number;
  language: Language;
  messages: Message[];
}

/**
 * Claims the oldest batch waiting for this contact that no live claim holds, in one statement: a second sender gets
 * the next one or nothing. The batch stays stored until `settlePending`; a claim left by a dead process runs out.
 */
export async function claimPending(db: Kysely<Database>, externalId: string, now: Date, claimMs: number): Promise<PendingBatch | undefined> {
  const row = await db
    .updateTable("whatsapp_pending")
    .set({ claimed_until: new Date(now.getTime() + claimMs) })
    .where("id", "=", (eb) =>
      eb
        .selectFrom("whatsapp_pending")
        .select("id")
        .where("external_id", "=", externalId)
        .where((w) => w.or([w("claimed_until", "is", null), w("claimed_until", "<", now)]))
        .orderBy("id")
        .limit(1)
        .forUpdate()
        .skipLocked(),
    )
    .returning(["id", "language", "messages"])
    .executeTakeFirst();
  if (!row) return undefined;
  const messages = (row.messages as StoredMessage[]).map(({ image, ...rest }) => ({
    ...rest,
    ...(image ? { image: { png: new Uint8Array(Buffer.from(image.png, "base64")), name: image.name } } : {}),
  }));
  return { id: row.id, language: row.language, messages };
}

/** Sent: the batch goes. */
export async function settlePending(db: Kysely<Database>, id: number): Promise<void> {
  await db.deleteFrom("whatsapp_pending").where("id", "=", id).execute();
}

/** Not sent: the batch waits for the customer's next message again. */
export async function releasePending(db: Kysely<Database>, id: number): Promise<void> {
  await db.updateTable("whatsapp_pending").set({ claimed_until: null }).where("id", "=", id).execute();
}

/** Waiting longer than the retention period: the customer never wrote again (the eSIM stays in "my esims"). */
export async function purgeOldPending(db: Kysely<Database>, olderThan: Date): Promise<number> {
  const result = await db.deleteFrom("whatsapp_pending").where("created_at", "<", olderThan).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Erases everything kept of a contact: the window, messages kept, messages waiting. */
export async function eraseContact(db: Kysely<Database>, externalId: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom("whatsapp_contacts").where("external_id", "=", externalId).execute();
    // The message being handled right now is marked handled after; the rest go.
    await trx.deleteFrom("whatsapp_inbound").where("external_id", "=", externalId).where("handled_at", "is not", null).execute();
    await trx.deleteFrom("whatsapp_pending").where("external_id", "=", externalId).execute();
  });
}

/** Handled messages older than the retention period: gone. */
export async function purgeHandledInbound(db: Kysely<Database>, olderThan: Date): Promise<number> {
  const result = await db.deleteFrom("whatsapp_inbound").where("handled_at", "<", olderThan).executeTakeFirst();
  return Number(result.numDeletedRows);
}
