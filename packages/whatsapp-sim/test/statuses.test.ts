import { afterEach, describe, expect, it, vi } from "vitest";
import { type Harness, startHarness, textTo, userWhoWrote } from "./helpers.ts";

let harness: Harness;

afterEach(() => harness.close());

async function sendAndCollect(body: Record<string, unknown>, expected: number): Promise<{ id: string; statuses: Record<string, unknown>[] }> {
  const sent = await harness.send(body);
  expect(sent.status).toBe(200);
  const id = sent.json.messages?.[0]?.id ?? "";
  await vi.waitFor(() => expect(harness.receiver.statuses().filter((s) => s.id === id)).toHaveLength(expected));
  await harness.sim.idle();
  return { id, statuses: harness.receiver.statuses().filter((s) => s.id === id) };
}

describe("status callbacks", () => {
  it("follow each sent message: sent, delivered, read, each its own signed POST", async () => {
    harness = await startHarness();
    const ada = await userWhoWrote(harness);
    const { id, statuses } = await sendAndCollect(textTo(ada.waId ?? "", "hi"), 3);
    expect(statuses.map((s) => s.status)).toEqual(["sent", "delivered", "read"]);
    expect(statuses[0]).toEqual({
      id,
      status: "sent",
      timestamp: expect.stringMatching(/^\d{10}$/),
      recipient_id: ada.waId,
      recipient_user_id: ada.userId,
      pricing: { billable: false, pricing_model: "PMP", category: "service", type: "free_customer_service" },
    });
    const posts = harness.receiver.posts.filter((p) => p.body.entry[0]?.changes[0]?.value.statuses);
    expect(posts).toHaveLength(3);
    expect(posts.every((p) => p.verified)).toBe(true);
    expect(harness.sim.sent(ada.userId)[0]?.statuses).toEqual(["sent", "delivered", "read"]);
  });

  it("can come out of order and duplicated, stamped with when each happened", async () => {
    harness = await startHarness({ statuses: { order: "reversed", duplicates: true } });
    const ada = await userWhoWrote(harness);
    const { statuses } = await sendAndCollect(textTo(ada.waId ?? "", "hi"), 6);
    expect(statuses.map((s) => s.status)).toEqual(["read", "read", "delivered", "delivered", "sent", "sent"]);
    const stamp = (status: string) => Number(statuses.find((s) => s.status === status)?.timestamp);
    expect(stamp("sent")).toBeLessThanOrEqual(stamp("delivered"));
    expect(stamp("delivered")).toBeLessThan(stamp("read"));
  });

  it("are steered over the control API: shuffled, only up to delivered, or none", async () => {
    harness = await startHarness();
    const ada = await userWhoWrote(harness);
    const mode = await harness.control("PUT", "/statuses", { upTo: "delivered", order: "shuffled" });
    expect(mode.json).toEqual({ upTo: "delivered", order: "shuffled", duplicates: false });
    const { statuses } = await sendAndCollect(textTo(ada.waId ?? "", "hi"), 2);
    expect(statuses.map((s) => s.status).sort()).toEqual(["delivered", "sent"]);
    await harness.control("PUT", "/statuses", { upTo: "none" });
    await harness.send(textTo(ada.waId ?? "", "quiet"));
    await harness.sim.idle();
    expect(harness.receiver.statuses()).toHaveLength(2);
  });

  it("of a user without a phone number name only the BSUID; templates are billed as utility", async () => {
    harness = await startHarness({ statuses: { upTo: "sent" } });
    const user = (await harness.control<{ userId: string }>("POST", "/users", { name: "night_owl", withUsername: true })).json;
    const template = { messaging_product: "whatsapp", recipient: user.userId, type: "template", template: { name: "esim_ready", language: { code: "en" }, components: [{ type: "body", parameters: [{ type: "text", text: "#5" }] }] } };
    const { statuses } = await sendAndCollect(template, 1);
    expect(statuses[0]).not.toHaveProperty("recipient_id");
    expect(statuses[0]).toMatchObject({ status: "sent", recipient_user_id: user.userId, pricing: { billable: true, category: "utility" } });
  });

  it("can be posted one by one, a late failure with its code", async () => {
    harness = await startHarness({ statuses: { upTo: "none" } });
    const ada = await userWhoWrote(harness);
    const sent = await harness.send(textTo(ada.waId ?? "", "hi"));
    const id = sent.json.messages?.[0]?.id ?? "";
    const posted = await harness.control<{ status: number }>("POST", `/messages/${id}/statuses`, { status: "failed", errorCode: 131047 });
    expect(posted.json.status).toBe(200);
    expect(harness.receiver.statuses()).toEqual([expect.objectContaining({ id, status: "failed", errors: [expect.objectContaining({ code: 131047, title: "Re-engagement message" })] })]);
    expect((await harness.control("POST", "/messages/wamid.unknown/statuses", { status: "read" })).status).toBe(400);
  });
});
