import path from "node:path";
import { startCommand } from "@esim-shop/sim-kit/testing";
import { describe, expect, it } from "vitest";
import { Receiver } from "./helpers.ts";

const BIN = path.resolve(import.meta.dirname, "../bin/whatsapp-sim.js");

describe("the whatsapp-sim command", () => {
  it("starts with the asked settings, prints what points the product at it, and stops on SIGTERM", async () => {
    const receiver = new Receiver("cli-secret");
    const webhookUrl = await receiver.start();
    const args = ["--port", "0", "--control-token", "ctl_cli_test", "--access-token", "EAAG-cli", "--app-secret", "cli-secret", "--verify-token", "cli-verify", "--phone-number-id", "123456789012345", "--webhook-url", webhookUrl];
    const { child, output, exited } = startCommand(BIN, [...args]);
    try {
      await expect.poll(output, { timeout: 30_000 }).toContain("Stop with Ctrl-C.");
      expect(output()).toMatch(/^WhatsApp Business Cloud API stand-in \(whatsapp-sim\) listening on http:\/\/127\.0\.0\.1:\d+/);
      for (const line of ["WHATSAPP_ACCESS_TOKEN=EAAG-cli", "WHATSAPP_PHONE_NUMBER_ID=123456789012345", "WHATSAPP_APP_SECRET=cli-secret", "WHATSAPP_VERIFY_TOKEN=cli-verify", `Webhooks: ${webhookUrl}`]) {
        expect(output()).toContain(line);
      }
      const apiUrl = /WHATSAPP_API_URL=(http:\/\/127\.0\.0\.1:\d+\/v26\.0)/.exec(output())?.[1];
      expect(apiUrl).toBeDefined();
      const phone = await fetch(`${apiUrl}/123456789012345?fields=display_phone_number`, { headers: { authorization: "Bearer EAAG-cli" } });
      expect(await phone.json()).toEqual({ display_phone_number: "+44 7700 900123", id: "123456789012345" });
      const control = new URL("/__control", apiUrl).toString();
      const user = await fetch(`${control}/users`, { method: "POST", headers: { authorization: "Bearer ctl_cli_test" }, body: JSON.stringify({ name: "Ada" }) });
      const { userId } = (await user.json()) as { userId: string };
      const wrote = await fetch(`${control}/users/${userId}/messages`, { method: "POST", headers: { authorization: "Bearer ctl_cli_test" }, body: JSON.stringify({ text: "hi" }) });
      expect(await wrote.json()).toMatchObject({ status: 200 });
      expect(receiver.posts[0]?.verified).toBe(true);
      child.kill("SIGTERM");
      expect(await exited).toBe(0);
    } finally {
      child.kill("SIGKILL");
      await receiver.close();
    }
  });

  it("--help lists the flags and exits", async () => {
    const { output, exited } = startCommand(BIN, ["--help"]);
    expect(await exited).toBe(0);
    expect(output()).toMatch(/^whatsapp-sim — /);
    for (const flag of ["--access-token", "--app-secret", "--verify-token", "--phone-number-id", "--webhook-url", "--api-version", "--throughput", "--chat"]) expect(output()).toContain(flag);
  });
});
