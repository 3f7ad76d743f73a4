import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDatabaseTargets, type TestDatabase } from "../helpers/db.ts";
import { allCallbackData, buttonsOf, startBotHarness, textOf, type BotHarness } from "./harness.ts";

describe.each(testDatabaseTargets())("finding a destination and a plan on $kind", (target) => {
  let database: TestDatabase;
  let h: BotHarness;
  let nextUser = 1_000;
  const newUser = (language: "en" | "ru" | "tr" = "en") => h.user(nextUser++, language);

  beforeAll(async () => {
    database = await target.create();
    h = await startBotHarness({ db: database.db, pageSize: 3 });
  });
  afterAll(async () => {
    await h?.close();
    await database?.close();
  });

  it("/start greets by name and shows the main menu", async () => {
    const user = h.user(999, "en", "Alice");
    const reply = await user.send("/start");
    expect(textOf(reply)).toContain("Hello, Alice!");
    expect(buttonsOf(reply).map((b) => b.text)).toEqual(["🛒 Buy an eSIM", "📱 My eSIMs", "❓ Help", "🌐 Language"]);
    const customer = await database.db.selectFrom("customers").selectAll().where("telegram_id", "=", 999).executeTakeFirstOrThrow();
    expect(customer.language).toBe("en");
  });

  it.each([
    ["en", "Germny", "🇩🇪 Germany: eSIM plans"],
    ["en", "DE", "🇩🇪 Germany: eSIM plans"],
    ["en", "🇩🇪", "🇩🇪 Germany: eSIM plans"],
    ["ru", "Германия", "🇩🇪 Германия: тарифы eSIM"],
    ["tr", "Almanya", "🇩🇪 Almanya: eSIM paketleri"],
    ["tr", "Türkiye", "🇹🇷 Türkiye: eSIM paketleri"],
    ["en", "turkey", "🇹🇷 Türkiye: eSIM plans"],
  ] as const)("(%s) typing %s shows the plans of the country", async (language, query, title) => {
    const reply = await newUser(language).send(query);
    expect(textOf(reply)).toContain(title);
    const plans = buttonsOf(reply).filter((b) => b.callback_data?.startsWith("b:"));
    expect(plans.length).toBeGreaterThan(0);
    for (const plan of plans) expect(plan.text).toMatch(/(\d+ (GB|ГБ|MB|МБ)|Unlimited|Безлимит|Sınırsız) · .+ · .*\d/);
  });

  it("an ambiguous name offers the candidates, and picking one shows its plans", async () => {
    const user = newUser();
    const reply = await user.send("Austr");
    expect(textOf(reply)).toContain("Did you mean one of these?");
    const names = buttonsOf(reply).map((b) => b.text);
    expect(names).toEqual(expect.arrayContaining(["🇦🇹 Austria", "🇦🇺 Australia"]));
    const plans = await user.press(reply, "🇦🇺 Australia");
    expect(textOf(plans)).toContain("🇦🇺 Australia: eSIM plans");
    expect(plans.message_id).toBe(reply.message_id);
  });

  it("nothing found: says so and offers popular destinations", async () => {
    const reply = await newUser().send("Qwxyzzy");
    expect(textOf(reply)).toContain("I could not find a country called “Qwxyzzy”");
    const buttons = buttonsOf(reply).map((b) => b.text);
    expect(buttons).toEqual(expect.arrayContaining(["🇹🇷 Türkiye", "🇩🇪 Germany"]));
    expect(buttons).toContain("🗺 Browse by region");
  });

  it("browses popular destinations and regions with flags", async () => {
    const user = newUser();
    const menu = await user.send("/start");
    const buy = await user.press(menu, "🛒 Buy an eSIM");
    expect(textOf(buy)).toContain("Where are you travelling?");
    const regions = await user.press(buy, "🗺 Browse by region");
    expect(textOf(regions)).toContain("Choose a region:");
    expect(buttonsOf(regions).map((b) => b.text)).toEqual(expect.arrayContaining(["Europe", "Asia", "Oceania"]));
    const europe = await user.press(regions, "Europe");
    expect(textOf(europe)).toMatch(/^Europe: choose a country \(1\/\d+\)/);
    const countries = buttonsOf(europe).filter((b) => b.callback_data?.startsWith("o:"));
    expect(countries.length).toBe(6);
    for (const country of countries) expect(country.text).toMatch(/^\p{Regional_Indicator}{2} \S/u);
    // Every message of this walk was the same one, edited in place.
    expect(europe.message_id).toBe(menu.message_id);
  });

  it("paginates the plans by editing the same message, local first then regional then global", async () => {
    const user = newUser();
    const first = await user.send("Germany");
    const count = h.catalogue.offersForCountry("DE").length;
    const pages = Math.ceil(count / 3);
    expect(textOf(first)).toContain(`(1/${pages})`);
    const seen: string[] = [];
    let page = first;
    for (let index = 1; index <= pages; index++) {
      expect(textOf(page)).toContain(`(${index}/${pages})`);
      seen.push(...buttonsOf(page).filter((b) => b.callback_data?.startsWith("b:")).map((b) => b.text));
      if (index < pages) page = await user.press(page, "Next ›");
      expect(page.message_id).toBe(first.message_id);
    }
    expect(seen).toHaveLength(count);
    const firstRegional = seen.findIndex((text) => text.startsWith("🌍"));
    const firstGlobal = seen.findIndex((text) => text.startsWith("🌐"));
    expect(seen[0]).toMatch(/^🇩🇪/);
    expect(firstRegional).toBeGreaterThan(0);
    expect(firstGlobal).toBeGreaterThan(firstRegional);
    expect(seen.find((text) => text.startsWith("🌍"))).toMatch(/^🌍 Europe \(\d+\) · /);
    const back = await user.press(page, "‹ Back");
    expect(textOf(back)).toContain(`(${pages - 1}/${pages})`);
  });

  it("shows the details and the confirmation with the catalogue price", async () => {
    const user = newUser();
    const plans = await user.send("Germany");
    const offer = h.catalogue.offersForCountry("DE")[0]!;
    const planButton = buttonsOf(plans).find((b) => b.callback_data?.startsWith("b:"))!;
    const details = await user.press(plans, planButton.text);
    const price = `$${(offer.priceMinor / 100).toFixed(2)}`;
    expect(textOf(details)).toContain("📦 Data: ");
    expect(textOf(details)).toContain(`📅 Valid for: ${offer.durationDays} days`);
    expect(textOf(details)).toContain("🌍 Works in: Germany");
    expect(textOf(details)).toContain(`💳 Price: ${price}`);
    const confirm = await user.press(details, `🛒 Buy for ${price}`);
    expect(textOf(confirm)).toContain("📍 Destination: 🇩🇪 Germany");
    expect(textOf(confirm)).toContain("must support eSIM and be carrier-unlocked");
    expect(buttonsOf(confirm).map((b) => b.text)).toEqual([`✅ Pay ${price}`, "✏️ Change"]);
    const change = await user.press(confirm, "✏️ Change");
    expect(textOf(change)).toContain("🇩🇪 Germany: eSIM plans");
  });

  it("a regional plan lists its coverage in the customer's language, truncated", async () => {
    const user = newUser("ru");
    const regional = h.catalogue.offersForCountry("DE").find((offer) => offer.scope === "regional")!;
    let page = await user.send("Германия");
    let button = buttonsOf(page).find((b) => b.text.startsWith("🌍"));
    while (!button) {
      page = await user.press(page, "Далее ›");
      button = buttonsOf(page).find((b) => b.text.startsWith("🌍"));
    }
    expect(button.text).toMatch(/^🌍 Европа \(\d+\) · /);
    const details = await user.press(page, button.text);
    expect(textOf(details)).toMatch(/🌍 Где работает: Германия, .+ и ещё \d+/);
    expect(textOf(details)).toContain(`${regional.countries.length} стр`);
  });

  it("never sends callback data over 64 bytes", () => {
    const data = Array.from({ length: nextUser - 1_000 }, (_, i) => allCallbackData(h.telegram, 1_000 + i)).flat();
    expect(data.length).toBeGreaterThan(50);
    for (const item of data) expect(Buffer.byteLength(item)).toBeLessThanOrEqual(64);
  });
});
