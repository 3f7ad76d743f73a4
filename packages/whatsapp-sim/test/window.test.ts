import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Harness, startHarness, textTo } from "./helpers.ts";

const HOUR = 60 * 60_000;
let clock = Date.UTC(2026, 11, 1, 12);
let harness: Harness;

beforeEach(async () => {
  clock = Date.UTC(2026, 11, 1, 12);
  harness = await startHarness({ now: () => clock, templates: [{ name: "esim_ready", languages: ["en", "ru", "tr"], bodyParameters: 1 }, { name: "hello", languages: ["en"], bodyParameters: 0 }] });
});

afterEach(() => harness.close());

function template(to: string, name: string, code: string, parameters: string[]): Record<string, unknown> {
  return {
    messaging_product: "whatsapp",
    to,
    type: "template",
    template: { name, language: { code }, components: [{ type: "body", parameters: parameters.map((text) => ({ type: "text", text })) }] },
  };
}

async function newUser(name = "Ada"): Promise<{ userId: string; waId: string }> {
  return (await harness.control<{ userId: string; waId: string }>("POST", "/users", { name })).json;
}

describe("the 24-hour customer service window", () => {
  it("is closed for a user who never wrote: free-form messages fail with 131047, templates go", async () => {
    const ada = await newUser();
    const text = await harness.send(textTo(ada.waId, "hello"));
    expect(text.status).toBe(400);
    expect(text.json.error).toMatchObject({ code: 131047, message: "(#131047) Re-engagement message" });
    const sent = await harness.send(template(ada.waId, "esim_ready", "en", ["Order #42"]));
    expect(sent.status).toBe(200);
    expect(sent.json.messages?.[0]).toMatchObject({ message_status: "accepted" });
    expect(harness.sim.sent(ada.userId).map((m) => m.content)).toEqual([{ type: "template", name: "esim_ready", language: "en", parameters: ["Order #42"] }]);
  });

  it("opens when the user writes and closes 24 hours later by the clock", async () => {
    const ada = await newUser();
    await harness.control("POST", `/users/${ada.userId}/messages`, { text: "hi" });
    clock += 23 * HOUR + 59 * 60_000;
    expect((await harness.send(textTo(ada.waId, "still open"))).status).toBe(200);
    clock += 60_000;
    expect((await harness.send(textTo(ada.waId, "closed"))).json.error?.code).toBe(131047);
    await harness.control("POST", `/users/${ada.userId}/messages`, { text: "back" });
    expect((await harness.send(textTo(ada.waId, "open again"))).status).toBe(200);
  });

  it("can be aged through the control API, per user", async () => {
    const ada = await newUser("Ada");
    const bob = await newUser("Bob");
    await harness.control("POST", `/users/${ada.userId}/messages`, { text: "hi" });
    await harness.control("POST", `/users/${bob.userId}/messages`, { text: "hi" });
    const aged = await harness.control<{ windowOpen: boolean }>("POST", `/users/${ada.waId}/window`, { ageHours: 25 });
    expect(aged.json.windowOpen).toBe(false);
    expect((await harness.send(textTo(ada.waId, "x"))).json.error?.code).toBe(131047);
    expect((await harness.send(textTo(bob.waId, "x"))).status).toBe(200);
    expect((await harness.send(template(ada.waId, "esim_ready", "tr", ["Sipariş #7"]))).status).toBe(200);
  });

  it("applies to interactive and image messages too", async () => {
    const ada = await newUser();
    const buttons = { messaging_product: "whatsapp", to: ada.waId, type: "interactive", interactive: { type: "button", body: { text: "Pick" }, action: { buttons: [{ type: "reply", reply: { id: "a", title: "A" } }] } } };
    expect((await harness.send(buttons)).json.error?.code).toBe(131047);
    expect((await harness.send({ messaging_product: "whatsapp", to: ada.waId, type: "image", image: { link: "https://cdn.example/a.png" } })).json.error?.code).toBe(131047);
  });
});

describe("templates", () => {
  it("must be configured in the language asked: else 132001 (404)", async () => {
    const ada = await newUser();
    const unknownName = await harness.send(template(ada.waId, "order_update", "en", ["x"]));
    expect(unknownName.status).toBe(404);
    expect(unknownName.json.error).toMatchObject({ code: 132001, message: "(#132001) Template name does not exist in the translation" });
    const unknownLanguage = await harness.send(template(ada.waId, "esim_ready", "de", ["x"]));
    expect(unknownLanguage.json.error?.code).toBe(132001);
    expect(unknownLanguage.json.error?.error_data.details).toContain("de");
  });

  it("need exactly their number of body parameters: else 132000", async () => {
    const ada = await newUser();
    const none = await harness.send({ messaging_product: "whatsapp", to: ada.waId, type: "template", template: { name: "esim_ready", language: { code: "en" } } });
    expect(none.status).toBe(400);
    expect(none.json.error?.code).toBe(132000);
    expect((await harness.send(template(ada.waId, "esim_ready", "en", ["a", "b"]))).json.error?.code).toBe(132000);
    expect((await harness.send(template(ada.waId, "hello", "en", []))).status).toBe(200);
    expect((await harness.send(template(ada.waId, "hello", "en", ["extra"]))).json.error?.code).toBe(132000);
  });

  it("refuse parameters with new lines, tabs or five spaces in a row (132018)", async () => {
    const ada = await newUser();
    expect((await harness.send(template(ada.waId, "esim_ready", "en", ["line\nbreak"]))).json.error?.code).toBe(132018);
    expect((await harness.send(template(ada.waId, "esim_ready", "en", ["wide     gap"]))).json.error?.code).toBe(132018);
  });

  it("are refused for a template object that breaks the schema (#100)", async () => {
    const ada = await newUser();
    const result = await harness.send({ messaging_product: "whatsapp", to: ada.waId, type: "template", template: { name: "esim_ready", language: "en" } });
    expect(result.json.error?.code).toBe(100);
    expect(result.json.error?.message).toContain("template['language']");
  });
});
