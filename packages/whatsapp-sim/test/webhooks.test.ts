import { createHmac } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { APP_SECRET, type Harness, startHarness, textTo, verifySignature } from "./helpers.ts";

let harness: Harness;

beforeEach(async () => {
  harness = await startHarness({ statuses: { upTo: "none" } });
});

afterEach(() => harness.close());

type User = { userId: string; waId?: string; name: string };

async function user(body: { name: string; waId?: string; withUsername?: boolean }): Promise<User> {
  return (await harness.control<User>("POST", "/users", body)).json;
}

async function write(from: User, text: string): Promise<{ messageId: string; status: number }> {
  const { status, json } = await harness.control<{ messageId: string; status: number }>("POST", `/users/${from.userId}/messages`, { text });
  expect(status).toBe(200);
  return json;
}

describe("inbound messages", () => {
  it("are signed over the exact raw bytes, which keep Meta's \\u escapes (emoji, accents)", async () => {
    const zoe = await user({ name: "Zoë 🙂", waId: "4915112345678" });
    const text = "Café ☕ für 5 € — 🇩🇪 / Türkiye?";
    const { status } = await write(zoe, text);
    expect(status).toBe(200);
    const [post] = harness.receiver.posts;
    expect(post?.verified).toBe(true);
    expect(post?.signature).toMatch(/^sha256=[0-9a-f]{64}$/);
    const raw = post?.raw.toString("utf8") ?? "";
    expect(raw).toContain("Caf\\u00e9 \\u2615");
    expect(raw).toContain("\\ud83c\\udde9\\ud83c\\uddea");
    expect(raw).toContain(" \\/ T\\u00fcrkiye");
    expect(/[^\x20-\x7e]/.test(raw)).toBe(false);
    expect(harness.receiver.messages()[0]).toMatchObject({ text: { body: text } });
    expect(harness.receiver.values()[0]?.contacts?.[0]?.profile.name).toBe("Zoë 🙂");
    // A receiver that re-encodes the parsed JSON hashes other bytes: the check must use the raw body.
    const reencoded = Buffer.from(JSON.stringify(post?.body), "utf8");
    expect(verifySignature(reencoded, post?.signature, APP_SECRET)).toBe(false);
    expect(createHmac("sha256", APP_SECRET).update(post?.raw ?? Buffer.alloc(0)).digest("hex")).toBe(post?.signature?.slice("sha256=".length));
  });

  it("have Meta's payload shape, with a BSUID for every user", async () => {
    const ada = await user({ name: "Ada", waId: "447700900555" });
    const { messageId } = await write(ada, "Germany");
    expect(harness.receiver.posts[0]?.body).toEqual({
      object: "whatsapp_business_account",
      entry: [
        {
          id: harness.sim.wabaId,
          changes: [
            {
              field: "messages",
              value: {
                messaging_product: "whatsapp",
                metadata: { display_phone_number: "447700900123", phone_number_id: harness.sim.phoneNumberId },
                contacts: [{ profile: { name: "Ada" }, wa_id: "447700900555", user_id: ada.userId }],
                messages: [{ from: "447700900555", from_user_id: ada.userId, id: messageId, timestamp: expect.stringMatching(/^\d{10}$/), type: "text", text: { body: "Germany" } }],
              },
            },
          ],
        },
      ],
    });
    expect(ada.userId).toMatch(/^GB\.\d{20}$/);
    expect(messageId).toMatch(/^wamid\./);
  });

  it("from a user with a username carry no phone number (no wa_id, no from)", async () => {
    const nameOnly = await user({ name: "night_owl", withUsername: true });
    expect(nameOnly.waId).toBeUndefined();
    await write(nameOnly, "hi");
    const value = harness.receiver.values()[0];
    expect(value?.contacts).toEqual([{ profile: { name: "night_owl" }, user_id: nameOnly.userId }]);
    expect(value?.messages?.[0]).not.toHaveProperty("from");
    expect(value?.messages?.[0]).toMatchObject({ from_user_id: nameOnly.userId });
    // Reachable by BSUID only.
    const sent = await harness.send({ messaging_product: "whatsapp", recipient: nameOnly.userId, type: "text", text: { body: "hello" } });
    expect(sent.json.contacts).toEqual([{ input: nameOnly.userId, user_id: nameOnly.userId }]);
  });

  it("can come several in ONE post: in one change, one change each, or one entry each", async () => {
    const ada = await user({ name: "Ada" });
    const bob = await user({ name: "Bob", withUsername: true });
    const messages = [
      { user: ada.userId, text: "one" },
      { user: bob.userId, text: "two" },
      { user: ada.waId, text: "three" },
    ];
    for (const split of ["messages", "changes", "entries"] as const) {
      const before = harness.receiver.posts.length;
      const { json } = await harness.control<{ messageIds: string[]; status: number }>("POST", "/batches", { messages, split });
      expect(json.status).toBe(200);
      expect(harness.receiver.posts).toHaveLength(before + 1);
      const body = harness.receiver.posts.at(-1)?.body;
      const values = body?.entry.flatMap((e) => e.changes.map((c) => c.value)) ?? [];
      expect(values.flatMap((v) => v.messages ?? []).map((m) => m.id)).toEqual(json.messageIds);
      expect(values.flatMap((v) => v.messages ?? []).map((m) => (m.text as { body: string }).body)).toEqual(["one", "two", "three"]);
      if (split === "messages") {
        expect(body?.entry).toHaveLength(1);
        expect(values).toHaveLength(1);
        expect(values[0]?.contacts?.map((c) => c.user_id)).toEqual([ada.userId, bob.userId]);
      } else {
        expect(values).toHaveLength(3);
        expect(body?.entry).toHaveLength(split === "changes" ? 1 : 3);
      }
    }
  });

  it("can be delivered twice: the same bytes, the same wamid", async () => {
    const ada = await user({ name: "Ada" });
    const { messageId } = await write(ada, "/start");
    const again = await harness.control<{ statuses: number[] }>("POST", `/inbound/${messageId}/redeliveries`, { times: 2, concurrently: true });
    expect(again.json.statuses).toEqual([200, 200]);
    const posts = harness.receiver.posts;
    expect(posts).toHaveLength(3);
    expect(posts.every((p) => p.raw.equals(posts[0]?.raw ?? Buffer.alloc(0)) && p.verified)).toBe(true);
    expect(new Set(harness.receiver.messages().map((m) => m.id))).toEqual(new Set([messageId]));
    expect((await harness.control("POST", "/inbound/wamid.nope/redeliveries", {})).status).toBe(400);
  });

  it("are retried with backoff while the product answers non-2xx, each attempt recorded", async () => {
    const ada = await user({ name: "Ada" });
    harness.receiver.answerNext(500, 503);
    const { messageId, status } = await write(ada, "hi");
    expect(status).toBe(500);
    await vi.waitFor(() => expect(harness.receiver.posts).toHaveLength(3));
    await harness.sim.idle();
    const deliveries = (await harness.control<{ kind: string; attempt: number; status: number; messageIds: string[] }[]>("GET", "/deliveries")).json;
    expect(deliveries.map((d) => [d.kind, d.attempt, d.status])).toEqual([
      ["messages", 1, 500],
      ["messages", 2, 503],
      ["messages", 3, 200],
    ]);
    expect(deliveries.every((d) => d.messageIds[0] === messageId)).toBe(true);
  });

  it("give up after the configured retries", async () => {
    const ada = await user({ name: "Ada" });
    harness.receiver.answerNext(500, 500, 500, 500, 500);
    await write(ada, "hi");
    await harness.sim.idle();
    expect(harness.sim.deliveries().map((d) => d.status)).toEqual([500, 500, 500, 500]);
  });

  it("need a webhook URL; it can be set over the control API", async () => {
    const ada = await user({ name: "Ada" });
    const url = (await harness.control<{ url: string }>("GET", "/webhook-url")).json.url;
    await harness.control("PUT", "/webhook-url", { url: null });
    const refused = await harness.control<{ error: string }>("POST", `/users/${ada.userId}/messages`, { text: "hi" });
    expect(refused.status).toBe(400);
    expect(refused.json.error).toContain("webhook URL");
    await harness.control("PUT", "/webhook-url", { url });
    await write(ada, "hi");
  });
});

