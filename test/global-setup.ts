import { createHash } from "node:crypto";
import { rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { Kysely } from "kysely";
import { PGliteDialect } from "kysely-pglite-dialect";
import { migrations } from "../migrations/index.ts";
import { migrateToLatest } from "../src/db/migrate.ts";

/**
 * Creating an embedded database runs initdb (seconds of CPU) and every migration; every test file needs one. It is
 * done once here, the migrated data directory saved as a tarball, and each test file's template loads it
 * (test/helpers/db.ts reads PGLITE_TEMPLATE; the test processes inherit it).
 */
export default async function setup(): Promise<() => void> {
  const name = createHash("sha256").update(Object.keys(migrations).join(",")).digest("hex").slice(0, 12);
  const file = path.join(tmpdir(), `esim-pglite-template-${process.pid}-${name}.tar`);
  const pglite = await PGlite.create();
  const db = new Kysely<unknown>({ dialect: new PGliteDialect(pglite) });
  await migrateToLatest(db);
  const tarball = await pglite.dumpDataDir("none");
  writeFileSync(file, Buffer.from(await tarball.arrayBuffer()));
  await db.destroy();
  process.env.PGLITE_TEMPLATE = file;
  return () => rmSync(file, { force: true });
}
