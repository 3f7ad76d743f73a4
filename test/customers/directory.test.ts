import type { KyselyPlugin } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createCustomerDirectory, type Identity } from "../../src/customers/index.ts";
import { testDatabaseTargets, type TestDatabase } from "../helpers/db.ts";

const telegram = (id: number): Identity => ({ channel: "telegram", externalId: String(id) });

describe.each(testDatabaseTargets())("customer directory on $kind", (target) => {
  let database: TestDatabase;
  let clock = 0;
  const now = () => clock;

  beforeEach(async () => {
    database = await target.create();
    clock = 1_000_000;
  });
  afterEach(async () => database?.close());

  const rows = () => database.db.selectFrom("customers").selectAll().execute();
  const identities = () => database.db.selectFrom("customer_identities").select(["channel", "external_id", "customer_id"]).execute();

  it("a sender who only looks around leaves no row; the first need creates one with its identity, in the channel's language", async () => {
    const customers = createCustomerDirectory(database.db, { now });
    expect(await customers.lookup(telegram(42))).toBeUndefined();
    expect(await rows()).toHaveLength(0);

    const created = await customers.ensure(telegram(42), "ru");
    expect(await rows()).toEqual([expect.objectContaining({ id: created.id, language: "ru" })]);
    expect(await identities()).toEqual([{ channel: "telegram", external_id: "42", customer_id: created.id }]);
    expect(await customers.lookup(telegram(42))).toEqual(created);
    expect(await customers.ensure(telegram(42), "en")).toEqual(created);
    expect(await rows()).toHaveLength(1);
  });

  it("a stranger's updates read nothing once the directory knows who has a row; a customer's row is read once", async () => {
    const existing = await createCustomerDirectory(database.db, { now }).ensure(telegram(50), "tr");
    const counted = countingQueries();
    const customers = createCustomerDirectory(database.db.withPlugin(counted.plugin), { now });

    expect(await customers.lookup(telegram(51))).toBeUndefined();
    const afterFirstUse = counted.queries();
    for (let id = 51; id < 100; id++) expect(await customers.lookup(telegram(id))).toBeUndefined();
    expect(counted.queries()).toBe(afterFirstUse);

    expect(await customers.lookup(telegram(50))).toEqual(existing);
    expect(await customers.lookup(telegram(50))).toEqual(existing);
    expect(counted.queries()).toBe(afterFirstUse + 1);
  });

  it("knows a customer created by another process once what it knew has gone stale", async () => {
    const here = createCustomerDirectory(database.db, { now, ttlMs: 30_000 });
    const elsewhere = createCustomerDirectory(database.db, { now, ttlMs: 30_000 });
    expect(await here.lookup(telegram(60))).toBeUndefined();
    const created = await elsewhere.ensure(telegram(61), "ru");
    expect(await here.lookup(telegram(61))).toBeUndefined();
    clock += 30_001;
    expect(await here.lookup(telegram(61))).toEqual(created);
  });

  it("current() reads past what it remembers: a row another process created moments ago", async () => {
    const here = createCustomerDirectory(database.db, { now });
    const elsewhere = createCustomerDirectory(database.db, { now });
    expect(await here.lookup(telegram(80))).toBeUndefined();
    const created = await elsewhere.ensure(telegram(80), "tr");
    expect(await here.lookup(telegram(80))).toBeUndefined();
    expect(await here.current(telegram(80))).toEqual(created);
    expect(await here.lookup(telegram(80))).toEqual(created);
  });

  it("a forgotten (erased) sender is a stranger again: no row, and nothing read for them", async () => {
    const counted = countingQueries();
    const customers = createCustomerDirectory(database.db.withPlugin(counted.plugin), { now });
    expect(await customers.lookup(telegram(70))).toBeUndefined();
    const created = await customers.ensure(telegram(70), "en");
    await database.db.deleteFrom("customer_identities").where("customer_id", "=", created.id).execute();
    customers.forget(telegram(70));
    const before = counted.queries();
    expect(await customers.lookup(telegram(70))).toBeUndefined();
    expect(counted.queries()).toBe(before);
  });

  it("finds a row another process created once what it knew has gone stale, and never creates a second", async () => {
    const here = createCustomerDirectory(database.db, { now, ttlMs: 30_000 });
    const elsewhere = createCustomerDirectory(database.db, { now, ttlMs: 30_000 });
    expect(await here.lookup(telegram(45))).toBeUndefined();
    const created = await elsewhere.ensure(telegram(45), "tr");
    clock += 30_001;
    expect(await here.lookup(telegram(45))).toEqual(created);
    const third = createCustomerDirectory(database.db, { now });
    expect((await third.ensure(telegram(45), "en")).id).toBe(created.id);
    expect(await rows()).toHaveLength(1);
  });

  it("two first contacts of one sender racing each other make one customer", async () => {
    const directories = Array.from({ length: 4 }, () => createCustomerDirectory(database.db, { now }));
    const created = await Promise.all(directories.map((directory) => directory.ensure(telegram(46), "en")));
    expect(new Set(created.map((customer) => customer.id)).size).toBe(1);
    expect(await rows()).toHaveLength(1);
    expect(await identities()).toHaveLength(1);
  });

  it("keeps one person's Telegram and WhatsApp identities apart", async () => {
    const customers = createCustomerDirectory(database.db, { now });
    const onTelegram = await customers.ensure(telegram(4915112345678), "en");
    const onWhatsApp = await customers.ensure({ channel: "whatsapp", externalId: "4915112345678" }, "en");
    expect(onWhatsApp.id).not.toBe(onTelegram.id);
    expect(await identities()).toHaveLength(2);
  });

  it("keeps a language change of this process, and sees another process's change once the row is stale", async () => {
    const here = createCustomerDirectory(database.db, { now, ttlMs: 30_000 });
    const elsewhere = createCustomerDirectory(database.db, { now, ttlMs: 30_000 });
    const customer = await here.ensure(telegram(44), "en");

    expect((await here.setLanguage(telegram(44), customer, "tr")).language).toBe("tr");
    expect((await here.lookup(telegram(44)))?.language).toBe("tr");
    expect((await rows())[0]?.language).toBe("tr");

    await elsewhere.setLanguage(telegram(44), await elsewhere.ensure(telegram(44), "en"), "ru");
    expect((await here.lookup(telegram(44)))?.language).toBe("tr");
    clock += 30_001;
    expect((await here.lookup(telegram(44)))?.language).toBe("ru");
  });

  it("holds at most maxEntries senders, dropping the oldest", async () => {
    const customers = createCustomerDirectory(database.db, { now, maxEntries: 2 });
    for (const id of [1, 2, 3]) await customers.ensure(telegram(id), "en");
    // The oldest was dropped, so a change made behind this process's back is read again for it only.
    await database.db.updateTable("customers").set({ language: "tr" }).execute();
    expect((await customers.lookup(telegram(1)))?.language).toBe("tr");
    expect((await customers.lookup(telegram(3)))?.language).toBe("en");
  });
});

/** Counts the statements run through a Kysely instance (the database boundary, not our code). */
function countingQueries(): { plugin: KyselyPlugin; queries(): number } {
  let count = 0;
  return {
    plugin: {
      transformQuery: (args) => {
        count++;
        return args.node;
      },
      transformResult: async (args) => args.result,
    },
    queries: () => count,
  };
}
