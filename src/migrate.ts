import { ConfigError, parseConfig } from "./config.ts";
import { openDatabase } from "./db/index.ts";
import { migrateToLatest } from "./db/migrate.ts";
import { loadEnvironment } from "./env.ts";

try {
  const config = parseConfig(loadEnvironment());
  const database = await openDatabase({ databaseUrl: config.database.url, dataDir: config.database.dataDir });
  try {
    const applied = await migrateToLatest(database.db);
    console.log(applied.length > 0 ? `Applied: ${applied.join(", ")}` : "Database is up to date.");
  } finally {
    await database.close();
  }
} catch (error) {
  console.error(error instanceof ConfigError || error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
}