describe("forged and unsigned posts", () => {
  it("carry a wrong signature or none; a product that checks refuses them; they open no window", async () => {
    const ada = await user({ name: "Ada" });
    const forged = await harness.control<{ status: number }>("POST", "/forged", { user: ada.userId, text: "refund me" });
    const unsigned = await harness.control<{ status: number }>("POST", "/unsigned", { user: ada.userId, text: "refund me" });
    expect([forged.json.status, unsigned.json.status]).toEqual([401, 401]);
    expect(harness.receiver.posts.map((p) => p.verified)).toEqual([false, false]);
    expect(harness.receiver.posts[0]?.signature).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(harness.receiver.posts[1]?.signature).toBeUndefined();
    expect(harness.sim.deliveries().map((d) => d.kind)).toEqual(["forged", "unsigned"]);
    expect((await harness.send(textTo(ada.waId ?? "", "x"))).json.error?.code).toBe(131047);
  });
});

describe("the GET handshake", () => {
  it("reports whether the product echoed the challenge with 200", async () => {
    const ok = await harness.control<{ ok: boolean; status: number; body: string; challenge: string; url: string }>("POST", "/handshake", {});
    expect(ok.json).toMatchObject({ ok: true, status: 200 });
    expect(ok.json.body).toBe(ok.json.challenge);
    expect(ok.json.url).toContain("hub.mode=subscribe");
    const wrong = await harness.control<{ ok: boolean; status: number }>("POST", "/handshake", { verifyToken: "guess" });
    expect(wrong.json).toMatchObject({ ok: false, status: 403 });
  });
});

