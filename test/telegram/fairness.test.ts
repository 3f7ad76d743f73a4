import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDatabaseTargets, type TestDatabase } from "../helpers/db.ts";
import { buttonsOf, latestOrderOf, receiveLink, startBotHarness, textOf, type BotHarness } from "./harness.ts";

const COMPATIBLE = "/esims/{iccid}/compatible/{bundle}";
const TAPS = 20;

describe.each(testDatabaseTargets())("one customer cannot stall the others on $kind", (target) => {
  let database: TestDatabase;
  let h: BotHarness;

  beforeAll(async () => {
    database = await target.create();
    // The runner, as production polls: chats side by side, each chat's updates in order.
    h = await startBotHarness({ db: database.db, runner: true });
  });
  afterAll(async () => {
    await h?.close();
    await database?.close();
  });

  it("while one customer hammers Top up against a slow eSIM Go, another's /start is answered and a paid order is delivered", async () => {
    const hammerer = h.user(7_001, "en");
    await receiveLink(hammerer, "Germany");
    await h.payLatestOrder(hammerer);
    await h.fulfil();
    const card = await hammerer.press(await hammerer.send("/myesims"), /…\d{4}$/);
    const topUp = hammerer.button(card, "➕ Top up").callback_data ?? "";

    const buyer = h.user(7_003, "en");
    await receiveLink(buyer, "France");

    // eSIM Go answers the first compatibility question only after 5 s: the hammerer's first tap waits on it.
    h.esimgo.faults.inject({ method: "GET", path: COMPATIBLE, times: 1, delayMs: 5_000 });
    try {
      const taps = [];
      for (let tap = 0; tap < TAPS; tap++) taps.push(await h.telegram.pressButton(hammerer.profile, card.message_id, topUp));
      const firstTap = taps[0]!.callbackQueryId;

      const welcome = await h.user(7_002, "en", "Ada").send("/start");
      expect(textOf(welcome)).toContain("Hello, Ada!");

      await h.payLatestOrder(buyer);
      await h.fulfil();
      expect((await latestOrderOf(database.db, buyer.profile.id)).status).toBe("delivered");
      // Both happened while the hammerer's first tap was still waiting for eSIM Go.
      expect(await h.telegram.answerOf(firstTap, 0)).toBeUndefined();

      // Every tap is answered in the end, and only the first asked eSIM Go: compatibility is cached per eSIM.
      expect(await h.telegram.answerOf(firstTap, 30_000)).toBeDefined();
      const askedForOneTap = h.esimgo.control.requestCount(`GET ${COMPATIBLE}`);
      expect(askedForOneTap).toBeGreaterThan(0);
      for (const { callbackQueryId } of taps) expect(await h.telegram.answerOf(callbackQueryId, 30_000)).toBeDefined();
      expect(h.esimgo.control.requestCount(`GET ${COMPATIBLE}`)).toBe(askedForOneTap);
      expect(buttonsOf(hammerer.current(card.message_id)).some((b) => b.callback_data?.startsWith("tk:"))).toBe(true);
    } finally {
      h.esimgo.faults.clear();
    }
  });
});
