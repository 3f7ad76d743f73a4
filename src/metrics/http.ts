import { createHash, timingSafeEqual } from "node:crypto";
import { Hono } from "hono";

interface MetricsRouteOptions {
  render(): Promise<{ contentType: string; body: string }>;
  /** When set, a scrape must send `Authorization: Bearer <token>`. */
  token?: string;
}

/** `GET /` of this app is the scrape; mount it under `/metrics`. */
export function metricsApp(options: MetricsRouteOptions): Hono {
  const app = new Hono();
  const expected = options.token === undefined ? undefined : digest(options.token);
  app.get("/", async (c) => {
    if (expected && !matches(c.req.header("authorization"), expected)) {
      return c.json({ error: "unauthorized" }, 401, { "WWW-Authenticate": 'Bearer realm="metrics"' });
    }
    const { contentType, body } = await options.render();
    return c.body(body, 200, { "Content-Type": contentType, "Cache-Control": "no-store" });
  });
  return app;
}

/** Compared as digests: equal lengths for timingSafeEqual, and no timing hint of the token's length. */
function digest(text: string): Buffer {
  return createHash("sha256").update(text).digest();
}

function matches(header: string | undefined, expected: Buffer): boolean {
  const token = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "")?.[1];
  return token !== undefined && timingSafeEqual(digest(token), expected);
}
