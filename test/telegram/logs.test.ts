import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createLogger } from "../../src/logger.ts";
import { testDatabaseTargets, type TestDatabase } from "../helpers/db.ts";
import { startBotHarness, textOf, type BotHarness } from "./harness.ts";

// One database is enough: what is logged does not depend on it.
const [target] = testDatabaseTargets();

describe("logs never carry an activation code", () => {
  let database: TestDatabase;
  let h: BotHarness;
  const lines: string[] = [];

  beforeAll(async () => {
    database = await target!.create();
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString("utf8"));

        done();
      },
    });
    h = await startBotHarness({ db: database.db, logger: createLogger({ level: "trace", destination: sink }) });
  });
  afterAll(async () => {
    await h?.close();
    await database?.close();
  });

  it("not when sending the QR again fails: no matching ID, no LPA string, in any line", async () => {
    const user = h.user(6_100, "en");
    const plans = await user.openPlans("France");
    const details = await user.press(plans, /^b:FR:/);
    const confirm = await user.press(details, /^k:FR:/);
    await user.press(confirm, /^p:FR:/);
    await user.waitFor((m) => textOf(m).includes("Your payment link is ready"));
    await h.payLatestOrder(user);
    await h.fulfil();
    await user.waitFor((m) => m.photo !== undefined);
    const iccid = h.esimgo.control.placedOrders().at(-1)!.items[0]!.iccids[0]!;
    const esim = h.esimgo.control.esims().find((e) => e.iccid === iccid)!;

    const list = await user.send("/myesims");
    const card = await user.press(list, new RegExp(`…${iccid.slice(-4)}$`));
    // The customer blocks the bot right then: sending the QR fails, and the error (with its request payload, caption
    // and all) reaches the log.
    h.telegram.blockBy(user.chatId);
    await user.press(card, "📷 QR code & install details");
    await vi.waitFor(() => expect(lines.join("")).toContain("update failed"), { timeout: 10_000 });
    h.telegram.unblockBy(user.chatId);

    const log = lines.join("");
    expect(log).toContain("update failed");
    expect(log).not.toContain(esim.matchingId);
    expect(log).not.toMatch(/LPA(:|%3A)1(\$|%24)/i);
  });
});
