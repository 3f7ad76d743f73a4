import { createHash } from "node:crypto";
import { GraphError, invalidParameter } from "./errors.ts";
import { mediaId } from "./ids.ts";
import type { StoredMedia } from "./types.ts";

export const MAX_IMAGE_BYTES = 5 * 1024 * 1024;
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const ACCEPTED = ["image/png", "image/jpeg"];

export interface MediaStore {
  get(id: string): StoredMedia | undefined;
  add(media: Omit<StoredMedia, "id" | "sha256">): StoredMedia;
  count(): number;
}

export function createMediaStore(): MediaStore {
  const byId = new Map<string, StoredMedia>();
  return {
    get: (id) => byId.get(id),
    add(media) {
      const stored: StoredMedia = { ...media, id: mediaId(), sha256: createHash("sha256").update(media.bytes).digest("hex") };
      byId.set(stored.id, stored);
      return stored;
    },
    count: () => byId.size,
  };
}

/** What the bytes really are, whatever the upload claims. */
export function sniffImage(bytes: Buffer): "image/png" | "image/jpeg" | undefined {
  if (bytes.length >= 33 && bytes.subarray(0, 8).equals(PNG_SIGNATURE) && bytes.toString("latin1", 12, 16) === "IHDR") return "image/png";
  if (bytes.length >= 4 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return "image/jpeg";
  return undefined;
}

/** Meta takes 8-bit RGB or RGBA PNGs only (IHDR: bit depth, then colour type 2 or 6). */
function checkPngFormat(bytes: Buffer): void {
  const bitDepth = bytes[24];
  const colourType = bytes[25];
  if (bitDepth !== 8 || (colourType !== 2 && colourType !== 6)) {
    throw new GraphError("mediaUpload", `Param file: the PNG is ${bitDepth}-bit with colour type ${colourType}; only 8-bit RGB or RGBA images are accepted.`);
  }
}

/** Checks a `POST /{phone-number-id}/media` form as the Cloud API does: fields, size, and that type, part and bytes (magic numbers) agree. */
export async function readUpload(form: FormData): Promise<Omit<StoredMedia, "id" | "sha256">> {
  const product = form.get("messaging_product");
  if (product === null) throw invalidParameter("The parameter messaging_product is required.");
  if (product !== "whatsapp") throw invalidParameter("Param messaging_product must be one of {whatsapp}.");
  const file = form.get("file");
  if (file === null) throw invalidParameter("The parameter file is required.");
  if (typeof file === "string") throw invalidParameter("Param file must be a file upload.");
  const type = form.get("type");
  if (type === null) throw invalidParameter("The parameter type is required.");
  if (typeof type !== "string" || !ACCEPTED.includes(type)) throw invalidParameter(`Param type must be one of {${ACCEPTED.join(", ")}} (the media types whatsapp-sim simulates).`);
  if (!ACCEPTED.includes(file.type)) throw invalidParameter(`Param file must be a file with one of the following types: ${ACCEPTED.join(", ")}. Received file of type '${file.type || "application/octet-stream"}'.`);
  if (file.size > MAX_IMAGE_BYTES) throw new GraphError("mediaUpload", `Param file: ${file.size} bytes; images may be at most 5 MB (${MAX_IMAGE_BYTES} bytes).`);
  const bytes = Buffer.from(await file.arrayBuffer());
  const real = sniffImage(bytes);
  if (real === undefined) throw new GraphError("mediaUpload", "Param file: the bytes are neither a PNG nor a JPEG image.");
  if (real !== type || real !== file.type) throw new GraphError("mediaUpload", `Param file: the bytes are ${real}, but the upload says ${type} (type) and ${file.type} (file).`);
  if (real === "image/png") checkPngFormat(bytes);
  return { mimeType: real, bytes, ...(file.name ? { fileName: file.name } : {}) };
}
