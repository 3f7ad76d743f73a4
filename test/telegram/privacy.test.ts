import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { customersOfTelegram } from "../helpers/customers.ts";
import { testDatabaseTargets, type TestDatabase } from "../helpers/db.ts";
import { buttonsOf, latestOrderOf, startBotHarness, textOf, type BotHarness } from "./harness.ts";

describe.each(testDatabaseTargets())("a customer erasing their data on $kind", (target) => {
  let database: TestDatabase;
  let h: BotHarness;
  beforeAll(async () => {
    database = await target.create();
    h = await startBotHarness({ db: database.db });
  });
  afterAll(async () => {
    await h?.close();
    await database?.close();
  });

  it("/deletemydata asks first, then erases how to reach them and their eSIMs' codes; the order stays, anonymous", async () => {
    const user = h.user(6_500, "en");
    const plans = await user.openPlans("France");
    const details = await user.press(plans, /^b:FR:/);
    const confirm = await user.press(details, /^k:FR:/);
    await user.press(confirm, /^p:FR:/);
    await user.waitFor((m) => textOf(m).includes("Your payment link is ready"));
    const order = await h.payLatestOrder(user);
    await h.fulfil();
    await user.waitFor((m) => m.photo !== undefined);

    const question = await user.send("/deletemydata");
    expect(textOf(question)).toContain("This erases your data");
    expect(await customersOfTelegram(database.db, user.profile.id)).toHaveLength(1);
    const done = await user.press(question, "🗑 Yes, erase my data");
    expect(textOf(done)).toContain("Your data is erased");

    expect(await customersOfTelegram(database.db, user.profile.id)).toEqual([]);
    expect(await database.db.selectFrom("esims").selectAll().where("customer_id", "=", order.customer_id).execute()).toEqual([]);
    const customer = await database.db.selectFrom("customers").selectAll().where("id", "=", order.customer_id).executeTakeFirstOrThrow();
    expect(customer).toMatchObject({ language: null, erased_at: expect.any(Date) });
    expect(await database.db.selectFrom("orders").select(["status", "price_minor"]).where("id", "=", order.id).executeTakeFirstOrThrow()).toEqual({ status: "delivered", price_minor: order.price_minor });

    // Writing again starts a new customer with nothing of the old one.
    await user.send("/start");
    const [fresh] = await customersOfTelegram(database.db, user.profile.id);
    expect(fresh?.id).not.toBe(order.customer_id);
    expect(textOf(await user.send("/myesims"))).toContain("You have no eSIMs yet");
    expect(buttonsOf(done)).toEqual([]);
  });

  it("is refused while an order of theirs is being fulfilled", async () => {
    const user = h.user(6_501, "en");
    const plans = await user.openPlans("France");
    const details = await user.press(plans, /^b:FR:/);
    const confirm = await user.press(details, /^k:FR:/);
    await user.press(confirm, /^p:FR:/);
    await user.waitFor((m) => textOf(m).includes("Your payment link is ready"));
    await h.payLatestOrder(user);
    const question = await user.send("/deletemydata");
    const answer = await user.press(question, "🗑 Yes, erase my data");
    expect(textOf(answer)).toContain("still being prepared");
    expect(await customersOfTelegram(database.db, user.profile.id)).toHaveLength(1);
    expect((await latestOrderOf(database.db, user.profile.id)).status).toBe("paid");
    await h.fulfil();
  });
});
