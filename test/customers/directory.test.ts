import { sql, type KyselyPlugin } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createCustomerDirectory, type CustomerDirectory, type Identity } from "../../src/customers/index.ts";
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

    await untilStrangersCostNothing(customers, counted, 51);
    const before = counted.queries();
    for (let id = 52; id < 100; id++) expect(await customers.lookup(telegram(id))).toBeUndefined();
    expect(counted.queries()).toBe(before);

    expect(await customers.lookup(telegram(50))).toEqual(existing);
    expect(await customers.lookup(telegram(50))).toEqual(existing);
    expect(counted.queries()).toBe(before + 1);
  });

  it("knows a customer created by another process once what it knew has gone stale (the next top-up)", async () => {
    const counted = countingQueries();
    const here = createCustomerDirectory(database.db.withPlugin(counted.plugin), { now, ttlMs: 30_000 });
    const elsewhere = createCustomerDirectory(database.db, { now, ttlMs: 30_000 });
    await untilStrangersCostNothing(here, counted, 60);
    const created = await elsewhere.ensure(telegram(61), "ru");
    expect(await here.lookup(telegram(61))).toBeUndefined();
    clock += 30_001;
    expect(await eventually(() => here.lookup(telegram(61)), created)).toEqual(created);
  });

  // On PGlite's one connection a hung statement holds every other: only a pool can show the others going on.
  it.skipIf(target.kind === "pglite")("never waits on the set: lookups are answered (by reading) while its first load hangs, and use it once it loads", async () => {
    const alice = await createCustomerDirectory(database.db, { now }).ensure(telegram(1), "ru");
    let release: () => void = () => {};
    const hanging = new Promise<void>((resolve) => (release = resolve));
    const counted = countingQueries();
    // The set's first read (the database clock, then the ids) waits until released; every other statement runs.
    const plugin: KyselyPlugin = { ...counted.plugin, transformResult: async (args) => ("now" in (args.result.rows[0] ?? {}) ? hanging.then(() => args.result) : args.result) };
    const here = createCustomerDirectory(database.db.withPlugin(plugin), { now });
    expect(await within(here.lookup(telegram(1)), 1_000)).toEqual(alice);
    expect(await within(here.lookup(telegram(2)), 1_000)).toBeUndefined();
    release();
    await untilStrangersCostNothing(here, counted, 3);
    expect(await here.lookup(telegram(1))).toEqual(alice);
  });

  it("a first load that fails is tried again; meanwhile lookups read", async () => {
    const alice = await createCustomerDirectory(database.db, { now }).ensure(telegram(7), "tr");
    let failing = true;
    const counted = countingQueries();
    const plugin: KyselyPlugin = {
      ...counted.plugin,
      transformResult: async (args) => {
        if (failing && "now" in (args.result.rows[0] ?? {})) throw new Error("connection reset");
        return args.result;
      },
    };
    const here = createCustomerDirectory(database.db.withPlugin(plugin), { now });
    expect(await here.lookup(telegram(8))).toBeUndefined();
    await new Promise((resolve) => setTimeout(resolve, 50));
    failing = false;
    clock += 30_001;
    await untilStrangersCostNothing(here, counted, 9);
    expect(await here.lookup(telegram(7))).toEqual(alice);
  });

  it("a row whose transaction began long before the last top-up is found by the next full reload", async () => {
    const counted = countingQueries();
    const here = createCustomerDirectory(database.db.withPlugin(counted.plugin), { now });
    await untilStrangersCostNothing(here, counted, 5);
    const { id } = await database.db.insertInto("customers").values({ language: "tr" }).returning("id").executeTakeFirstOrThrow();
    await sql`insert into customer_identities (channel, external_id, customer_id, created_at) values ('telegram', '6', ${id}, now() - interval '90 seconds')`.execute(database.db);
    clock += 30_001;
    await untilStrangersCostNothing(here, counted, 5);
    expect(await here.lookup(telegram(6))).toBeUndefined();
    clock += 10 * 60_000;
    expect((await eventually(() => here.lookup(telegram(6)), expect.objectContaining({ language: "tr" })))?.language).toBe("tr");
  });

  it("a wall clock stepped back does not keep a stale set trusted: another process's customer shows after the next read", async () => {
    const counted = countingQueries();
    const here = createCustomerDirectory(database.db.withPlugin(counted.plugin), { now, ttlMs: 30_000 });
    const elsewhere = createCustomerDirectory(database.db, { now, ttlMs: 30_000 });
    await untilStrangersCostNothing(here, counted, 1);
    clock -= 60 * 60_000;
    const created = await elsewhere.ensure(telegram(2), "ru");
    clock += 10 * 60_000;
    expect(await eventually(() => here.lookup(telegram(2)), created)).toEqual(created);
  });

  it.skipIf(target.kind === "pglite")("a slow top-up is trusted from when it began to read, not from when its answer came", async () => {
    const counted = countingQueries();
    let hold = false;
    const waiting: (() => void)[] = [];
    const topUps = new WeakSet<object>();
    // Holds each top-up's answer (the ids created since the last read) until released; every other statement runs.
    const plugin: KyselyPlugin = {
      transformQuery: (args) => {
        counted.plugin.transformQuery(args);
        if (JSON.stringify(args.node).includes('"created_at"')) topUps.add(args.queryId);
        return args.node;
      },
      transformResult: async (args) => {
        if (hold && topUps.has(args.queryId)) await new Promise<void>((resolve) => waiting.push(resolve));
        return args.result;
      },
    };
    const here = createCustomerDirectory(database.db.withPlugin(plugin), { now, ttlMs: 30_000 });
    const elsewhere = createCustomerDirectory(database.db, { now, ttlMs: 30_000 });
    await untilStrangersCostNothing(here, counted, 1);
    hold = true;
    clock += 30_001;
    expect(await here.lookup(telegram(9))).toBeUndefined();
    for (let i = 0; i < 100 && waiting.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    const created = await elsewhere.ensure(telegram(2), "ru");
    clock += 80_000;
    waiting.shift()?.();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await here.lookup(telegram(3))).toBeUndefined();
    clock += 85_000;
    const answer = await here.lookup(telegram(2));
    for (const release of waiting) release();
    hold = false;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(answer).toEqual(created);
  });

  it("a wall clock stepped back does not keep a remembered row: another process's language change is seen", async () => {
    const here = createCustomerDirectory(database.db, { now, ttlMs: 30_000 });
    const elsewhere = createCustomerDirectory(database.db, { now, ttlMs: 30_000 });
    const customer = await here.ensure(telegram(90), "en");
    clock -= 60 * 60_000;
    await elsewhere.setLanguage(telegram(90), customer, "ru");
    expect((await here.lookup(telegram(90)))?.language).toBe("ru");
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
    await untilStrangersCostNothing(customers, counted, 71);
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
    expect(await eventually(() => here.lookup(telegram(45)), created)).toEqual(created);
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

type Counted = ReturnType<typeof countingQueries>;

/** Looks a stranger up until a lookup runs no statement: the directory's set of identities has loaded. */
async function untilStrangersCostNothing(customers: CustomerDirectory, counted: Counted, strangerId: number): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const before = counted.queries();
    expect(await customers.lookup(telegram(strangerId))).toBeUndefined();
    if (counted.queries() === before) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error("the directory never stopped reading for a stranger");
}

/** The lookup's answer once it matches (the set's background top-up has landed), or its last answer after 2 s. */
async function eventually<T>(look: () => Promise<T>, expected: unknown): Promise<T> {
  let answer = await look();
  for (let attempt = 0; attempt < 200 && !matches(answer, expected); attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    answer = await look();
  }
  return answer;
}

function matches(actual: unknown, expected: unknown): boolean {
  try {
    expect(actual).toEqual(expected);
    return true;
  } catch {
    return false;
  }
}

function within<T>(promise: Promise<T>, ms: number): Promise<T | "timed out"> {
  return Promise.race([promise, new Promise<"timed out">((resolve) => setTimeout(() => resolve("timed out"), ms))]);
}
