import { createHash } from "node:crypto";
import { PNG } from "pngjs";
import QRCode from "qrcode";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeQr } from "../src/index.ts";
import { type GraphAnswer, type Harness, startHarness, TOKEN, userWhoWrote } from "./helpers.ts";

const LPA = "LPA:1$rsp.example.test$JQ-ABC123";
let harness: Harness;
let ada: { userId: string; waId?: string };
let qrPng: Buffer;

/** The smallest JPEG start: SOI and a JFIF APP0 segment, then EOI. */
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0xff, 0xd9]);
const GIF = Buffer.from("GIF89a\u0001\u0000\u0001\u0000\u0000\u0000\u0000;", "latin1");

beforeAll(async () => {
  harness = await startHarness();
  ada = await userWhoWrote(harness);
  qrPng = await QRCode.toBuffer(LPA, { type: "png", margin: 2, scale: 6 });
});

afterAll(() => harness.close());

async function upload(bytes: Buffer, options: { type?: string | null; fileType?: string; product?: string | null; token?: string } = {}): Promise<{ status: number; json: GraphAnswer }> {
  const form = new FormData();
  if (options.product !== null) form.set("messaging_product", options.product ?? "whatsapp");
  if (options.type !== null) form.set("type", options.type ?? "image/png");
  form.set("file", new Blob([new Uint8Array(bytes)], { type: options.fileType ?? options.type ?? "image/png" }), "qr.png");
  const response = await fetch(`${harness.sim.apiUrl}/${harness.sim.phoneNumberId}/media`, { method: "POST", headers: { authorization: `Bearer ${options.token ?? TOKEN}` }, body: form });
  return { status: response.status, json: (await response.json()) as GraphAnswer };
}

describe("media upload", () => {
  it("keeps a PNG by id; the control API gives its bytes back", async () => {
    const { status, json } = await upload(qrPng);
    expect(status).toBe(200);
    expect(json.id).toMatch(/^\d{16}$/);
    const media = await harness.control<{ mimeType: string; size: number; sha256: string; base64: string }>("GET", `/media/${String(json.id)}`);
    expect(media.json).toMatchObject({ mimeType: "image/png", size: qrPng.length, sha256: createHash("sha256").update(qrPng).digest("hex") });
    expect(Buffer.from(media.json.base64, "base64").equals(qrPng)).toBe(true);
  });

  it("takes a JPEG", async () => {
    const { status } = await upload(JPEG, { type: "image/jpeg" });
    expect(status).toBe(200);
  });

  it("refuses bytes that are not really a PNG or JPEG, whatever the upload says (131053)", async () => {
    for (const bytes of [GIF, Buffer.from("%PDF-1.7 not an image"), Buffer.from("just text")]) {
      const { status, json } = await upload(bytes);
      expect(status).toBe(400);
      expect(json.error?.code).toBe(131053);
      expect(json.error?.error_data.details).toContain("file");
    }
    expect((await upload(JPEG, { type: "image/png" })).json.error?.code).toBe(131053);
  });

  it("refuses other media types, a file part that is not an image, and a missing field (#100)", async () => {
    expect((await upload(GIF, { type: "image/gif" })).json.error?.code).toBe(100);
    const octets = await upload(qrPng, { fileType: "application/octet-stream" });
    expect(octets.json.error?.code).toBe(100);
    expect(octets.json.error?.message).toContain("application/octet-stream");
    expect((await upload(qrPng, { product: null })).json.error?.message).toContain("messaging_product");
    expect((await upload(qrPng, { type: null })).json.error?.message).toContain("type");
  });

  it("refuses more than 5 MB and PNGs that are not 8-bit RGB or RGBA", async () => {
    const big = Buffer.concat([qrPng, Buffer.alloc(5 * 1024 * 1024)]);
    const tooBig = await upload(big);
    expect(tooBig.status).toBe(400);
    expect(tooBig.json.error?.code).toBe(131053);
    const gray = new PNG({ width: 4, height: 4, colorType: 0, inputColorType: 0, inputHasAlpha: false });
    gray.data = Buffer.alloc(16, 200);
    const grayPng = PNG.sync.write(gray, { colorType: 0, inputColorType: 0, inputHasAlpha: false });
    expect((await upload(grayPng)).json.error?.code).toBe(131053);
  });

  it("needs the access token", async () => {
    expect((await upload(qrPng, { token: "wrong" })).status).toBe(401);
  });
});

describe("image messages", () => {
  it("send an uploaded image by id; the transcript holds its bytes", async () => {
    const id = String((await upload(qrPng)).json.id);
    const sent = await harness.send({ messaging_product: "whatsapp", to: ada.waId, type: "image", image: { id, caption: "Your eSIM ✅" } });
    expect(sent.status).toBe(200);
    const transcript = await harness.control<{ direction: string; content: { type: string; mediaId?: string; caption?: string; image?: { base64: string } } }[]>("GET", `/users/${ada.userId}/transcript`);
    const image = transcript.json.find((entry) => entry.content.type === "image");
    expect(image?.content).toMatchObject({ mediaId: id, caption: "Your eSIM ✅" });
    expect(decodeQr(Buffer.from(image?.content.image?.base64 ?? "", "base64"))).toBe(LPA);
  });

  it("refuse a media id that was never uploaded here", async () => {
    const { status, json } = await harness.send({ messaging_product: "whatsapp", to: ada.waId, type: "image", image: { id: "1234567890123456" } });
    expect(status).toBe(400);
    expect(json.error?.code).toBe(131053);
    expect(json.error?.error_data.details).toContain("image['id']");
  });
});
