import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { claimNextInbound, contactsWithOpenInbound, lastInboundAt, queuePending, recordInbound } from "../../src/whatsapp/store.ts";
import type { InboundMessage } from "../../src/whatsapp/webhook.ts";
import { testDatabaseTargets, type TestDatabase } from "../helpers/db.ts";

const CONTACT = "447700900301";
const STALE_MS = 5 * 60_000;
const at = (minute: number) => new Date(Date.UTC(2026, 11, 2, 10, minute));
const message = (id: string, text: string): InboundMessage => ({ id, externalId: CONTACT, waId: CONTACT, what: { kind: "text", text } });

describe.each(testDatabaseTargets())("WhatsApp messages kept and claimed on $kind", (target) => {
  let database: TestDatabase;
  beforeEach(async () => {
    database = await target.create();
  });
  afterEach(async () => database?.close());

  it("keeps a message once; a new one opens the 24-hour window from its time, a repeat or an older one moves nothing back", async () => {
    expect(await recordInbound(database.db, message("wamid.1", "hi"), at(10))).toBe(true);
    expect(await lastInboundAt(database.db, CONTACT)).toEqual(at(10));
    expect(await recordInbound(database.db, message("wamid.1", "hi"), at(30))).toBe(false);
    expect(await lastInboundAt(database.db, CONTACT)).toEqual(at(10));
    expect(await recordInbound(database.db, message("wamid.2", "late"), at(5))).toBe(true);
    expect(await lastInboundAt(database.db, CONTACT)).toEqual(at(10));
    expect(await recordInbound(database.db, message("wamid.3", "later"), at(20))).toBe(true);
    expect(await lastInboundAt(database.db, CONTACT)).toEqual(at(20));
  });

  it("claims in order, each claim marking the message before it handled, and says when messages wait for the contact", async () => {
    for (const [i, text] of ["France", "all plans", "help"].entries()) await recordInbound(database.db, message(`wamid.${i}`, text), at(i));
    await queuePending(database.db, CONTACT, "en", [{ text: "Your eSIM is ready", actions: [] }]);

    const first = await claimNextInbound(database.db, CONTACT, at(10), STALE_MS);
    expect(first).toMatchObject({ messageId: "wamid.0", what: { kind: "text", text: "France" }, pendingWaiting: true });
    const second = await claimNextInbound(database.db, CONTACT, at(10), STALE_MS, first!.messageId);
    const third = await claimNextInbound(database.db, CONTACT, at(10), STALE_MS, second!.messageId);
    expect([second?.messageId, third?.messageId]).toEqual(["wamid.1", "wamid.2"]);
    expect(await contactsWithOpenInbound(database.db, 10)).toEqual([CONTACT]);

    expect(await claimNextInbound(database.db, CONTACT, at(10), STALE_MS, third!.messageId)).toBeUndefined();
    expect(await contactsWithOpenInbound(database.db, 10)).toEqual([]);
    // Long after, when every claim is stale, nothing handled is taken again.
    expect(await claimNextInbound(database.db, CONTACT, at(59), STALE_MS)).toBeUndefined();
  });

  it("a message claimed but never marked handled (the process died) is claimed again once its claim is stale, and only then", async () => {
    await recordInbound(database.db, message("wamid.9", "Spain"), at(0));
    expect((await claimNextInbound(database.db, CONTACT, at(1), STALE_MS))?.pendingWaiting).toBe(false);
    expect(await claimNextInbound(database.db, CONTACT, at(3), STALE_MS)).toBeUndefined();
    expect((await claimNextInbound(database.db, CONTACT, at(7), STALE_MS))?.messageId).toBe("wamid.9");
  });
});
