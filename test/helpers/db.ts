import { createHash, randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import { Kysely } from "kysely";
import { PGliteDialect } from "kysely-pglite-dialect";
import pg from "pg";
import { migrations } from "../../migrations/index.ts";
import { openDatabase, type DatabaseHandle, type DatabaseKind } from "../../src/db/database.ts";
import { migrateToLatest } from "../../src/db/migrate.ts";
import type { Database } from "../../src/db/schema.ts";

export interface TestDatabaseTarget {
  kind: DatabaseKind;
  /** A fresh, migrated, empty database; close it after the test. */
  create(): Promise<TestDatabase>;
}

export interface TestDatabase extends DatabaseHandle {
  /** Set for PostgreSQL targets: lets a child process open the same database. */
  url?: string;
}

/** PGlite always; the real PostgreSQL too when TEST_DATABASE_URL is set (CI sets it). */
export function testDatabaseTargets(): TestDatabaseTarget[] {
  const targets: TestDatabaseTarget[] = [{ kind: "pglite", create: createPgliteDatabase }];
  const url = process.env.TEST_DATABASE_URL;
  if (url) targets.push({ kind: "postgres", create: () => createPostgresDatabase(url) });
  return targets;
}

let pgliteTemplate: Promise<PGlite> | undefined;

// initdb costs seconds; loading the migrated data directory the global set-up saved, or cloning a template, a
// fraction of that.
async function migratedPgliteTemplate(): Promise<PGlite> {
  pgliteTemplate ??= (async () => {
    const saved = process.env.PGLITE_TEMPLATE;
    if (saved && existsSync(saved)) return PGlite.create({ parsers: int8Parsers, loadDataDir: new Blob([readFileSync(saved)]) });
    const template = await PGlite.create({ parsers: int8Parsers });
    const db = new Kysely<unknown>({ dialect: new PGliteDialect(template) });
    await migrateToLatest(db);
    return template;
  })();
  return pgliteTemplate;
}

const int8Parsers = { 20: (v: string) => Number(v), 1700: (v: string) => Number(v) };

/** Emptied databases ready for the next test of this process: a clone costs about a second, emptying one milliseconds. */
const idlePglites: PGlite[] = [];

async function createPgliteDatabase(): Promise<TestDatabase> {
  const client = idlePglites.pop() ?? ((await (await migratedPgliteTemplate()).clone()) as PGlite);
  const lease = new PgliteLease(client);
  const db = new Kysely<Database>({ dialect: new PGliteDialect(lease.asPglite()) });
  return {
    db,
    kind: "pglite",
    close: async () => {
      await db.destroy();
      if (await lease.empty()) idlePglites.push(client);
      else await client.close();
    },
  };
}

/**
 * One test's use of a pooled PGlite. Once the test closes it, queries still arriving (a worker the test did not
 * stop) fail as on a closed database instead of landing in the next test's; the tables are then emptied.
 */
class PgliteLease {
  private closed = false;
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(private readonly client: PGlite) {}

  asPglite(): PGlite {
    return {
      query: (text: string, params?: unknown[]) => {
        if (this.closed) return Promise.reject(new Error("PGlite is closed"));
        const running = this.client.query(text, params);
        this.inFlight.add(running);
        void running.finally(() => this.inFlight.delete(running)).catch(() => undefined);
        return running;
      },
      close: async () => {
        this.closed = true;
      },
    } as unknown as PGlite;
  }

  /** Waits for what is still running, then empties every table; false when the database cannot be reused. */
  async empty(): Promise<boolean> {
    this.closed = true;
    try {
      await Promise.allSettled([...this.inFlight]);
      await this.client.exec("rollback").catch(() => undefined);
      const tables = await this.client.query<{ name: string }>(
        "select quote_ident(tablename) as name from pg_tables where schemaname = 'public' and tablename not like 'kysely_migration%'",
      );
      await this.client.exec(`truncate ${tables.rows.map((t) => t.name).join(", ")} restart identity cascade`);
      return true;
    } catch {
      return false;
    }
  }
}

let postgresTemplate: Promise<string> | undefined;

/**
 * A migrated database to copy: `create database … template` copies files, far cheaper than running every migration
 * per test. Named after the migrations, so a new migration makes a new template; test processes creating it at the
 * same moment take turns under an advisory lock.
 */
function migratedPostgresTemplate(adminUrl: string): Promise<string> {
  postgresTemplate ??= (async () => {
    const name = `tmpl_${createHash("sha256").update(Object.keys(migrations).join(",")).digest("hex").slice(0, 12)}`;
    const client = new pg.Client({ connectionString: adminUrl });
    await client.connect();
    try {
      await client.query("select pg_advisory_lock(4242)");
      const exists = await client.query("select 1 from pg_database where datname = $1", [name]);
      if (exists.rowCount === 0) {
        await client.query(`create database ${name}_building`);
        const building = await openDatabase({ databaseUrl: withDatabase(adminUrl, `${name}_building`), dataDir: "", poolSize: 1 });
        await migrateToLatest(building.db);
        await building.close();
        await client.query(`alter database ${name}_building rename to ${name}`);
      }
    } finally {
      await client.query("select pg_advisory_unlock(4242)").catch(() => undefined);
      await client.end();
    }
    return name;
  })();
  return postgresTemplate;
}

async function createPostgresDatabase(adminUrl: string): Promise<TestDatabase> {
  const template = await migratedPostgresTemplate(adminUrl);
  const name = `t_${randomBytes(6).toString("hex")}`;
  await adminQuery(adminUrl, `create database ${name} template ${template}`);
  const url = withDatabase(adminUrl, name);
  const handle = await openDatabase({ databaseUrl: url, dataDir: "", poolSize: 10 });
  return {
    ...handle,
    url,
    close: async () => {
      await handle.close();
      await adminQuery(adminUrl, `drop database if exists ${name} with (force)`);
    },
  };
}

/** A new PostgreSQL database with nothing in it (not even migrations), for tests of migrating itself. */
export async function createEmptyPostgresDatabase(adminUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `t_${randomBytes(6).toString("hex")}`;
  await adminQuery(adminUrl, `create database ${name}`);
  return { url: withDatabase(adminUrl, name), drop: () => adminQuery(adminUrl, `drop database if exists ${name} with (force)`) };
}

async function adminQuery(url: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}
