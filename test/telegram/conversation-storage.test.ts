import type { Context } from "grammy";
import { describe, expect, it } from "vitest";
import { createKyselyConversationStorage } from "../../src/telegram/index.ts";
import { testDatabaseTargets } from "../helpers/db.ts";

const chat = (id: number) => ({ chatId: id }) as Context;
const state = (step: string) => ({ version: [0, 1] as [0, number], state: { checkout: [{ args: "[]", interrupts: [], replay: { send: [], receive: [] }, step } as never] } });

describe.each(testDatabaseTargets())("Kysely conversation storage on $kind", (target) => {
  it("writes, reads, overwrites and deletes one state per chat", async () => {
    const handle = await target.create();
    try {
      const storage = createKyselyConversationStorage<Context>(handle.db, { version: 3, ttlMs: 60_000 });
      expect(storage.type).toBe("context");
      expect(storage.version).toBe(3);
      expect(await storage.adapter.read(chat(1))).toBeUndefined();
      await storage.adapter.write(chat(1), state("first"));
      await storage.adapter.write(chat(1), state("second"));
      await storage.adapter.write(chat(2), state("other"));
      expect(await storage.adapter.read(chat(1))).toEqual(state("second"));
      const rows = await handle.db.selectFrom("conversation_state").select("key").orderBy("key").execute();
      expect(rows.map((row) => row.key)).toEqual(["chat:1", "chat:2"]);
      await storage.adapter.delete(chat(1));
      expect(await storage.adapter.read(chat(1))).toBeUndefined();
      expect(await storage.adapter.read(chat(2))).toEqual(state("other"));
    } finally {
      await handle.close();
    }
  });

  it("treats states older than the ttl as absent and purges them", async () => {
    const handle = await target.create();
    try {
      const storage = createKyselyConversationStorage<Context>(handle.db, { version: 1, ttlMs: 60_000 });
      await storage.adapter.write(chat(1), state("old"));
      await storage.adapter.write(chat(2), state("fresh"));
      await handle.db.updateTable("conversation_state").set({ updated_at: new Date(Date.now() - 120_000) }).where("key", "=", "chat:1").execute();
      expect(await storage.adapter.read(chat(1))).toBeUndefined();
      expect(await storage.purgeStale()).toBe(1);
      const left = await handle.db.selectFrom("conversation_state").select("key").execute();
      expect(left.map((row) => row.key)).toEqual(["chat:2"]);
    } finally {
      await handle.close();
    }
  });

  it("ignores rows that are not a versioned state", async () => {
    const handle = await target.create();
    try {
      const storage = createKyselyConversationStorage<Context>(handle.db, { version: 1, ttlMs: 60_000 });
      await handle.db.insertInto("conversation_state").values({ key: "chat:5", value: JSON.stringify({ nonsense: true }) }).execute();
      expect(await storage.adapter.read(chat(5))).toBeUndefined();
    } finally {
      await handle.close();
    }
  });
});
