import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundleKey } from "../../src/copy/index.ts";
import type { SimMessage } from "@esim-shop/telegram-sim";
import { testDatabaseTargets, type TestDatabase } from "../helpers/db.ts";
import { buttonsOf, latestOrderOf, startBotHarness, textOf, type BotHarness, type HarnessUser } from "./harness.ts";

const PAGE_SIZE = 2;

describe.each(testDatabaseTargets())("/myesims with several eSIMs on $kind", (target) => {
  let database: TestDatabase;
  let h: BotHarness;
  let user: HarnessUser;
  /** ICCIDs in the order they were bought. */
  const bought: { iccid: string; description: string; unlimited: boolean }[] = [];

  /** Finds the plan's button on the country's plan pages, as a customer would, and buys and receives it. */
  async function buy(query: string, iso2: string, bundleName: string): Promise<void> {
    const data = `b:${iso2}:${bundleKey(bundleName)}`;
    let page = await user.openPlans(query);
    while (!buttonsOf(page).some((b) => b.callback_data === data)) page = await user.press(page, "Next ›");
    const confirm = await user.press(await user.press(page, data), /^🛒/);
    const before = user.lastMessageId();
    await user.press(confirm, /^✅/);
    await user.waitFor((m) => m.message_id > before && buttonsOf(m).some((b) => b.url !== undefined));
    const paidAt = user.lastMessageId();
    await h.payLatestOrder(user);
    await h.fulfil();
    await user.waitFor((m) => m.message_id > paidAt && m.photo !== undefined);
    const order = await latestOrderOf(database.db, user.profile.id);
    expect(order.status).toBe("delivered");
    const esim = await database.db.selectFrom("esims").select("iccid").where("order_id", "=", order.id).executeTakeFirstOrThrow();
    bought.push({ iccid: esim.iccid, description: order.bundle_description, unlimited: h.catalogue.bundle(bundleName)!.unlimited });
  }

  const offerOf = (iso2: string, predicate: (unlimited: boolean) => boolean) =>
    h.catalogue.offersForCountry(iso2).find((offer) => offer.scope === "local" && predicate(offer.unlimited))!;

  beforeAll(async () => {
    database = await target.create();
    // The full catalogue: Germany has more plans than one compatibility round asks eSIM Go about.
    h = await startBotHarness({ db: database.db, pageSize: PAGE_SIZE, catalogueSize: "full" });
    user = h.user(3_000, "en");
    await buy("Germany", "DE", offerOf("DE", (unlimited) => !unlimited).name);
    await buy("France", "FR", offerOf("FR", (unlimited) => !unlimited).name);
    await buy("Germany", "DE", offerOf("DE", (unlimited) => unlimited).name);
  });
  afterAll(async () => {
    await h?.close();
    await database?.close();
  });

  const lineOf = (index: number, esim: (typeof bought)[number]) => `${index}. ${esim.description} · …${esim.iccid.slice(-4)}`;

  it("lists the eSIMs newest first, a page at a time, editing the same message", async () => {
    const [oldest, middle, newest] = bought as [(typeof bought)[number], (typeof bought)[number], (typeof bought)[number]];
    const first = await user.send("/myesims");
    expect(textOf(first)).toContain("Your eSIMs (3), newest first (1/2)");
    const text = textOf(first);
    expect(text.indexOf(lineOf(1, newest))).toBeGreaterThan(-1);
    expect(text.indexOf(lineOf(2, middle))).toBeGreaterThan(text.indexOf(lineOf(1, newest)));
    expect(text).not.toContain(oldest.iccid.slice(-4));
    expect(text).toContain(": unlimited data");
    expect(text).toMatch(/: .+ left of .+/);

    const second = await user.press(first, "Next ›");
    expect(second.message_id).toBe(first.message_id);
    expect(textOf(second)).toContain("(2/2)");
    expect(textOf(second)).toContain(lineOf(3, oldest));
    expect(buttonsOf(second).filter((b) => b.callback_data?.startsWith("e:")).map((b) => b.callback_data)).toEqual([`e:${oldest.iccid}`]);
    const back = await user.press(second, "‹ Back");
    expect(textOf(back)).toContain("(1/2)");
  });

  it("shows the remaining data of a started plan, live from eSIM Go, and no days left (v2.4 sends no end time)", async () => {
    const oldest = bought[0]!;
    await h.esimgo.control.advanceUsage(oldest.iccid, 30);
    const live = h.esimgo.control.esims().find((e) => e.iccid === oldest.iccid)!.bundles[0]!;
    const list = await user.send("/myesims");
    const page2 = await user.press(list, "Next ›");
    const card = await user.press(page2, `e:${oldest.iccid}`);
    const refreshed = await user.press(card, "🔄 Refresh usage");
    const remainingMb = Math.round(live.remainingBytes! / 1_000_000);
    const expected = remainingMb >= 1000 ? `${(remainingMb / 1000).toFixed(1).replace(/\.0$/, "")} GB` : `${remainingMb} MB`;
    expect(textOf(refreshed)).toContain(`${expected} left of`);
    // GET /esims/{iccid}/bundles has startTime/endTime only from v2.5 on: nothing to count days from.
    expect(textOf(refreshed)).not.toMatch(/days? left/);
  });

  async function topUpScreen(esim: (typeof bought)[number]): Promise<SimMessage> {
    const list = await user.send("/myesims");
    let page = list;
    while (!buttonsOf(page).some((b) => b.callback_data === `e:${esim.iccid}`)) page = await user.press(page, "Next ›");
    const card = await user.press(page, `e:${esim.iccid}`);
    return user.press(card, "➕ Top up");
  }

  it("offers only top-ups eSIM Go says fit the eSIM: unlimited plans for an unlimited eSIM", async () => {
    const unlimited = bought.find((esim) => esim.unlimited)!;
    const offers = await topUpScreen(unlimited);
    const plans = buttonsOf(offers).filter((b) => b.callback_data?.startsWith("tk:"));
    const offers_ = h.catalogue.offersForCountry("DE");
    const expected = offers_.filter((offer) => offer.unlimited);
    // The unlimited plans sort after twenty others: still found, and the regional ones too.
    expect(offers_.findIndex((offer) => offer.unlimited && offer.scope === "regional")).toBeGreaterThanOrEqual(20);
    expect(expected.length).toBeGreaterThan(PAGE_SIZE * 2);
    expect(plans.length).toBe(PAGE_SIZE * 2);
    for (const plan of plans) expect(plan.text).toMatch(/Unlimited/);
    expect(plans.some((plan) => plan.text.startsWith("🌍 Europe"))).toBe(true);
  });

  it("and plans with a data allowance for an eSIM with one", async () => {
    const limited = bought[0]!;
    const asked = () => h.esimgo.control.requestCount("GET /esims/{iccid}/compatible/{bundle}");
    const askedBefore = asked();
    const offers = await topUpScreen(limited);
    const plans = buttonsOf(offers).filter((b) => b.callback_data?.startsWith("tk:"));
    expect(plans.length).toBe(PAGE_SIZE * 2);
    for (const plan of plans) expect(plan.text).not.toMatch(/Unlimited/);
    // A screenful of fitting plans was found with a screenful of questions: eSIM Go is not asked about all 41.
    expect(asked() - askedBefore).toBe(PAGE_SIZE * 2);
  });
});
