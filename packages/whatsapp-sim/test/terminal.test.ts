import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import jsQR from "jsqr";
import { PNG } from "pngjs";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { renderWhatsAppText, runTerminalChat, startWhatsAppSim, type TerminalChat, type WhatsAppSim } from "../src/index.ts";
import { INSTALL_URL, LPA, startShopBot } from "./bot-fixture.ts";
import { TOKEN } from "./helpers.ts";

let sim: WhatsAppSim;
let bot: { close(): Promise<void> };
let photoDir: string;
let input: PassThrough;
let output: string;
let chat: TerminalChat;

function startChat(user: { name: string; waId?: string; withUsername?: boolean } = { name: "Ada", waId: "447700900777" }): void {
  input = new PassThrough();
  const stdout = new PassThrough();
  output = "";
  stdout.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")));
  chat = runTerminalChat({ sim, user, input, output: stdout, photoDir, banner: "WhatsApp sandbox chat. /quit to leave.", color: false, settleMs: 300 });
}

beforeEach(async () => {
  sim = await startWhatsAppSim({ accessToken: TOKEN, statuses: { upTo: "none" } });
  bot = await startShopBot(sim);
  photoDir = mkdtempSync(join(tmpdir(), "wa-terminal-"));
});

afterEach(async () => {
  chat.close();
  await sim.idle();
  await bot.close();
  await sim.close();
  rmSync(photoDir, { recursive: true, force: true });
});

function type(line: string): void {
  input.write(`${line}\n`);
}

async function outputShows(text: string): Promise<void> {
  await vi.waitFor(() => expect(output).toContain(text), { timeout: 10_000 });
}

/** jsqr + pngjs, as the other packages' tests decode QR codes. */
function decodeQrPng(png: Buffer): string | undefined {
  const image = PNG.sync.read(png);
  const decode = jsQR as unknown as (data: Uint8ClampedArray, width: number, height: number) => { data: string } | null;
  return decode(new Uint8ClampedArray(image.data), image.width, image.height)?.data;
}

describe("the terminal chat", () => {
  it("prints the banner, formatted text, list rows as numbered choices, then a prompt", async () => {
    startChat();
    await outputShows("WhatsApp sandbox chat. /quit to leave.");
    type("hi");
    await outputShows("🤖 Welcome, traveller! Pick a country:");
    await outputShows("[2] 🇫🇷 France");
    expect(output).toContain("🤖 Where are you going?\n   Prices in USD\n   ☰ Countries:\n   Europe\n   [1] 🇩🇪 Germany — Plans from $3.99\n   [2] 🇫🇷 France");
    await vi.waitFor(() => expect(output.endsWith("> ")).toBe(true));
    expect(chat.user).toMatchObject({ name: "Ada", waId: "447700900777" });
  });

  it("presses list rows and reply buttons by their number", async () => {
    startChat();
    type("hi");
    await outputShows("[1] 🇩🇪 Germany");
    type("2");
    await outputShows("👆 🇫🇷 France");
    await outputShows("🤖 FR\n   1 GB · 7 days · $3.99\n   [1] 🛒 Buy  [2] « Back");
    type("2");
    await outputShows("👆 « Back");
    await outputShows("🤖 Back to the start.");
    const inbound = sim.transcript(chat.user.userId).filter((m) => m.direction === "in").map((m) => m.content);
    expect(inbound).toEqual([
      { type: "text", body: "hi" },
      expect.objectContaining({ type: "list_reply", id: "c:FR", title: "🇫🇷 France" }),
      expect.objectContaining({ type: "button_reply", id: "back", title: "« Back" }),
    ]);
  });

  it("reads a number typed ahead against the message the bot is about to send", async () => {
    startChat();
    type("hi");
    type("1");
    type("1");
    await outputShows("👆 🛒 Buy");
    await outputShows(`QR: ${LPA}`);
    expect(output).not.toContain("You said:");
    expect(output).toContain("👆 🇩🇪 Germany");
  });

  it("saves an image as PNG, draws its QR, keeps monospace visible and shows a link button's URL", async () => {
    startChat();
    type("hi");
    await outputShows("[1] 🇩🇪 Germany");
    type("1");
    await outputShows("[1] 🛒 Buy");
    type("1");
    const path = join(photoDir, "447700900777-1.png");
    await outputShows(`🖼  photo saved: ${path}`);
    await outputShows(`QR: ${LPA}`);
    expect(output).toMatch(/[▄▀█]{10,}/);
    expect(output).toContain(`✅ Your eSIM is ready! Scan it or enter \`${LPA}\``);
    await outputShows(`🤖 One tap on an iPhone:\n   🔗 Install on iPhone — open this link in your browser:\n      ${INSTALL_URL}`);
    expect(existsSync(path)).toBe(true);
    expect(decodeQrPng(readFileSync(path))).toBe(LPA);
  });

  it("shows a template by name and parameters with a hint", async () => {
    startChat();
    type("/template");
    await outputShows('🤖 📋 Template "esim_ready" (en): Order #42\n   (WhatsApp template: reply to get the rest)');
  });

  it("sends a number as text when nothing has it, and ends on /quit", async () => {
    startChat();
    type("42");
    await outputShows("🤖 You said: 42");
    type("/quit");
    await chat.closed;
  });

  it("plays a user with a username only (no phone number)", async () => {
    startChat({ name: "night_owl", withUsername: true });
    expect(chat.user.waId).toBeUndefined();
    type("hello");
    await outputShows("🤖 You said: hello");
    expect(sim.sent(chat.user.userId)).toHaveLength(1);
  });

  it("says so when the product cannot be reached, and ends with the input", async () => {
    sim.setWebhookUrl(undefined);
    startChat();
    type("hi");
    await outputShows("⚠️ whatsapp-sim: no webhook URL is set");
    input.end();
    await chat.closed;
  });
});

describe("renderWhatsAppText", () => {
  it("drops the markers of bold, italic and strike off a terminal and keeps code in backticks", () => {
    expect(renderWhatsAppText("*Germany* _1 GB_ ~$5~ ```LPA:1$x``` `code` snake_case_name 2*3*4")).toBe("Germany 1 GB $5 `LPA:1$x` `code` snake_case_name 2*3*4");
  });

  it("styles them with ANSI on a terminal", () => {
    expect(renderWhatsAppText("*bold* and _it_", { color: true })).toBe("\u001b[1mbold\u001b[22m and \u001b[3mit\u001b[23m");
  });
});
