export { openDatabase, openMemoryDatabase, type DatabaseHandle, type DatabaseKind } from "./database.ts";
export { DatabaseLockedError } from "./lock.ts";
export { migrateToLatest, migrationsApplied } from "./migrate.ts";
export type * from "./schema.ts";
