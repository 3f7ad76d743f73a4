import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDatabaseTargets, type TestDatabase } from "../helpers/db.ts";
import { bundleKey, translatorFor } from "../../src/copy/index.ts";
import { createScreenCache, offersScreen } from "../../src/screens/index.ts";
import { allCallbackData, buttonsOf, REFUND_POLICY, startBotHarness, textOf, type BotHarness } from "./harness.ts";
import { customerOfTelegram } from "../helpers/customers.ts";

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
    const customer = await customerOfTelegram(database.db, 999);
    expect(customer.language).toBe("en");
  });

  it.each([
    ["en", "group", "Hello, Ann!", "🛒 Buy an eSIM"],
    ["ru", "promo_summer-25", "Здравствуйте, Ann!", "🛒 Купить eSIM"],
    ["tr", "", "Merhaba Ann!", "🛒 eSIM satın al"],
  ] as const)("(%s) /start with the deep-link payload “%s” greets and shows the menu in the customer's language", async (language, payload, hello, buy) => {
    const user = h.user(nextUser++, language, "Ann");
    const reply = await user.send(payload ? `/start ${payload}` : "/start");
    expect(textOf(reply)).toContain(hello);
    expect(buttonsOf(reply).map((b) => b.callback_data)).toEqual(["n:buy", "n:esims", "n:help", "n:lang"]);
    expect(buttonsOf(reply)[0]!.text).toBe(buy);
    const customer = await customerOfTelegram(database.db, user.profile.id);
    expect(customer.language).toBe(language);
  });

  it.each([
    ["en", "Germny", "🇩🇪 Germany: how long is your trip?", "🇩🇪 Germany: eSIM plans"],
    ["en", "DE", "🇩🇪 Germany: how long is your trip?", "🇩🇪 Germany: eSIM plans"],
    ["en", "deu", "🇩🇪 Germany: how long is your trip?", "🇩🇪 Germany: eSIM plans"],
    ["en", "Turkiye", "🇹🇷 Türkiye: how long is your trip?", "🇹🇷 Türkiye: eSIM plans"],
    ["ru", "Турция", "🇹🇷 Турция: на сколько вы едете?", "🇹🇷 Турция: тарифы eSIM"],
    ["ru", "Германя", "🇩🇪 Германия: на сколько вы едете?", "🇩🇪 Германия: тарифы eSIM"],
    ["tr", "Almanyaa", "🇩🇪 Almanya: seyahatiniz ne kadar sürecek?", "🇩🇪 Almanya: eSIM paketleri"],
    ["en", "🇩🇪", "🇩🇪 Germany: how long is your trip?", "🇩🇪 Germany: eSIM plans"],
    ["ru", "Германия", "🇩🇪 Германия: на сколько вы едете?", "🇩🇪 Германия: тарифы eSIM"],
    ["tr", "Almanya", "🇩🇪 Almanya: seyahatiniz ne kadar sürecek?", "🇩🇪 Almanya: eSIM paketleri"],
    ["tr", "Türkiye", "🇹🇷 Türkiye: seyahatiniz ne kadar sürecek?", "🇹🇷 Türkiye: eSIM paketleri"],
    ["en", "turkey", "🇹🇷 Türkiye: how long is your trip?", "🇹🇷 Türkiye: eSIM plans"],
  ] as const)("(%s) typing %s opens the plan chooser of the country, with all its plans one tap away", async (language, query, question, title) => {
    const user = newUser(language);
    const reply = await user.send(query);
    expect(textOf(reply)).toContain(question);
    expect(buttonsOf(reply).map((b) => b.callback_data)).toEqual([...["w", "f", "m", "l"].map((trip) => expect.stringMatching(new RegExp(`^qt:[A-Z]{2}:${trip}$`))), expect.stringMatching(/^o:[A-Z]{2}:0$/)]);
    const all = await user.press(reply, /^o:[A-Z]{2}:0$/);
    expect(textOf(all)).toContain(title);
    const plans = buttonsOf(all).filter((b) => b.callback_data?.startsWith("b:"));
    expect(plans.length).toBeGreaterThan(0);
    for (const plan of plans) expect(plan.text).toMatch(/(\d+ (GB|ГБ|MB|МБ)|Unlimited|Безлимит|Sınırsız) · .+ · .*\d/);
  });

  it("the plan chooser asks the trip and the data, then shows the best plans that fit, cheapest first, none beaten by another", async () => {
    const user = newUser();
    const trip = await user.send("Germany");
    const data = await user.press(trip, "Up to 2 weeks");
    expect(textOf(data)).toContain("🇩🇪 Germany, up to 2 weeks: how much data will you use?");
    const best = await user.press(data, /^Some/);
    expect(textOf(best)).toContain("the best plans, cheapest first");
    const shown = buttonsOf(best).filter((b) => b.callback_data?.startsWith("b:"));
    const offers = h.catalogue.offersForCountry("DE");
    const bundles = shown.map((button) => offers.find((offer) => button.callback_data === `b:DE:${bundleKey(offer.name)}`)!);
    expect(bundles.length).toBeGreaterThan(0);
    for (const bundle of bundles) {
      expect(bundle.durationDays).toBeGreaterThanOrEqual(15);
      expect(bundle.unlimited || (bundle.dataMb ?? 0) >= 5_000).toBe(true);
    }
    expect(bundles.map((b) => b.priceMinor)).toEqual([...bundles.map((b) => b.priceMinor)].sort((a, b) => a - b));
    // No plan that fits is better in price, data and days than one shown.
    const fitting = offers.filter((o) => o.durationDays >= 15 && (o.unlimited || (o.dataMb ?? 0) >= 5_000));
    const dataOf = (o: (typeof offers)[number]) => (o.unlimited ? Infinity : (o.dataMb ?? 0));
    for (const shownBundle of bundles) {
      const better = fitting.find((o) => o.priceMinor <= shownBundle.priceMinor && dataOf(o) >= dataOf(shownBundle) && o.durationDays >= shownBundle.durationDays && (o.priceMinor < shownBundle.priceMinor || dataOf(o) > dataOf(shownBundle) || o.durationDays > shownBundle.durationDays));
      expect(better, `${shownBundle.name} is beaten`).toBeUndefined();
    }
    const details = await user.press(best, shown[0]!.text);
    expect(textOf(details)).toContain("Price:");
    expect(buttonsOf(best).map((b) => b.text)).toEqual(expect.arrayContaining(["📋 All plans", "« Other answers"]));
  });

  it("an ambiguous name offers the candidates, and picking one shows its plans", async () => {
    const user = newUser();
    const reply = await user.send("Austr");
    expect(textOf(reply)).toContain("Did you mean one of these?");
    const names = buttonsOf(reply).map((b) => b.text);
    expect(names).toEqual(expect.arrayContaining(["🇦🇹 Austria", "🇦🇺 Australia"]));
    const chooser = await user.press(reply, "🇦🇺 Australia");
    expect(textOf(chooser)).toContain("🇦🇺 Australia: how long is your trip?");
    expect(chooser.message_id).toBe(reply.message_id);
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
    const countries = buttonsOf(europe).filter((b) => b.callback_data?.startsWith("q:"));
    expect(countries.length).toBe(6);
    for (const country of countries) expect(country.text).toMatch(/^\p{Regional_Indicator}{2} \S/u);
    // Every message of this walk was the same one, edited in place.
    expect(europe.message_id).toBe(menu.message_id);
  });

  it("a page number past the end shows the last page, cached once under it (made-up pages cannot fill the cache)", () => {
    const pages = Math.ceil(h.catalogue.offersForCountry("DE").length / 3);
    const deps = { catalogue: h.catalogue, shop: h.shop, screens: createScreenCache(() => h.catalogue.revision()), settings: { pageSize: 3, refundPolicy: REFUND_POLICY, lowBalanceThresholdMinor: 0 } };
    const ui = { language: "en" as const, t: translatorFor("en") };
    const last = offersScreen(ui, deps, "DE", pages - 1);
    expect(last.text).toContain(`(${pages}/${pages})`);
    for (const page of [pages, 9999, 123456]) expect(offersScreen(ui, deps, "DE", page)).toBe(last);
  });

  it("paginates the plans by editing the same message, local first then regional then global", async () => {
    const user = newUser();
    const first = await user.openPlans("Germany");
    const count = h.catalogue.offersForCountry("DE").length;
    const pages = Math.ceil(count / 3);
    expect(textOf(first)).toContain(`(1/${pages})`);
    const seen: string[] = [];
    const seenData: string[] = [];
    let page = first;
    for (let index = 1; index <= pages; index++) {
      expect(textOf(page)).toContain(`(${index}/${pages})`);
      seen.push(...buttonsOf(page).filter((b) => b.callback_data?.startsWith("b:")).map((b) => b.text));
      seenData.push(...buttonsOf(page).flatMap((b) => (b.callback_data?.startsWith("b:") ? [b.callback_data] : [])));
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

    // Within each scope: by data (unlimited last), then by days; every plan exactly once.
    const byKey = new Map(h.catalogue.offersForCountry("DE").map((offer) => [`b:DE:${bundleKey(offer.name)}`, offer]));
    const shown = seenData.map((data) => byKey.get(data)!);
    expect(new Set(shown.map((offer) => offer.name)).size).toBe(count);
    const scopeRank = { local: 0, regional: 1, global: 2 } as const;
    const dataOf = (offer: (typeof shown)[number]) => (offer.unlimited || offer.dataMb === null ? Infinity : offer.dataMb);
    for (let i = 1; i < shown.length; i++) {
      const [a, b] = [shown[i - 1]!, shown[i]!];
      const order = scopeRank[a.scope] - scopeRank[b.scope] || dataOf(a) - dataOf(b) || a.durationDays - b.durationDays;
      expect(order, `${a.name} before ${b.name}`).toBeLessThanOrEqual(0);
    }
  });

  it("shows the details and the confirmation with the catalogue price", async () => {
    const user = newUser();
    const plans = await user.openPlans("Germany");
    const offer = h.catalogue.offersForCountry("DE")[0]!;
    const planButton = buttonsOf(plans).find((b) => b.callback_data?.startsWith("b:"))!;
    const details = await user.press(plans, planButton.text);
    const price = `$${(offer.priceMinor / 100).toFixed(2)}`;
    expect(textOf(details)).toContain("📦 Data: ");
    expect(textOf(details)).toContain(`📅 Valid for: ${offer.durationDays} days`);
    expect(textOf(details)).toContain("🌍 Works in: Germany");
    expect(textOf(details)).toContain(`📶 Speed: ${offer.speed.length > 0 ? offer.speed.join(", ") : "best available"}`);
    expect(textOf(details)).toContain(
      offer.autostart ? "⏱ The validity starts when you first connect in a covered country." : "⏱ The validity starts as soon as the plan is activated.",
    );
    expect(textOf(details)).toContain(`💳 Price: ${price}`);
    const confirm = await user.press(details, `🛒 Buy for ${price}`);
    expect(textOf(confirm)).toContain("📍 Destination: 🇩🇪 Germany");
    expect(textOf(confirm)).toContain("must support eSIM and be carrier-unlocked");
    expect(textOf(confirm)).toContain(`📅 Valid for: ${offer.durationDays} days`);
    expect(textOf(confirm)).toContain(`💳 Price: ${price}`);
    expect(buttonsOf(confirm).map((b) => b.text)).toEqual([`✅ Pay ${price}`, "✏️ Change"]);
    const change = await user.press(confirm, "✏️ Change");
    expect(textOf(change)).toContain("🇩🇪 Germany: eSIM plans");
  });

  it("labels a regional plan with its region and country count, in English too", async () => {
    const user = newUser();
    const regional = h.catalogue.offersForCountry("DE").find((offer) => offer.scope === "regional")!;
    let page = await user.openPlans("Germany");
    let button = buttonsOf(page).find((b) => b.callback_data === `b:DE:${bundleKey(regional.name)}`);
    while (!button) {
      page = await user.press(page, "Next ›");
      button = buttonsOf(page).find((b) => b.callback_data === `b:DE:${bundleKey(regional.name)}`);
    }
    expect(button.text).toMatch(new RegExp(`^🌍 Europe \\(${regional.countries.length}\\) · `));
    expect(textOf(page)).toContain("🌍 regional plans also work in nearby countries");
    const details = await user.press(page, button.text);
    expect(textOf(details)).toContain(`— Europe, ${regional.countries.length} countries`);
  });

  it("/help explains installing, what to do when data does not work, and the refund policy from the settings", async () => {
    const help = await newUser("ru").send("/help");
    expect(textOf(help)).toContain("📲 Установка");
    expect(textOf(help)).toContain("🛠 Не работает интернет?");
    expect(textOf(help)).toContain("роуминг данных");
    expect(textOf(help)).toContain(`💸 Возвраты\n${REFUND_POLICY}`);
    expect(textOf(help)).toContain("💬 Поддержка: @esim_support");
    const english = await newUser("en").send("/help");
    expect(textOf(english)).toContain("🛠 Data not working?");
  });

  it("a regional plan lists its coverage in the customer's language, truncated", async () => {
    const user = newUser("ru");
    const regional = h.catalogue.offersForCountry("DE").find((offer) => offer.scope === "regional")!;
    let page = await user.openPlans("Германия");
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
