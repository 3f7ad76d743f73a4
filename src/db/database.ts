import { mkdirSync } from "node:fs";
import path from "node:path";
import type { PGlite } from "@electric-sql/pglite";
import { Kysely, PostgresDialect } from "kysely";
import { PGliteDialect } from "kysely-pglite-dialect";
import pg from "pg";
import { acquireDirectoryLock, type DirectoryLock } from "./lock.ts";
import type { Database } from "./schema.ts";

export type DatabaseKind = "postgres" | "pglite";

export interface DatabaseHandle {
  db: Kysely<Database>;
  kind: DatabaseKind;
  close(): Promise<void>;
}

const INT8_OID = 20;
const NUMERIC_OID = 1700;

// Ids, Telegram ids and sums are well inside Number's safe range; strings would leak everywhere.
const parseInt8 = (value: string): number => Number(value);

export interface OpenDatabaseOptions {
  databaseUrl?: string;
  dataDir: string;
  poolSize?: number;
  /** Told when PostgreSQL drops an idle connection (a restart, an admin's termination); the pool replaces it. */
  onConnectionError?: (error: Error) => void;
}

export async function openDatabase(options: OpenDatabaseOptions): Promise<DatabaseHandle> {
  if (options.databaseUrl) return openPostgres(options.databaseUrl, options.poolSize ?? 10, options.onConnectionError);
  return openPglite(path.join(options.dataDir, "pglite"));
}

function openPostgres(connectionString: string, max: number, onConnectionError: (error: Error) => void = () => {}): DatabaseHandle {
  const pool = new pg.Pool({
    connectionString,
    max,
    types: {
      getTypeParser: (oid: number, format?: "text" | "binary") =>
        oid === INT8_OID || oid === NUMERIC_OID ? parseInt8 : pg.types.getTypeParser(oid, format),
    } as typeof pg.types,
  });
  // Without a listener, pg re-throws an idle client's error as an uncaught exception and the process dies.
  pool.on("error", onConnectionError);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, kind: "postgres", close: () => db.destroy() };
}

async function openPglite(directory: string): Promise<DatabaseHandle> {
  mkdirSync(directory, { recursive: true });
  const lock: DirectoryLock = acquireDirectoryLock(directory);
  try {
    const client = await createPglite(directory);
    const db = new Kysely<Database>({ dialect: new PGliteDialect(client) });
    return {
      db,
      kind: "pglite",
      close: async () => {
        await db.destroy();
        lock.release();
      },
    };
  } catch (error) {
    lock.release();
    throw error;
  }
}

/** An in-memory PGlite for tests and benchmarks: no directory, no lock. */
export async function openMemoryDatabase(): Promise<DatabaseHandle> {
  const client = await createPglite();
  const db = new Kysely<Database>({ dialect: new PGliteDialect(client) });
  return { db, kind: "pglite", close: () => db.destroy() };
}

/** Loaded on first use: the embedded Postgres is some 50 MB of memory that a PostgreSQL deployment never needs. */
async function createPglite(directory?: string): Promise<PGlite> {
  const { PGlite } = await import("@electric-sql/pglite");
  const options = { parsers: { [INT8_OID]: parseInt8, [NUMERIC_OID]: parseInt8 } };
  return directory === undefined ? PGlite.create(options) : PGlite.create(directory, options);
}
