import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { openDatabase, DatabaseLockedError } from "../src/db/index.ts";
import { migrateToLatest, migrationsApplied } from "../src/db/migrate.ts";
import { testDatabaseTargets } from "./helpers/db.ts";

describe.each(testDatabaseTargets())("database on $kind", (target) => {
  it("is migrated and empty, and migrations are idempotent", async () => {
    const handle = await target.create();
    try {
      expect(await migrationsApplied(handle.db)).toBe(true);
      expect(await migrateToLatest(handle.db)).toEqual([]);
      const { rows } = await sql<{ n: number }>`select count(*)::int as n from orders`.execute(handle.db);
      expect(rows[0]?.n).toBe(0);
    } finally {
      await handle.close();
    }
  });

  it("stores Telegram ids beyond 32 bits, jsonb and timestamps", async () => {
    const handle = await target.create();
    try {
      const customer = await handle.db
        .insertInto("customers")
        .values({ telegram_id: 7_123_456_789, language: "tr" })
        .returningAll()
        .executeTakeFirstOrThrow();
      expect(customer.telegram_id).toBe(7_123_456_789);
      expect(typeof customer.id).toBe("number");
      expect(customer.created_at).toBeInstanceOf(Date);
      await handle.db.insertInto("conversation_state").values({ key: "k", value: JSON.stringify({ a: [1, 2] }) }).execute();
      const state = await handle.db.selectFrom("conversation_state").select("value").executeTakeFirstOrThrow();
      expect(state.value).toEqual({ a: [1, 2] });
    } finally {
      await handle.close();
    }
  });
});

describe("embedded database lock", () => {
  it("refuses a second process on the same data directory with a clear message", async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), "esim-lock-"));
    const first = await openDatabase({ dataDir });
    try {
      const script = `import { openDatabase } from ${JSON.stringify(path.resolve("src/db/index.ts"))};
        try { await openDatabase({ dataDir: ${JSON.stringify(dataDir)} }); console.log("OPENED"); }
        catch (e) { console.log(e.name + ": " + e.message); }`;
      const child = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { encoding: "utf8" });
      expect(child.stdout).toContain("DatabaseLockedError");
      expect(child.stdout).toContain(`process ${process.pid}`);
      await expect(openDatabase({ dataDir })).rejects.toBeInstanceOf(DatabaseLockedError);
    } finally {
      await first.close();
    }
    const again = await openDatabase({ dataDir });
    await again.close();
  });
});