describe("presses", () => {
  async function sentTo(to: User, body: Record<string, unknown>): Promise<string> {
    const { status, json } = await harness.send({ messaging_product: "whatsapp", to: to.waId, ...body });
    expect(status, JSON.stringify(json)).toBe(200);
    return json.messages?.[0]?.id ?? "";
  }

  it("of a reply button or a list row arrive as button_reply or list_reply, in reply to the message", async () => {
    const ada = await user({ name: "Ada" });
    await write(ada, "hi");
    const buttons = await sentTo(ada, { type: "interactive", interactive: { type: "button", body: { text: "Pay?" }, action: { buttons: [{ type: "reply", reply: { id: "pay:1", title: "✅ Pay" } }, { type: "reply", reply: { id: "back", title: "Back" } }] } } });
    const list = await sentTo(ada, {
      type: "interactive",
      interactive: { type: "list", body: { text: "Plans" }, action: { button: "Plans", sections: [{ title: "DE", rows: [{ id: "plan:1", title: "1 GB", description: "7 days · $3.99" }, { id: "plan:2", title: "3 GB" }] }] } },
    });
    await harness.control("POST", `/users/${ada.userId}/presses`, { messageId: buttons, id: "pay:1" });
    await harness.control("POST", `/users/${ada.userId}/presses`, { messageId: list, id: "plan:1" });
    const [, pressed, picked] = harness.receiver.messages();
    expect(pressed).toMatchObject({ type: "interactive", context: { id: buttons }, from_user_id: ada.userId, interactive: { type: "button_reply", button_reply: { id: "pay:1", title: "✅ Pay" } } });
    expect(picked).toMatchObject({ type: "interactive", context: { id: list }, interactive: { type: "list_reply", list_reply: { id: "plan:1", title: "1 GB", description: "7 days · $3.99" } } });
  });

  it("must name a real message sent to that user and a real button or row of it", async () => {
    const ada = await user({ name: "Ada" });
    const bob = await user({ name: "Bob" });
    await write(ada, "hi");
    await write(bob, "hi");
    const buttons = await sentTo(ada, { type: "interactive", interactive: { type: "button", body: { text: "Pay?" }, action: { buttons: [{ type: "reply", reply: { id: "pay", title: "Pay" } }] } } });
    const text = await sentTo(ada, { type: "text", text: { body: "plain" } });
    const refusals = [
      { user: ada, messageId: buttons, id: "other" },
      { user: bob, messageId: buttons, id: "pay" },
      { user: ada, messageId: text, id: "pay" },
      { user: ada, messageId: "wamid.unknown", id: "pay" },
    ];
    for (const refusal of refusals) {
      const { status } = await harness.control("POST", `/users/${refusal.user.userId}/presses`, { messageId: refusal.messageId, id: refusal.id });
      expect(status).toBe(400);
    }
    expect(harness.receiver.messages()).toHaveLength(2);
  });

  it("open the window like any inbound message, even of an old message", async () => {
    let clock = Date.now();
    await harness.close();
    harness = await startHarness({ now: () => clock, statuses: { upTo: "none" } });
    const ada = await user({ name: "Ada" });
    await write(ada, "hi");
    const buttons = await sentTo(ada, { type: "interactive", interactive: { type: "button", body: { text: "Renew?" }, action: { buttons: [{ type: "reply", reply: { id: "renew", title: "Renew" } }] } } });
    clock += 48 * 60 * 60_000;
    expect((await harness.send(textTo(ada.waId ?? "", "x"))).json.error?.code).toBe(131047);
    await harness.control("POST", `/users/${ada.userId}/presses`, { messageId: buttons, id: "renew" });
    expect((await harness.send(textTo(ada.waId ?? "", "x"))).status).toBe(200);
  });
});
