import { randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import pg from "pg";
import { openDatabase, openMemoryDatabase, type DatabaseHandle } from "../src/db/index.ts";
import { migrateToLatest } from "../src/db/migrate.ts";

/**
 * PostgreSQL when DATABASE_URL is set: a fresh database on that server, dropped afterwards, so every run starts
 * empty and leaves nothing behind. Otherwise an in-memory PGlite.
 */
export async function openBenchDatabase(databaseUrl: string | undefined): Promise<DatabaseHandle> {
  const handle = databaseUrl ? await freshPostgres(databaseUrl) : await openMemoryDatabase();
  try {
    await migrateToLatest(handle.db);
    return handle;
  } catch (error) {
    await handle.close();
    throw error;
  }
}

async function freshPostgres(serverUrl: string): Promise<DatabaseHandle> {
  const fresh = await freshPostgresDatabase(serverUrl);
  const handle = await openDatabase({ databaseUrl: fresh.url, dataDir: "" });
  return {
    ...handle,
    close: async () => {
      await handle.close();
      await fresh.drop();
    },
  };
}

/** An empty database on that server, for a process of its own; `drop` waits for its connections to go first. */
export async function freshPostgresDatabase(serverUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `bench_${randomBytes(6).toString("hex")}`;
  await adminQuery(serverUrl, `create database ${name}`);
  return {
    url: withDatabase(serverUrl, name),
    drop: async () => {
      await waitUntilDisconnected(serverUrl, name);
      await adminQuery(serverUrl, `drop database if exists ${name} with (force)`);
    },
  };
}

/**
 * pg's pool reports itself ended while its connections are still saying goodbye; dropping the database under
 * them would make those sockets fail with an unhandled error, so wait for the server to see them gone.
 */
async function waitUntilDisconnected(serverUrl: string, database: string): Promise<void> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const rows = await adminQuery(serverUrl, "select count(*)::int as n from pg_stat_activity where datname = $1", [database]);
    if (rows[0]?.n === 0) return;
    await sleep(20);
  }
}

async function adminQuery(url: string, text: string, values: unknown[] = []): Promise<{ n?: number }[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<{ n?: number }>(text, values)).rows;
  } finally {
    await client.end();
  }
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}
