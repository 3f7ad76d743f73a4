import { setTimeout as sleep } from "node:timers/promises";
import QRCode from "qrcode";
import type { WhatsAppSim } from "../src/index.ts";
import { Receiver, TOKEN } from "./helpers.ts";

export const LPA = "LPA:1$rsp.example.test$JQ-TERMINAL-1";
export const INSTALL_URL = "https://esimsetup.apple.com/esim_qrcode_provisioning?carddata=LPA:1$rsp.example.test$JQ-TERMINAL-1";

/**
 * A shop bot in miniature, over real HTTP: it takes the signed webhooks, answers 200 at once and replies a little
 * later through the Cloud API, in several messages, as the product does.
 */
export async function startShopBot(sim: WhatsAppSim, options: { thinkMs?: number } = {}): Promise<{ close(): Promise<void> }> {
  const thinkMs = options.thinkMs ?? 150;
  const receiver = new Receiver(sim.appSecret);
  sim.setWebhookUrl(await receiver.start());
  const api = async (path: string, init: RequestInit) => {
    const response = await fetch(`${sim.apiUrl}/${sim.phoneNumberId}/${path}`, { ...init, headers: { authorization: `Bearer ${TOKEN}`, ...(init.headers as Record<string, string>) } });
    const json = (await response.json()) as { id?: string; error?: { message: string } };
    if (!response.ok) throw new Error(json.error?.message ?? String(response.status));
    return json;
  };
  const send = (to: string, message: Record<string, unknown>) => api("messages", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ messaging_product: "whatsapp", recipient: to, ...message }) });
  const text = (to: string, body: string) => send(to, { type: "text", text: { body } });

  async function reply(to: string, what: { text?: string; id?: string }): Promise<void> {
    await sleep(thinkMs);
    if (what.text === "hi") {
      await text(to, "*Welcome*, _traveller_! Pick a country:");
      await sleep(thinkMs / 2);
      await send(to, {
        type: "interactive",
        interactive: {
          type: "list",
          body: { text: "Where are you going?" },
          footer: { text: "Prices in USD" },
          action: { button: "Countries", sections: [{ title: "Europe", rows: [{ id: "c:DE", title: "🇩🇪 Germany", description: "Plans from $3.99" }, { id: "c:FR", title: "🇫🇷 France" }] }] },
        },
      });
    } else if (what.id === "c:DE" || what.id === "c:FR") {
      await send(to, { type: "interactive", interactive: { type: "button", header: { type: "text", text: what.id.slice(2) }, body: { text: "1 GB · 7 days · $3.99" }, action: { buttons: [{ type: "reply", reply: { id: `buy:${what.id.slice(2)}`, title: "🛒 Buy" } }, { type: "reply", reply: { id: "back", title: "« Back" } }] } } });
    } else if (what.id?.startsWith("buy:")) {
      const form = new FormData();
      form.set("messaging_product", "whatsapp");
      form.set("type", "image/png");
      form.set("file", new Blob([new Uint8Array(await QRCode.toBuffer(LPA, { type: "png", margin: 2, scale: 6 }))], { type: "image/png" }), "esim.png");
      const { id } = await api("media", { method: "POST", body: form });
      await send(to, { type: "image", image: { id, caption: `✅ Your eSIM is ready! Scan it or enter \`\`\`${LPA}\`\`\`` } });
      await send(to, { type: "interactive", interactive: { type: "cta_url", body: { text: "One tap on an iPhone:" }, action: { name: "cta_url", parameters: { display_text: "Install on iPhone", url: INSTALL_URL } } } });
    } else if (what.id === "back") {
      await text(to, "Back to the start.");
    } else if (what.text === "/template") {
      await send(to, { type: "template", template: { name: "esim_ready", language: { code: "en" }, components: [{ type: "body", parameters: [{ type: "text", text: "Order #42" }] }] } });
    } else {
      await text(to, `You said: ${what.text ?? what.id ?? "?"}`);
    }
  }

  receiver.onPost((post) => {
    if (!post.verified) return;
    for (const value of post.body.entry.flatMap((e) => e.changes.map((c) => c.value))) {
      for (const message of value.messages ?? []) {
        const to = String(message.from_user_id);
        const interactive = message.interactive as { button_reply?: { id: string }; list_reply?: { id: string } } | undefined;
        const what = message.type === "text" ? { text: (message.text as { body: string }).body } : { id: interactive?.button_reply?.id ?? interactive?.list_reply?.id ?? "" };
        void reply(to, what).catch((error: unknown) => console.error("shop bot:", error));
      }
    }
  });
  return { close: () => receiver.close() };
}
