import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { createRequire } from "node:module";
import { PNG } from "pngjs";

// jsqr is CommonJS whose typings claim a default export; require() gets the function itself.
const jsQR = createRequire(import.meta.url)("jsqr") as typeof import("jsqr").default;

export interface ReceivedCallback {
  headers: IncomingHttpHeaders;
  raw: string;
}

/** A real HTTP endpoint standing in for a shop's callback route: records raw bodies and headers. */
export async function startCallbackReceiver(status = 200) {
  const received: ReceivedCallback[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({ headers: req.headers, raw: Buffer.concat(chunks).toString("utf8") });
      res.statusCode = status;
      res.end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhooks/esimgo`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export function decodeQr(png: Uint8Array): string | undefined {
  const image = PNG.sync.read(Buffer.from(png));
  return jsQR(new Uint8ClampedArray(image.data), image.width, image.height)?.data;
}
