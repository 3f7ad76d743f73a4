import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { PNG } from "pngjs";
import { freePort, type RunningProcess, startProduct, waitUntil } from "../helpers/process.ts";

// jsqr is CommonJS whose typings claim a default export; require() gets the function itself.
const jsQR = createRequire(import.meta.url)("jsqr") as typeof import("jsqr").default;

/** Generous: a loaded 2-core CI machine starts the product (and an embedded database) slowly. */
export const START_TIMEOUT_MS = 120_000;
export const SCREEN_TIMEOUT_MS = 45_000;
/** A whole scenario: several screens, each within SCREEN_TIMEOUT_MS. */
export const SCENARIO_TIMEOUT_MS = 180_000;

/** The product in a child process, driven through its terminal like a person: type a line, read the screen. */
export class SandboxTerminal {
  /** Where the next wait starts looking: what was already read does not match again. */
  private cursor = 0;

  private constructor(
    readonly run: RunningProcess,
    readonly port: number,
    readonly dataDir: string,
  ) {}

  static async start(env: Record<string, string> = {}): Promise<SandboxTerminal> {
    const dataDir = path.join(mkdtempSync(path.join(tmpdir(), "esim-sandbox-")), "data");
    const port = await freePort();
    const terminal = new SandboxTerminal(startProduct({ DATA_DIR: dataDir, PORT: String(port), ...env }), port, dataDir);
    await terminal.waitFor(/Stop with \/quit or Ctrl-C\./, "the sandbox banner", START_TIMEOUT_MS);
    return terminal;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  type(line: string): void {
    this.run.child.stdin.write(`${line}\n`);
  }

  /** Waits until the screen shows `pattern` after everything read so far, and moves past it. */
  async waitFor(pattern: RegExp, what: string, timeoutMs = SCREEN_TIMEOUT_MS): Promise<RegExpExecArray> {
    let match: RegExpExecArray | null = null;
    const unread = () => this.run.output().slice(this.cursor);
    await waitUntil(
      () => (match = new RegExp(pattern.source, pattern.flags.replace("g", "")).exec(unread())) !== null,
      timeoutMs,
      `${what} (${pattern}); screen since the last step:\n${unread()}`,
    );
    const found = match as unknown as RegExpExecArray;
    this.cursor += found.index + found[0].length;
    return found;
  }

  /** Types a line and waits for the bot's answer to show. */
  async say(line: string, answer: RegExp, what: string): Promise<RegExpExecArray> {
    this.type(line);
    return this.waitFor(answer, what);
  }

  /** Ctrl-C, then removes the sandbox's files; resolves to the exit code. */
  async stop(): Promise<number | null> {
    if (this.run.child.exitCode === null) this.run.child.kill("SIGINT");
    const code = await this.run.exited;
    rmSync(path.dirname(this.dataDir), { recursive: true, force: true });
    return code;
  }
}

export interface DeliveredEsim {
  pngPath: string;
  /** What a phone's camera reads off the QR drawn on the screen itself. */
  screenQr: string | undefined;
  smdpAddress: string;
  matchingId: string;
  iccid: string;
}

/** Reads the delivery as the screen shows it: the saved QR photo, the QR drawn in the terminal and the caption's install details. */
export async function waitForEsim(terminal: SandboxTerminal): Promise<DeliveredEsim> {
  const photo = await terminal.waitFor(/photo saved: (\S+\.png)\n((?:[ ]*[▄▀█][▄▀█ ]*\n)+)/, "the eSIM's QR photo, drawn on the screen");
  const screenQr = decodeScreenQr((photo[2] ?? "").split("\n"));
  const iccid = await terminal.waitFor(/ICCID: `(\d+)`/, "the ICCID in the caption");
  const smdp = await terminal.waitFor(/SM-DP\+ address: `([^`]+)`/, "the SM-DP+ address in the caption");
  const code = await terminal.waitFor(/Activation code: `([^`]+)`/, "the activation code in the caption");
  return { pngPath: photo[1] ?? "", screenQr, iccid: iccid[1] ?? "", smdpAddress: smdp[1] ?? "", matchingId: code[1] ?? "" };
}

/**
 * Decodes a QR drawn with half blocks as a camera would see it on a dark terminal: each character
 * is one module wide and two tall, a drawn half is light, a blank half is the dark background
 * (which also surrounds the drawing).
 */
export function decodeScreenQr(lines: string[]): string | undefined {
  const art = lines.map((line) => line.trimStart()).filter((line) => line !== "");
  const modules: boolean[][] = art.flatMap((line) => {
    const chars = [...line];
    return [chars.map((c) => c === "█" || c === "▀"), chars.map((c) => c === "█" || c === "▄")];
  });
  const scale = 4;
  const margin = 6;
  const columns = Math.max(0, ...modules.map((row) => row.length));
  const width = (columns + 2 * margin) * scale;
  const height = (modules.length + 2 * margin) * scale;
  if (modules.length === 0) return undefined;
  const pixels = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const light = modules[Math.floor(y / scale) - margin]?.[Math.floor(x / scale) - margin] ?? false;
      pixels.fill(light ? 255 : 0, (y * width + x) * 4, (y * width + x) * 4 + 3);
      pixels[(y * width + x) * 4 + 3] = 255;
    }
  }
  return jsQR(pixels, width, height)?.data;
}

export function decodeQrFile(pngPath: string): string | undefined {
  const image = PNG.sync.read(readFileSync(pngPath));
  return jsQR(new Uint8ClampedArray(image.data), image.width, image.height)?.data;
}

/** `$1,000.00` → 100000 */
export function minorOf(shown: string): number {
  return Math.round(Number(shown.replace(/[^\d.]/g, "")) * 100);
}
