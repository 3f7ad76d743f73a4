import jsQR from "jsqr";
import { PNG } from "pngjs";

/** The text encoded in a QR code PNG. */
export function decodeQr(png: Uint8Array): string | undefined {
  const image = PNG.sync.read(Buffer.from(png));
  // jsqr is CommonJS: under NodeNext its default export sits on `.default` (also present at run time).
  return jsQR.default(new Uint8ClampedArray(image.data.buffer, image.data.byteOffset, image.data.byteLength), image.width, image.height)?.data;
}
