import { runCli } from "@esim-shop/sim-kit";
import { startTelegramSim } from "./server.ts";
import { runTerminalChat } from "./terminal.ts";

const CHAT_USER = { id: 100_000_001, first_name: "Traveller", username: "sandbox_traveller", language_code: "en" };

await runCli({
  name: "telegram-sim",
  title: "Telegram Bot API stand-in",
  envPrefix: "TELEGRAM_SIM",
  defaultPort: 8081,
  options: {
    token: { type: "string", help: "the bot token it accepts", default: "7000000001:telegram-sim-local-bot-token" },
    botUsername: { type: "string", help: "the bot's username", default: "esim_sandbox_bot" },
    latency: { type: "number", help: "milliseconds added before every Bot API answer", default: 0 },
    chat: { type: "boolean", help: "chat with the bot in this terminal, as a user (type /quit to stop)" },
    photoDir: { type: "string", help: "where --chat saves the photos the bot sends", default: "./telegram-sim-photos" },
  },
  start: async (values) => {
    const sim = await startTelegramSim({
      port: values.port,
      host: values.host,
      token: values.token,
      botUsername: values.botUsername,
      latencyMs: values.latency,
      ...(values.controlToken ? { controlToken: values.controlToken } : {}),
    });
    if (values.chat) {
      runTerminalChat({
        sim,
        user: CHAT_USER,
        input: process.stdin,
        output: process.stdout,
        photoDir: values.photoDir,
        banner: `Chatting as ${CHAT_USER.first_name} (user ${CHAT_USER.id}). Pick a button by its number; /quit to stop.`,
        onClose: () => void sim.close().then(() => process.exit(0)),
      });
    }
    return sim;
  },
  notes: () => ["Start the bot with these settings; it long-polls or sets a webhook as on Telegram."],
});
