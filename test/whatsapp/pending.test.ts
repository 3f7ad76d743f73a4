import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { startWhatsAppSim, type WhatsAppSim } from "@esim-shop/whatsapp-sim";
import pino from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { qrPng } from "../../src/esims/qr.ts";
import { createListOverflow, createWhatsAppClient, createWhatsAppSender, type WhatsAppSender } from "../../src/whatsapp/index.ts";
import { claimPending } from "../../src/whatsapp/store.ts";
import { testDatabaseTargets, type TestDatabase } from "../helpers/db.ts";
import { decodeQr } from "../helpers/qr.ts";

const LPA = "LPA:1$smdp.example.com$PENDING-TEST-0001";
const MINUTE = 60_000;

describe.each(testDatabaseTargets())("what waits for a WhatsApp customer's reply on $kind", (target) => {
  let database: TestDatabase;
  let sim: WhatsAppSim;
  let receiver: Server;
  let sender: WhatsAppSender;
  let clock: number;

  beforeEach(async () => {
    database = await target.create();
    sim = await startWhatsAppSim({ port: 0 });
    // Meta posts the customer's messages somewhere; here they only open the 24-hour window at the stand-in.
    receiver = createServer((_request, response) => response.end());
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
    sim.setWebhookUrl(`http://127.0.0.1:${(receiver.address() as AddressInfo).port}/`);
    clock = Date.now();
    sender = createWhatsAppSender({
      db: database.db,
      client: createWhatsAppClient({ apiUrl: sim.apiUrl, phoneNumberId: sim.phoneNumberId, accessToken: sim.accessToken }),
      overflow: createListOverflow(),
      template: { name: "esim_ready", languages: { en: "en", ru: "ru", tr: "tr" } },
      adminIds: [],
      logger: pino({ level: "silent" }),
      now: () => new Date(clock),
      rateLimitBackoffMs: 1,
    });
  });
  afterEach(async () => {
    await sim?.close();
    await new Promise((resolve) => receiver?.close(resolve));
    await database?.close();
  });

  /** A customer outside the window gets the template; the QR waits in the database for their reply. */
  async function qrWaitingFor(waId: string): Promise<string> {
    const user = sim.createUser({ name: "Waiting", waId });
    const outcome = await sender.outbox.deliver(user.userId, [{ text: "Your eSIM is ready", image: { png: await qrPng(LPA), name: "esim.png" }, actions: [] }], { language: "en", orderId: 7 });
    expect(outcome).toBe("delivered");
    expect(sim.sent(user.userId).map((m) => m.content.type)).toEqual(["template"]);
    await sim.sendText(user.userId, "ok");
    return user.userId;
  }
  const waiting = () => database.db.selectFrom("whatsapp_pending").selectAll().execute();
  const images = (user: string) => sim.sent(user).filter((m) => m.content.type === "image");

  it("a batch claimed by a process that died is sent again once its claim runs out, then deleted", async () => {
    const user = await qrWaitingFor("447700900701");
    expect(await claimPending(database.db, user, new Date(clock), 2 * MINUTE)).toBeDefined();

    await sender.flushPending(user);
    expect(images(user)).toEqual([]);
    expect(await waiting()).toHaveLength(1);

    clock += 2 * MINUTE + 1_000;
    await sender.flushPending(user);
    const [image] = images(user);
    if (image?.content.type !== "image" || !image.content.image) throw new Error("no QR sent");
    expect(decodeQr(image.content.image.bytes)).toBe(LPA);
    expect(await waiting()).toEqual([]);
  });

  it("a send that fails leaves the batch stored and unclaimed; the next flush sends it once", async () => {
    const user = await qrWaitingFor("447700900702");
    sim.faults.inject({ path: "/{phone-number-id}/media", answer: "server_error", times: "always" });
    await expect(sender.flushPending(user)).rejects.toThrow();
    expect(await waiting()).toEqual([expect.objectContaining({ external_id: user, claimed_until: null })]);

    sim.faults.clear();
    await Promise.all([sender.flushPending(user), sender.flushPending(user)]);
    expect(images(user)).toHaveLength(1);
    expect(await waiting()).toEqual([]);
  });
});
