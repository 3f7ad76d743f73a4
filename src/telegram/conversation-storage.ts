import type { ConversationContextStorage, ConversationData, VersionedState } from "@grammyjs/conversations";
import type { Context } from "grammy";
import type { Kysely } from "kysely";
import type { Database } from "../db/schema.ts";

export interface KyselyConversationStorage<C extends Context> extends ConversationContextStorage<C, ConversationData> {
  /** Deletes conversation states untouched for longer than ttlMs; returns how many. */
  purgeStale(now?: Date): Promise<number>;
}

/**
 * Conversation state in table conversation_state, one row per chat. A state older than ttlMs reads as absent
 * (an abandoned checkout starts afresh) and purgeStale removes it; bump `version` when conversation code changes.
 */
export function createKyselyConversationStorage<C extends Context>(
  db: Kysely<Database>,
  opts: { version: number; ttlMs: number },
): KyselyConversationStorage<C> {
  const keyOf = (ctx: C): string => {
    if (ctx.chatId === undefined) throw new Error("conversation state needs a chat");
    return `chat:${ctx.chatId}`;
  };
  const staleBefore = (now: Date) => new Date(now.getTime() - opts.ttlMs);

  return {
    type: "context",
    version: opts.version,
    adapter: {
      async read(ctx) {
        const row = await db
          .selectFrom("conversation_state")
          .select(["value", "updated_at"])
          .where("key", "=", keyOf(ctx))
          .where("updated_at", ">=", staleBefore(new Date()))
          .executeTakeFirst();
        return row && isVersionedState(row.value) ? row.value : undefined;
      },
      async write(ctx, state) {
        const value = JSON.stringify(state);
        await db
          .insertInto("conversation_state")
          .values({ key: keyOf(ctx), value, updated_at: new Date() })
          .onConflict((oc) => oc.column("key").doUpdateSet({ value, updated_at: new Date() }))
          .execute();
      },
      async delete(ctx) {
        await db.deleteFrom("conversation_state").where("key", "=", keyOf(ctx)).execute();
      },
    },
    async purgeStale(now = new Date()) {
      const result = await db.deleteFrom("conversation_state").where("updated_at", "<", staleBefore(now)).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}

function isVersionedState(value: unknown): value is VersionedState<ConversationData> {
  if (typeof value !== "object" || value === null) return false;
  const { version, state } = value as { version?: unknown; state?: unknown };
  return Array.isArray(version) && version.length === 2 && typeof state === "object" && state !== null;
}

/** Erases a chat's checkout state (the customer erased their data). */
export async function eraseConversationState(db: Kysely<Database>, chatId: number): Promise<void> {
  await db.deleteFrom("conversation_state").where("key", "=", `chat:${chatId}`).execute();
}
