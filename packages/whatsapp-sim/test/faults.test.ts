import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it, vi } from "vitest";
import { type Harness, startHarness, textTo, userWhoWrote } from "./helpers.ts";

let harness: Harness;

afterEach(() => harness.close());

describe("ready-made faults over the control API", () => {
  it.each([
    ["throughput", 429, 130429, "(#130429) Rate limit hit"],
    ["pair_rate", 400, 131056, "(#131056) (Business Account, Consumer Account) pair rate limit hit"],
    ["undeliverable", 400, 131026, "(#131026) Message Undeliverable"],
    ["server_error", 500, 1, "An unknown error occurred"],
  ])("%s answers %i with code %i in Graph's envelope, once", async (answer, status, code, message) => {
    harness = await startHarness();
    const ada = await userWhoWrote(harness);
    const armed = await harness.control("POST", "/faults", { path: "/{phone-number-id}/messages", answer });
    expect(armed.status).toBe(200);
    const first = await harness.send(textTo(ada.waId ?? "", "hi"));
    expect(first.status).toBe(status);
    expect(first.json.error).toMatchObject({ code, message, type: "OAuthException", error_data: { messaging_product: "whatsapp" } });
    expect(first.json.error?.fbtrace_id).toBeTruthy();
    expect((await harness.send(textTo(ada.waId ?? "", "hi"))).status).toBe(200);
    expect(harness.sim.sent(ada.userId).map((m) => m.content)).toEqual([{ type: "text", body: "hi", previewUrl: false }]);
  });

  it("lists its ready-made answers and matches faults on the recipient", async () => {
    harness = await startHarness();
    const ada = await userWhoWrote(harness, { name: "Ada" });
    const bob = await userWhoWrote(harness, { name: "Bob" });
    const listed = await harness.control<{ answers: string[] }>("GET", "/faults");
    expect(listed.json.answers).toEqual(expect.arrayContaining(["throughput", "pair_rate", "undeliverable", "server_error"]));
    await harness.control("POST", "/faults", { path: "/{phone-number-id}/messages", params: { to: bob.waId ?? "" }, answer: "pair_rate", times: "always" });
    expect((await harness.send(textTo(bob.waId ?? "", "1"))).json.error?.code).toBe(131056);
    expect((await harness.send(textTo(ada.waId ?? "", "1"))).status).toBe(200);
    expect((await harness.send(textTo(bob.waId ?? "", "2"))).json.error?.code).toBe(131056);
  });
});

describe("the throughput limit", () => {
  it("answers 130429 (HTTP 429) past the messages per second of the phone number, and lets sends through again a second later", async () => {
    harness = await startHarness({ throughputPerSecond: 5 });
    const ada = await userWhoWrote(harness);
    const statuses = await Promise.all(Array.from({ length: 8 }, (_, i) => harness.send(textTo(ada.waId ?? "", `m${i}`))));
    expect(statuses.filter((r) => r.status === 200)).toHaveLength(5);
    const refused = statuses.filter((r) => r.status === 429);
    expect(refused).toHaveLength(3);
    expect(refused[0]?.json.error?.code).toBe(130429);
    await sleep(1_050);
    expect((await harness.send(textTo(ada.waId ?? "", "later"))).status).toBe(200);
  });

  it("is 80 per second by default", async () => {
    harness = await startHarness({ statuses: { upTo: "none" } });
    const ada = await userWhoWrote(harness);
    const started = performance.now();
    const results = await Promise.all(Array.from({ length: 90 }, (_, i) => harness.send(textTo(ada.waId ?? "", `m${i}`))));
    const elapsed = performance.now() - started;
    expect(results.every((r) => r.status === 200 || r.json.error?.code === 130429)).toBe(true);
    const accepted = results.filter((r) => r.status === 200).length;
    // All within one second: exactly 80 go. A slow machine spreads them wider, which frees room.
    if (elapsed < 1_000) expect(accepted).toBe(80);
    else expect(accepted).toBeGreaterThanOrEqual(80);
  });
});

describe("a user who is not on WhatsApp", () => {
  it("makes every send fail with 131026 in the answer, templates too", async () => {
    harness = await startHarness();
    const ada = await userWhoWrote(harness);
    const flagged = await harness.control("PUT", `/users/${ada.userId}/undeliverable`, { undeliverable: true });
    expect(flagged.status).toBe(200);
    expect((await harness.send(textTo(ada.waId ?? "", "hi"))).json.error?.code).toBe(131026);
    const template = { messaging_product: "whatsapp", to: ada.waId, type: "template", template: { name: "esim_ready", language: { code: "en" }, components: [{ type: "body", parameters: [{ type: "text", text: "#1" }] }] } };
    expect((await harness.send(template)).json.error?.code).toBe(131026);
    await harness.control("PUT", `/users/${ada.userId}/undeliverable`, { undeliverable: false });
    expect((await harness.send(textTo(ada.waId ?? "", "hi"))).status).toBe(200);
  });

  it("can instead fail later, as a `failed` status with 131026 after a 200", async () => {
    harness = await startHarness();
    const ada = await userWhoWrote(harness);
    await harness.control("PUT", `/users/${ada.userId}/undeliverable`, { undeliverable: true, report: "status" });
    const sent = await harness.send(textTo(ada.waId ?? "", "hi"));
    expect(sent.status).toBe(200);
    const id = sent.json.messages?.[0]?.id;
    await vi.waitFor(() => expect(harness.receiver.statuses().filter((s) => s.id === id)).toHaveLength(1));
    expect(harness.receiver.statuses().find((s) => s.id === id)).toMatchObject({
      status: "failed",
      recipient_id: ada.waId,
      recipient_user_id: ada.userId,
      errors: [{ code: 131026, title: "Message Undeliverable" }],
    });
  });
});
