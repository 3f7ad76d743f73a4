import type { PhotoSize } from "grammy/types";
import { UploadedFile, type Payload } from "./body.ts";
import { badRequest } from "./errors.ts";
import type { SimStore, StoredFile } from "./store.ts";

const KIND_NAMES = { photo: "Photo", document: "Document" } as const;
const THUMBNAIL_SIDES = [90, 320, 800];

/** An InputFile: an uploaded part (directly or via attach://), an HTTP URL, or a file_id sent before. */
export async function resolveInputFile(store: SimStore, payload: Payload, field: string, kind: StoredFile["kind"]): Promise<StoredFile> {
  const value = payload[field];
  if (value === undefined || value === null || value === "") throw badRequest(`there is no ${field} in the request`);
  const upload = value instanceof UploadedFile ? value : attachedUpload(payload, value);
  if (upload) return storeUpload(store, upload, kind);
  if (typeof value !== "string") throw badRequest(`wrong file identifier/HTTP URL specified`);
  if (/^https?:\/\//i.test(value)) return storeUpload(store, await download(value), kind);
  const known = store.file(value);
  if (!known) throw badRequest("wrong file identifier/HTTP URL specified");
  if (known.kind !== kind) throw badRequest(`can't use file of type ${KIND_NAMES[known.kind]} as ${KIND_NAMES[kind]}`);
  return known;
}

function attachedUpload(payload: Payload, value: unknown): UploadedFile | undefined {
  if (typeof value !== "string" || !value.startsWith("attach://")) return undefined;
  const part = payload[value.slice("attach://".length)];
  if (!(part instanceof UploadedFile)) throw badRequest("wrong file identifier/HTTP URL specified");
  return part;
}

async function download(url: string): Promise<UploadedFile> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
    if (!response.ok) throw new Error(String(response.status));
    const name = new URL(url).pathname.split("/").pop() || "file";
    return new UploadedFile(name, response.headers.get("content-type") ?? undefined, Buffer.from(await response.arrayBuffer()));
  } catch {
    throw badRequest("failed to get HTTP URL content");
  }
}

function storeUpload(store: SimStore, upload: UploadedFile, kind: StoredFile["kind"]): StoredFile {
  if (upload.bytes.length === 0) throw badRequest("file must be non-empty");
  if (kind === "document") {
    return store.addFile({ kind, bytes: upload.bytes, fileName: upload.fileName, mimeType: mimeTypeOf(upload) });
  }
  const size = imageSizeOf(upload.bytes);
  if (!size) throw badRequest("IMAGE_PROCESS_FAILED");
  return store.addFile({ kind, bytes: upload.bytes, fileName: upload.fileName, mimeType: mimeTypeOf(upload), ...size });
}

const MIME_BY_EXTENSION: Record<string, string> = {
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  pdf: "application/pdf",
  txt: "text/plain",
  csv: "text/csv",
  json: "application/json",
  zip: "application/zip",
};

function mimeTypeOf(upload: UploadedFile): string | undefined {
  if (upload.contentType && upload.contentType !== "application/octet-stream") return upload.contentType;
  const extension = /\.([a-z0-9]+)$/i.exec(upload.fileName)?.[1]?.toLowerCase() ?? "";
  return MIME_BY_EXTENSION[extension] ?? (imageSizeOf(upload.bytes)?.format === "png" ? "image/png" : undefined);
}

interface ImageSize {
  width: number;
  height: number;
  format: "png" | "jpeg" | "other";
}

/** Enough of PNG and JPEG headers to tell an image from a mistake (Telegram answers IMAGE_PROCESS_FAILED). */
export function imageSizeOf(bytes: Buffer): ImageSize | undefined {
  if (bytes.length >= 24 && bytes.readUInt32BE(0) === 0x89504e47) {
    return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20), format: "png" };
  }
  if (bytes.length > 4 && bytes[0] === 0xff && bytes[1] === 0xd8) return jpegSizeOf(bytes);
  const signature = bytes.subarray(0, 4).toString("latin1");
  if (signature === "GIF8" || (signature === "RIFF" && bytes.subarray(8, 12).toString("latin1") === "WEBP")) {
    return { width: 0, height: 0, format: "other" };
  }
  return undefined;
}

function jpegSizeOf(bytes: Buffer): ImageSize | undefined {
  let at = 2;
  while (at + 9 < bytes.length && bytes[at] === 0xff) {
    const marker = bytes[at + 1] ?? 0;
    const isFrameHeader = marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker);
    if (isFrameHeader) return { height: bytes.readUInt16BE(at + 5), width: bytes.readUInt16BE(at + 7), format: "jpeg" };
    at += 2 + bytes.readUInt16BE(at + 2);
  }
  return { width: 0, height: 0, format: "jpeg" };
}

/** Telegram returns several sizes, smallest first; bots use the last (largest). */
export function photoSizesOf(store: SimStore, photo: StoredFile): PhotoSize[] {
  const width = photo.width ?? 0;
  const height = photo.height ?? 0;
  const longest = Math.max(width, height);
  const thumbnails = THUMBNAIL_SIDES.filter((side) => side < longest).map((side) => {
    const scale = side / longest;
    const thumbnail = store.addFile({ ...photo, width: Math.round(width * scale), height: Math.round(height * scale) });
    return sizeOf(thumbnail, Math.round(photo.bytes.length * scale * scale));
  });
  return [...thumbnails, sizeOf(photo, photo.bytes.length)];
}

function sizeOf(file: StoredFile, fileSize: number): PhotoSize {
  return { file_id: file.fileId, file_unique_id: file.fileUniqueId, width: file.width ?? 0, height: file.height ?? 0, file_size: fileSize };
}
