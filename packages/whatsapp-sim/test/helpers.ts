import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { startWhatsAppSim, type WhatsAppSim, type WhatsAppSimOptions } from "../src/index.ts";

export const APP_SECRET = "test-app-secret-ü";
export const VERIFY_TOKEN = "test-verify-token";
export const TOKEN = "EAAG-test-token";

export interface ReceivedPost {
  raw: Buffer;
  signature: string | undefined;
  /** The signature checked with Node's crypto over the raw bytes, in constant time. */
  verified: boolean;
  body: WebhookBody;
  answered: number;
}

export interface WebhookBody {
  object: string;
  entry: { id: string; changes: { field: string; value: ChangeValue }[] }[];
}

export interface ChangeValue {
  messaging_product: string;
  metadata: { display_phone_number: string; phone_number_id: string };
  contacts?: { profile: { name: string }; wa_id?: string; user_id: string }[];
  messages?: Record<string, unknown>[];
  statuses?: Record<string, unknown>[];
}

export function verifySignature(raw: Buffer, header: string | undefined, secret: string): boolean {
  if (!header) return false;
  const expected = Buffer.from(`sha256=${createHmac("sha256", secret).update(raw).digest("hex")}`);
  const given = Buffer.from(header);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The product's webhook endpoint in miniature: checks signatures, answers the handshake, records every POST. */
export class Receiver {
  readonly posts: ReceivedPost[] = [];
  private readonly scripted: number[] = [];
  private readonly listeners = new Set<(post: ReceivedPost) => void>();
  private server: Server | undefined;

  constructor(private readonly secret = APP_SECRET) {}

  async start(): Promise<string> {
    this.server = createServer((request, response) => {
      if (request.method === "GET") {
        const url = new URL(request.url ?? "/", "http://x");
        const ok = url.searchParams.get("hub.mode") === "subscribe" && url.searchParams.get("hub.verify_token") === VERIFY_TOKEN;
        response.writeHead(ok ? 200 : 403, { "content-type": "text/plain" }).end(ok ? (url.searchParams.get("hub.challenge") ?? "") : "forbidden");
        return;
      }
      void readAll(request).then((raw) => {
        const signature = request.headers["x-hub-signature-256"] as string | undefined;
        const verified = verifySignature(raw, signature, this.secret);
        const answered = verified ? (this.scripted.shift() ?? 200) : 401;
        const post: ReceivedPost = { raw, signature, verified, body: JSON.parse(raw.toString("utf8")) as WebhookBody, answered };
        this.posts.push(post);
        response.writeHead(answered).end();
        for (const listener of this.listeners) listener(post);
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/webhooks/whatsapp`;
  }

  /** The next answers to verified POSTs, in order (then 200). */
  answerNext(...statuses: number[]): void {
    this.scripted.push(...statuses);
  }

  onPost(listener: (post: ReceivedPost) => void): void {
    this.listeners.add(listener);
  }

  /** Every message of every verified POST. */
  messages(): Record<string, unknown>[] {
    return this.values().flatMap((value) => value.messages ?? []);
  }

  statuses(): Record<string, unknown>[] {
    return this.values().flatMap((value) => value.statuses ?? []);
  }

  values(): ChangeValue[] {
    return this.posts.filter((p) => p.verified).flatMap((p) => p.body.entry.flatMap((e) => e.changes.map((c) => c.value)));
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve) => {
      if (!this.server) return resolve();
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}

function readAll(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks)));
  });
}

export interface Harness {
  sim: WhatsAppSim;
  receiver: Receiver;
  /** POST {apiUrl}/{phone-number-id}/messages with the token; answers status and JSON. */
  send(body: Record<string, unknown>, options?: { token?: string; path?: string }): Promise<{ status: number; json: GraphAnswer }>;
  /** A control call over HTTP. */
  control<T = unknown>(method: string, path: string, body?: unknown): Promise<{ status: number; json: T }>;
  close(): Promise<void>;
}

export interface GraphAnswer {
  error?: { message: string; type: string; code: number; error_data: { messaging_product: string; details: string }; fbtrace_id: string };
  messaging_product?: string;
  contacts?: { input: string; wa_id?: string; user_id?: string }[];
  messages?: { id: string; message_status?: string }[];
  [key: string]: unknown;
}

export async function startHarness(options: WhatsAppSimOptions = {}): Promise<Harness> {
  const receiver = new Receiver(options.appSecret ?? APP_SECRET);
  const webhookUrl = await receiver.start();
  const sim = await startWhatsAppSim({ accessToken: TOKEN, appSecret: APP_SECRET, verifyToken: VERIFY_TOKEN, webhookUrl, webhookRetryDelaysMs: [10, 20, 40], statusDelayMs: 1, ...options });
  const harness: Harness = {
    sim,
    receiver,
    async send(body, { token = TOKEN, path = `${sim.phoneNumberId}/messages` } = {}) {
      const response = await fetch(`${sim.apiUrl}/${path}`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify(body) });
      return { status: response.status, json: (await response.json()) as GraphAnswer };
    },
    async control<T>(method: string, path: string, body?: unknown) {
      const response = await fetch(`${sim.controlUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${sim.controlToken}`, "content-type": "application/json" },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: response.status, json: (await response.json()) as T };
    },
    async close() {
      await sim.idle();
      await sim.close();
      await receiver.close();
    },
  };
  return harness;
}

/** A user who just wrote (their 24-hour window is open), created and written through the control API. */
export async function userWhoWrote(harness: Harness, user: { name: string; waId?: string; withUsername?: boolean } = { name: "Ada" }): Promise<{ userId: string; waId?: string }> {
  const created = await harness.control<{ userId: string; waId?: string }>("POST", "/users", user);
  await harness.control("POST", `/users/${created.json.userId}/messages`, { text: "hello" });
  return created.json;
}

export function textTo(to: string, body: string): Record<string, unknown> {
  return { messaging_product: "whatsapp", to, type: "text", text: { body } };
}
