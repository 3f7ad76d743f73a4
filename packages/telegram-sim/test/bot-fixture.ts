import { Bot, GrammyError, InlineKeyboard, InputFile, Keyboard } from "grammy";
import QRCode from "qrcode";
import { PNG } from "pngjs";
import { createRequire } from "node:module";
import type { SimUser, TelegramSim } from "../src/index.ts";

export const LPA = "LPA:1$smdp.example.com$ABC-123-XYZ";
export const PAY_URL = "https://pay.example/checkout/1";
export const INSTALL_URL = `https://esimsetup.apple.com/esim_qrcode_provisioning?carddata=${LPA}`;
export const alice: SimUser = { id: 7001, first_name: "Alice", username: "alice", language_code: "en" };

const jsQR = createRequire(import.meta.url)("jsqr") as typeof import("jsqr").default;

/** A minimal shop bot: /start shows countries, a country edits the message, Buy sends the QR. */
export function buildShopBot(sim: TelegramSim): Bot {
  const bot = new Bot(sim.token, { botInfo: sim.botInfo, client: { apiRoot: sim.apiRoot } });
  bot.command("start", (ctx) =>
    ctx.reply(`Welcome, <b>${ctx.from?.first_name}</b>!${ctx.match ? ` (ref ${ctx.match})` : ""} Pick a country:`, {
      parse_mode: "HTML",
      reply_markup: new InlineKeyboard().text("🇩🇪 Germany", "country:DE").text("🇫🇷 France", "country:FR").row().url("Pay $4.99", PAY_URL),
    }),
  );
  bot.callbackQuery(/^country:(\w+)$/, async (ctx) => {
    await ctx.answerCallbackQuery({ text: `Picked ${ctx.match[1]}` });
    await ctx.editMessageText(`You picked <b>${ctx.match[1]}</b>`, {
      parse_mode: "HTML",
      reply_markup: new InlineKeyboard().text("Buy", `buy:${ctx.match[1]}`),
    });
  });
  bot.callbackQuery(/^buy:(\w+)$/, async (ctx) => {
    await ctx.answerCallbackQuery();
    const png = await QRCode.toBuffer(LPA, { type: "png", errorCorrectionLevel: "M", margin: 4, scale: 8 });
    await ctx.replyWithPhoto(new InputFile(png, "esim-qr.png"), {
      caption: `Scan it or enter <code>${LPA}</code>`,
      parse_mode: "HTML",
      reply_markup: new InlineKeyboard().url("Install on iPhone", INSTALL_URL),
    });
  });
  bot.command("echo_error", async (ctx) => {
    try {
      await ctx.reply("x", { reply_markup: new InlineKeyboard().text("too long", "d".repeat(65)) });
    } catch (error) {
      await ctx.reply(`error: ${error instanceof GrammyError ? error.description : String(error)}`);
    }
  });
  bot.command("menu", (ctx) => ctx.reply("Menu", { reply_markup: new Keyboard().text("Help").text("Countries").resized() }));
  bot.on("message:text", (ctx) => ctx.reply(`You said: ${ctx.message.text}`));
  return bot;
}

export function decodeQrPng(png: Buffer): string | undefined {
  const image = PNG.sync.read(png);
  return jsQR(new Uint8ClampedArray(image.data), image.width, image.height)?.data;
}

/**
 * Starts long polling and returns a stop function that waits for the loop to end.
 * Stopping waits for start-up first: grammY rejects start() when stopped during its setup.
 */
export function startPolling(bot: Bot): () => Promise<void> {
  let started: () => void = () => undefined;
  const startedUp = new Promise<void>((resolve) => (started = resolve));
  const running = bot.start({ timeout: 30, onStart: () => started() });
  return async () => {
    await startedUp;
    await bot.stop();
    await running;
  };
}
