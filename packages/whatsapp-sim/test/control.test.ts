import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, startHarness, textTo, userWhoWrote } from "./helpers.ts";

let harness: Harness;

beforeAll(async () => {
  harness = await startHarness({ users: [{ name: "Preset", waId: "905321234567", userId: "TR.100000000000000000001" }] });
});

afterAll(() => harness.close());

describe("the control API", () => {
  it("needs the control token", async () => {
    const response = await fetch(`${harness.sim.controlUrl}/users`);
    expect(response.status).toBe(401);
  });

  it("knows the users given at start, by BSUID or wa_id, with their window", async () => {
    const { json } = await harness.control<{ userId: string; waId: string; windowOpen: boolean }>("GET", "/users/905321234567");
    expect(json).toMatchObject({ userId: "TR.100000000000000000001", waId: "905321234567", name: "Preset", windowOpen: false });
    expect((await harness.control("GET", "/users/US.404")).status).toBe(400);
  });

  it("refuses a bad user: both a username and a phone number, a taken wa_id, a malformed BSUID", async () => {
    expect((await harness.control("POST", "/users", { name: "X", waId: "447700900999", withUsername: true })).status).toBe(400);
    expect((await harness.control("POST", "/users", { name: "X", waId: "905321234567" })).status).toBe(400);
    expect((await harness.control("POST", "/users", { name: "X", userId: "usa-1" })).status).toBe(400);
  });

  it("logs API requests by route, below the version, with the send's body", async () => {
    const ada = await userWhoWrote(harness);
    await harness.control("DELETE", "/requests");
    await harness.send(textTo(ada.waId ?? "", "logged"));
    const { json } = await harness.control<{ count: number; requests: { method: string; path: string; route: string; status: number; detail: unknown }[] }>("GET", "/requests?path=/{phone-number-id}/messages");
    expect(json.count).toBe(1);
    expect(json.requests[0]).toMatchObject({ method: "POST", path: `/${harness.sim.phoneNumberId}/messages`, route: "/{phone-number-id}/messages", status: 200, detail: textTo(ada.waId ?? "", "logged") });
  });

  it("summarises its state and lists what the business sent", async () => {
    const state = await harness.control<Record<string, unknown>>("GET", "/state");
    expect(state.json).toMatchObject({ version: "v26.0", phoneNumberId: harness.sim.phoneNumberId });
    const sent = await harness.control<{ content: { body: string } }[]>("GET", "/messages");
    expect(sent.json.map((m) => m.content.body)).toContain("logged");
  });
});
