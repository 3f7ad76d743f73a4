import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createCustomerDirectory } from "../../src/customers/index.ts";
import { testDatabaseTargets, type TestDatabase } from "../helpers/db.ts";

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
  const row = (telegramId: number) => database.db.selectFrom("customers").selectAll().where("telegram_id", "=", telegramId).executeTakeFirstOrThrow();

  it("a sender who only looks around leaves no row; the first need creates one, with Telegram's language", async () => {
    const customers = createCustomerDirectory(database.db, { now });
    expect(await customers.lookup({ telegramId: 42, firstName: "Ada", languageCode: "ru-RU" })).toBeUndefined();
    expect(await rows()).toHaveLength(0);

    const created = await customers.ensure({ telegramId: 42, firstName: "Ada", languageCode: "ru-RU" });
    expect(await row(42)).toMatchObject({ id: created.id, language: "ru", first_name: "Ada" });
    expect(await customers.lookup({ telegramId: 42, firstName: "Ada", languageCode: "en" })).toEqual(created);
    expect(await customers.ensure({ telegramId: 42, firstName: "Ada", languageCode: "en" })).toEqual(created);
    expect(await rows()).toHaveLength(1);
  });

  it("finds a row another process created once what it knew has gone stale", async () => {
    const here = createCustomerDirectory(database.db, { now, ttlMs: 30_000 });
    const elsewhere = createCustomerDirectory(database.db, { now, ttlMs: 30_000 });
    expect(await here.lookup({ telegramId: 45, firstName: "Ada" })).toBeUndefined();
    const created = await elsewhere.ensure({ telegramId: 45, firstName: "Ada", languageCode: "tr" });
    clock += 30_001;
    expect(await here.lookup({ telegramId: 45, firstName: "Ada" })).toEqual(created);
    // ensure never creates a second row, even from a process that still thinks there is none.
    const third = createCustomerDirectory(database.db, { now });
    expect((await third.ensure({ telegramId: 45, firstName: "Ada" })).id).toBe(created.id);
    expect(await rows()).toHaveLength(1);
  });

  it("writes a changed name or username of a known customer", async () => {
    const customers = createCustomerDirectory(database.db, { now });
    await customers.ensure({ telegramId: 43, firstName: "Ada" });
    const renamed = await customers.lookup({ telegramId: 43, firstName: "Ada", username: "ada_travels" });
    expect(renamed?.username).toBe("ada_travels");
    expect((await row(43)).username).toBe("ada_travels");
  });

  it("keeps a language change of this process, and sees another process's change once the row is stale", async () => {
    const here = createCustomerDirectory(database.db, { now, ttlMs: 30_000 });
    const elsewhere = createCustomerDirectory(database.db, { now, ttlMs: 30_000 });
    const customer = await here.ensure({ telegramId: 44, firstName: "Ada", languageCode: "en" });

    expect((await here.setLanguage(customer, "tr")).language).toBe("tr");
    expect((await here.lookup({ telegramId: 44, firstName: "Ada" }))?.language).toBe("tr");
    expect((await row(44)).language).toBe("tr");

    await elsewhere.setLanguage(await elsewhere.ensure({ telegramId: 44, firstName: "Ada" }), "ru");
    expect((await here.lookup({ telegramId: 44, firstName: "Ada" }))?.language).toBe("tr");
    clock += 30_001;
    expect((await here.lookup({ telegramId: 44, firstName: "Ada" }))?.language).toBe("ru");
  });

  it("holds at most maxEntries senders, dropping the oldest", async () => {
    const customers = createCustomerDirectory(database.db, { now, maxEntries: 2 });
    for (const [telegramId, firstName] of [[1, "A"], [2, "B"], [3, "C"]] as const) await customers.ensure({ telegramId, firstName });
    // The oldest was dropped, so a change made behind this process's back is read again for it only.
    await database.db.updateTable("customers").set({ language: "tr" }).execute();
    expect((await customers.lookup({ telegramId: 1, firstName: "A" }))?.language).toBe("tr");
    expect((await customers.lookup({ telegramId: 3, firstName: "C" }))?.language).toBe("en");
  });
});
