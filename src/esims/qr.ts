import QRCode from "qrcode";
export { appleInstallUrl as appleInstallUrlOf, lpaString as lpaOf } from "../esimgo/index.ts";

/** Integer scale keeps modules crisp; margin 4 is the quiet zone scanners expect. */
export async function qrPng(text: string): Promise<Uint8Array> {
  const buffer = await QRCode.toBuffer(text, { type: "png", errorCorrectionLevel: "M", margin: 4, scale: 8 });
  return new Uint8Array(buffer);
}
