import { runCli } from "@esim-shop/sim-kit";
import { DEFAULTS, startWhatsAppSim } from "./server.ts";
import { runTerminalChat } from "./terminal.ts";

const CHAT_USER = { name: "Traveller", waId: "447700900001" };

await runCli({
  name: "whatsapp-sim",
  title: "WhatsApp Business Cloud API stand-in",
  envPrefix: "WHATSAPP_SIM",
  defaultPort: 8090,
  webhookUrl: "the product's WhatsApp webhook: inbound messages and statuses are posted there, signed",
  options: {
    accessToken: { type: "string", help: "the access token it accepts", default: DEFAULTS.accessToken },
    appSecret: { type: "string", help: "the app secret that signs webhooks (X-Hub-Signature-256)", default: DEFAULTS.appSecret },
    verifyToken: { type: "string", help: "the hub.verify_token of the GET handshake", default: DEFAULTS.verifyToken },
    phoneNumberId: { type: "string", help: "the business phone number's id", default: DEFAULTS.phoneNumberId },
    displayPhoneNumber: { type: "string", help: "the business phone number as customers see it", default: DEFAULTS.displayPhoneNumber },
    wabaId: { type: "string", help: "the WhatsApp Business Account id (entry[].id of webhooks)", default: DEFAULTS.wabaId },
    apiVersion: { type: "string", help: "the one Graph API version it serves", default: DEFAULTS.version },
    throughput: { type: "number", help: "messages per second before 130429 (0: no limit)", default: DEFAULTS.throughputPerSecond },
    chat: { type: "boolean", help: "chat with the product in this terminal, as a WhatsApp user (type /quit to stop)" },
    photoDir: { type: "string", help: "where --chat saves the images the product sends", default: "./whatsapp-sim-photos" },
  },
  start: async (values) => {
    const sim = await startWhatsAppSim({
      port: values.port,
      host: values.host,
      accessToken: values.accessToken,
      appSecret: values.appSecret,
      verifyToken: values.verifyToken,
      phoneNumberId: values.phoneNumberId,
      displayPhoneNumber: values.displayPhoneNumber,
      wabaId: values.wabaId,
      version: values.apiVersion,
      throughputPerSecond: values.throughput,
      ...(values.webhookUrl ? { webhookUrl: values.webhookUrl } : {}),
      ...(values.controlToken ? { controlToken: values.controlToken } : {}),
    });
    if (values.chat) {
      const user = sim.createUser(CHAT_USER);
      // After the start-up text, which is printed once this returns.
      setTimeout(() =>
        runTerminalChat({
          sim,
          user,
          input: process.stdin,
          output: process.stdout,
          photoDir: values.photoDir,
          banner: `Chatting as ${user.name} (wa_id ${user.waId ?? "none"}, BSUID ${user.userId}). Pick a button or list row by its number; /quit to stop.`,
          onClose: () => void sim.close().then(() => process.exit(0)),
        }),
      );
    }
    return sim;
  },
  notes: (sim) => [
    sim.webhookUrl() ? `Webhooks: ${sim.webhookUrl() ?? ""} (signed with the app secret).` : "No webhook URL yet: --webhook-url, or PUT /__control/webhook-url.",
    "Users: POST /__control/users; a user writes with POST /__control/users/{id}/messages.",
  ],
});
