import { createRequire } from "node:module";
import { PNG } from "pngjs";
import qrcodeTerminal from "qrcode-terminal";

// jsqr is CommonJS whose typings claim a default export; require() gets the function itself.
const jsQR = createRequire(import.meta.url)("jsqr") as typeof import("jsqr").default;

/** The text of the QR code in a PNG, if it holds one. */
export function decodeQr(png: Buffer): string | undefined {
  try {
    const image = PNG.sync.read(png);
    return jsQR(new Uint8ClampedArray(image.data.buffer, image.data.byteOffset, image.data.length), image.width, image.height)?.data;
  } catch {
    return undefined;
  }
}

/** The image's QR, decoded and redrawn small with its text (as telegram-sim draws them): a QR is the point of most images here. */
export async function qrLinesOf(png: Buffer): Promise<string[]> {
  const text = decodeQr(png);
  if (text === undefined) return [];
  const art = await new Promise<string>((resolve) => qrcodeTerminal.generate(text, { small: true }, resolve));
  return [...art.trimEnd().split("\n"), `QR: ${text}`];
}
