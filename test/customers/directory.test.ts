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

  const row = (telegramId: number) => database.db.selectFrom("customers").selectAll().where("telegram_id", "=", telegramId).executeTakeFirstOrThrow();

  it("creates the customer once, with the language Telegram reports, and reuses the row", async () => {
    const customers = createCustomerDirectory(database.db, { now });
    const first = await customers.resolve({ telegramId: 42, firstName: "Ada", languageCode: "ru-RU" });
    const again = await customers.resolve({ telegramId: 42, firstName: "Ada", languageCode: "en" });
    expect(again).toEqual(first);
    expect(await row(42)).toMatchObject({ id: first.id, language: "ru", first_name: "Ada" });
    expect(await database.db.selectFrom("customers").select("id").execute()).toHaveLength(1);
  });

  it("writes a changed name or username at once", async () => {
    const customers = createCustomerDirectory(database.db, { now });
    await customers.resolve({ telegramId: 43, firstName: "Ada" });
    const renamed = await customers.resolve({ telegramId: 43, firstName: "Ada", username: "ada_travels" });
    expect(renamed.username).toBe("ada_travels");
    expect((await row(43)).username).toBe("ada_travels");
  });

  it("keeps a language change of this process, and sees another process's change once the row is stale", async () => {
    const here = createCustomerDirectory(database.db, { now, ttlMs: 30_000 });
    const elsewhere = createCustomerDirectory(database.db, { now, ttlMs: 30_000 });
    const customer = await here.resolve({ telegramId: 44, firstName: "Ada", languageCode: "en" });

    expect((await here.setLanguage(customer, "tr")).language).toBe("tr");
    expect((await here.resolve({ telegramId: 44, firstName: "Ada" })).language).toBe("tr");
    expect((await row(44)).language).toBe("tr");

    await elsewhere.setLanguage(await elsewhere.resolve({ telegramId: 44, firstName: "Ada" }), "ru");
    expect((await here.resolve({ telegramId: 44, firstName: "Ada" })).language).toBe("tr");
    clock += 30_001;
    expect((await here.resolve({ telegramId: 44, firstName: "Ada" })).language).toBe("ru");
  });

  it("holds at most maxEntries rows, dropping the oldest", async () => {
    const customers = createCustomerDirectory(database.db, { now, maxEntries: 2 });
    await customers.resolve({ telegramId: 1, firstName: "A" });
    await customers.resolve({ telegramId: 2, firstName: "B" });
    await customers.resolve({ telegramId: 3, firstName: "C" });
    // The oldest was dropped, so a change made behind this process's back is read again for it only.
    await database.db.updateTable("customers").set({ language: "tr" }).execute();
    expect((await customers.resolve({ telegramId: 1, firstName: "A" })).language).toBe("tr");
    expect((await customers.resolve({ telegramId: 3, firstName: "C" })).language).toBe("en");
  });
});
