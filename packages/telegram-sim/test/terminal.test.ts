import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import type { Bot } from "grammy";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { runTerminalChat, startTelegramSim, type TelegramSim } from "../src/index.ts";
import { renderEntities } from "../src/terminal.ts";
import { alice, buildShopBot, decodeQrPng, INSTALL_URL, LPA, PAY_URL, startPolling } from "./bot-fixture.ts";

let sim: TelegramSim;
let bot: Bot;
let stopBot: () => Promise<void>;
let photoDir: string;
let input: PassThrough;
let output: string;
let chat: ReturnType<typeof runTerminalChat>;

beforeEach(async () => {
  sim = await startTelegramSim();
  bot = buildShopBot(sim);
  stopBot = startPolling(bot);
  photoDir = mkdtempSync(join(tmpdir(), "sim-terminal-"));
  input = new PassThrough();
  const stdout = new PassThrough();
  output = "";
  stdout.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
  chat = runTerminalChat({ sim, user: alice, input, output: stdout, photoDir, banner: "eSIM sandbox chat. /quit to leave." });
});

afterEach(async () => {
  chat.close();
  await stopBot();
  await sim.close();
  rmSync(photoDir, { recursive: true, force: true });
});

function type(line: string): void {
  input.write(`${line}\n`);
}

async function outputShows(text: string): Promise<void> {
  await vi.waitFor(() => expect(output).toContain(text), { timeout: 5_000 });
}

describe("the terminal chat", () => {
  it("prints the banner, bot messages with numbered buttons and links, then a prompt", async () => {
    await outputShows("eSIM sandbox chat. /quit to leave.");
    type("/start");
    await outputShows("🤖 Welcome, Alice! Pick a country:");
    expect(output).toContain("[1] 🇩🇪 Germany  [2] 🇫🇷 France");
    expect(output).toContain(`🔗 Pay $4.99 — open this link in your browser:\n      ${PAY_URL}`);
    await vi.waitFor(() => expect(output.endsWith("> ")).toBe(true));
  });

  it("presses a button by its number, shows the answer and the edit", async () => {
    type("/start");
    await outputShows("[2] 🇫🇷 France");
    type("2");
    await outputShows("👆 🇫🇷 France");
    await outputShows("ℹ️ Picked FR");
    await outputShows("🤖 (edited) You picked FR");
    expect(sim.messages(alice.id).map((m) => m.text)).toEqual(["/start", "You picked <b>FR</b>"]);
  });

  it("reads a number typed ahead against the screen the bot answers with, not the one before it", async () => {
    type("/start");
    type("2");
    await outputShows("🤖 (edited) You picked FR");
    expect(output).not.toContain("You said: 2");
  });

  it("saves a photo, prints its QR and the decoded text", async () => {
    type("/start");
    await outputShows("[1] 🇩🇪 Germany");
    type("1");
    await outputShows("[1] Buy");
    type("1");
    const path = join(photoDir, `${alice.id}-3.png`);
    await outputShows(`photo saved: ${path}`);
    await outputShows(`QR: ${LPA}`);
    expect(output).toMatch(/[▄▀█]{10,}/);
    expect(output).toContain(`Scan it or enter \`${LPA}\``);
    expect(output).toContain(`🔗 Install on iPhone — open this link in your browser:\n      ${INSTALL_URL}`);
    expect(existsSync(path)).toBe(true);
    expect(decodeQrPng(readFileSync(path))).toBe(LPA);
  });

  it("sends a number as text when no button has it, and ends on /quit", async () => {
    type("42");
    await outputShows("🤖 You said: 42");
    type("/quit");
    await chat.closed;
  });

  it("numbers reply keyboard buttons and sends the picked one as text", async () => {
    type("/menu");
    await outputShows("⌨  [1] Help  [2] Countries");
    type("2");
    await outputShows("🤖 You said: Countries");
  });

  it("ends when the input ends (Ctrl-D)", async () => {
    input.end();
    await chat.closed;
  });
});

describe("renderEntities", () => {
  it("keeps code visible and shows link targets", () => {
    const text = "Pay here, code ABC";
    const rendered = renderEntities(text, [
      { type: "text_link", offset: 4, length: 4, url: "https://x.test" },
      { type: "code", offset: 15, length: 3 },
    ]);
    expect(rendered).toBe("Pay here (https://x.test), code `ABC`");
  });
});
