import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { sql } from "kysely";
import { describe, expect, it } from "vitest";
import { ensureCustomer, findByIdentity } from "../src/customers/index.ts";
import { openDatabase, DatabaseLockedError } from "../src/db/index.ts";
import { migrateToLatest, migrationsApplied } from "../src/db/migrate.ts";
import { createEmptyPostgresDatabase, testDatabaseTargets } from "./helpers/db.ts";
import { PROJECT_ROOT } from "./helpers/process.ts";

/** Schema v1 as the foundation issue lists it; money columns are integer minor units. */
const SCHEMA_V1: Record<string, string[]> = {
  customers: ["language"],
  customer_identities: ["channel", "external_id", "customer_id"],
  catalogue_bundles: ["name", "description", "countries", "cost_minor", "currency", "synced_at"],
  catalogue_bundle_countries: ["bundle_name", "iso"],
  orders: [
    "status", "bundle_name", "quantity", "price_minor", "currency", "provider_cost_minor", "stripe_session_id", "stripe_payment_intent_id",
    "esimgo_order_reference", "attempts", "next_attempt_at", "last_error", "created_at", "updated_at",
  ],
  esims: ["iccid", "matching_id", "smdp_address", "customer_id", "order_id"],
  webhook_events: ["provider", "event_id"],
  conversation_state: ["key", "value", "updated_at"],
};
const MONEY_COLUMNS = [["orders", "price_minor"], ["orders", "provider_cost_minor"], ["orders", "refund_amount_minor"], ["catalogue_bundles", "cost_minor"]];

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

  it("has schema v1, with money in integer minor units", async () => {
    const handle = await target.create();
    try {
      const { rows } = await sql<{ table_name: string; column_name: string; data_type: string }>`
        select table_name, column_name, data_type from information_schema.columns where table_schema = current_schema()`.execute(handle.db);
      const columns = new Map(rows.map((r) => [`${r.table_name}.${r.column_name}`, r.data_type]));
      const missing = Object.entries(SCHEMA_V1).flatMap(([table, names]) => names.map((name) => `${table}.${name}`)).filter((key) => !columns.has(key));
      expect(missing).toEqual([]);
      for (const [table, column] of MONEY_COLUMNS) expect([`${table}.${column}`, columns.get(`${table}.${column}`)]).toEqual([`${table}.${column}`, "integer"]);
    } finally {
      await handle.close();
    }
  });

  it("stores Telegram ids beyond 32 bits, jsonb and timestamps", async () => {
    const handle = await target.create();
    try {
      const customer = await ensureCustomer(handle.db, { channel: "telegram", externalId: "7123456789" }, "tr");
      expect(await findByIdentity(handle.db, { channel: "telegram", externalId: "7123456789" })).toEqual(customer);
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
    rmSync(dataDir, { recursive: true, force: true });
  });
});

/** `npm run migrate`: the script itself, in a child process, as an operator runs it before a deploy. */
function runMigrate(env: Record<string, string>): { status: number | null; output: string } {
  const child = spawnSync(process.execPath, ["--import", "tsx", "src/migrate.ts"], {
    cwd: PROJECT_ROOT,
    encoding: "utf8",
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env },
  });
  return { status: child.status, output: `${child.stdout}${child.stderr}` };
}

describe("npm run migrate", () => {
  it("migrates the embedded database in DATA_DIR, then finds it up to date", async () => {
    const dataDir = path.join(mkdtempSync(path.join(tmpdir(), "esim-migrate-")), "data");
    const first = runMigrate({ DATA_DIR: dataDir });
    expect(first).toEqual({ status: 0, output: "Applied: 0001_initial, 0002_customer_identities, 0003_whatsapp, 0004_placing_ended, 0005_privacy, 0006_whatsapp_pending_claims, 0007_telegram_stars, 0008_paid_amounts, 0009_identities_created_at\n" });
    expect(runMigrate({ DATA_DIR: dataDir })).toEqual({ status: 0, output: "Database is up to date.\n" });
    const database = await openDatabase({ dataDir });
    try {
      expect(await migrationsApplied(database.db)).toBe(true);
    } finally {
      await database.close();
      rmSync(path.dirname(dataDir), { recursive: true, force: true });
    }
  });

  it.skipIf(!process.env.TEST_DATABASE_URL)("migrates a PostgreSQL database given by DATABASE_URL", async () => {
    const empty = await createEmptyPostgresDatabase(String(process.env.TEST_DATABASE_URL));
    try {
      expect(runMigrate({ DATABASE_URL: empty.url })).toEqual({ status: 0, output: "Applied: 0001_initial, 0002_customer_identities, 0003_whatsapp, 0004_placing_ended, 0005_privacy, 0006_whatsapp_pending_claims, 0007_telegram_stars, 0008_paid_amounts, 0009_identities_created_at\n" });
      expect(runMigrate({ DATABASE_URL: empty.url })).toEqual({ status: 0, output: "Database is up to date.\n" });
    } finally {
      await empty.drop();
    }
  });

  it("refuses a bad setting by name and touches nothing", () => {
    const dataDir = path.join(mkdtempSync(path.join(tmpdir(), "esim-migrate-bad-")), "data");
    const run = runMigrate({ DATA_DIR: dataDir, DATABASE_URL: "mysql://nope" });
    expect(run.status).not.toBe(0);
    expect(run.output).toMatch(/DATABASE_URL: expected a PostgreSQL URL/);
    expect(existsSync(dataDir)).toBe(false);
    rmSync(path.dirname(dataDir), { recursive: true, force: true });
  });
});
