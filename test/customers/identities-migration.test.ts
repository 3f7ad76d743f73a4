import { Migrator, sql, type Kysely } from "kysely";
import { afterEach, describe, expect, it } from "vitest";
import { migrations } from "../../migrations/index.ts";
import { findByIdentity, identityOf } from "../../src/customers/index.ts";
import { openDatabase, openMemoryDatabase, type DatabaseHandle } from "../../src/db/index.ts";
import { migrateToLatest } from "../../src/db/migrate.ts";
import type { Database } from "../../src/db/schema.ts";
import { createEmptyPostgresDatabase } from "../helpers/db.ts";

const targets: { kind: string; open(): Promise<{ handle: DatabaseHandle; drop(): Promise<void> }> }[] = [
  { kind: "pglite", open: async () => ({ handle: await openMemoryDatabase(), drop: async () => {} }) },
];
const postgresUrl = process.env.TEST_DATABASE_URL;
if (postgresUrl) {
  targets.push({
    kind: "postgres",
    open: async () => {
      const empty = await createEmptyPostgresDatabase(postgresUrl);
      return { handle: await openDatabase({ databaseUrl: empty.url, dataDir: "" }), drop: empty.drop };
    },
  });
}

/** Rows as a shop of the Telegram-only era wrote them (schema 0001): Telegram ids in customers.telegram_id. */
async function seedTelegramEra(db: Kysely<unknown>): Promise<void> {
  await sql`insert into customers (id, telegram_id, language, first_name) values (1, 7123456789, 'ru', 'Anna'), (2, 42, 'tr', null), (3, 43, null, null)`.execute(db);
  await sql`select setval('customers_id_seq', 3)`.execute(db);
  await sql`
    insert into orders (id, customer_id, bundle_name, bundle_description, price_minor, currency, provider_cost_minor, provider_currency, status, delivered_at)
    values (10, 1, 'esim_1GB_7D_DE_V2', 'Germany 1 GB 7 days', 399, 'USD', 120, 'USD', 'delivered', now()),
           (11, 2, 'esim_1GB_7D_TR_V2', 'Türkiye 1 GB 7 days', 499, 'USD', 150, 'USD', 'pending_payment', null)`.execute(db);
  await sql`insert into esims (iccid, customer_id, order_id, matching_id, smdp_address) values ('8944000000000000011', 1, 10, 'JQ-1', 'rsp.example')`.execute(db);
  await sql`insert into order_events (order_id, type, detail) values (10, 'delivered', null)`.execute(db);
}

describe.each(targets)("migrating a Telegram-era database on $kind", (target) => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => close?.());

  it("gives every customer a Telegram identity and keeps every customer, order and eSIM", async () => {
    const { handle, drop } = await target.open();
    close = async () => {
      await handle.close();
      await drop();
    };
    const migrator = new Migrator({ db: handle.db as Kysely<unknown>, provider: { getMigrations: async () => migrations } });
    const first = await migrator.migrateTo("0001_initial");
    expect(first.error).toBeUndefined();
    await seedTelegramEra(handle.db as Kysely<unknown>);

    expect(await migrateToLatest(handle.db)).toContain("0002_customer_identities");
    const db: Kysely<Database> = handle.db;
    expect((await findByIdentity(db, { channel: "telegram", externalId: "7123456789" }))?.id).toBe(1);
    expect(await identityOf(db, 2)).toMatchObject({ channel: "telegram", externalId: "42", language: "tr" });
    expect(await identityOf(db, 3)).toMatchObject({ channel: "telegram", externalId: "43", language: null });
    expect(await db.selectFrom("customers").select(["id", "language"]).orderBy("id").execute()).toEqual([
      { id: 1, language: "ru" },
      { id: 2, language: "tr" },
      { id: 3, language: null },
    ]);
    expect(await db.selectFrom("orders").select(["id", "customer_id", "status"]).orderBy("id").execute()).toEqual([
      { id: 10, customer_id: 1, status: "delivered" },
      { id: 11, customer_id: 2, status: "pending_payment" },
    ]);
    expect(await db.selectFrom("esims").select(["iccid", "customer_id", "order_id"]).execute()).toEqual([{ iccid: "8944000000000000011", customer_id: 1, order_id: 10 }]);
    // A new customer after the migration gets the next id, not one of the migrated ones.
    const created = await db.insertInto("customers").values({ language: "en" }).returning("id").executeTakeFirstOrThrow();
    expect(created.id).toBe(4);
  });
});
