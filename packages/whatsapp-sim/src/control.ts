import { type ControlRoute, controlRoute } from "@esim-shop/sim-kit";
import { z } from "zod";
import type { SimUser, StoredMedia, TranscriptEntry, WhatsAppSim } from "./types.ts";
import { newUserSchema, WINDOW_MS } from "./users.ts";

type Sim = Omit<WhatsAppSim, "close" | "url" | "controlUrl" | "controlToken" | "faults" | "requests" | "settings" | "apiUrl">;

const text = z.string().min(1);
const userRef = z.string().min(1);
const batchItem = z.union([z.strictObject({ user: userRef, text }), z.strictObject({ user: userRef, press: z.strictObject({ messageId: z.string().min(1), id: z.string().min(1) }) })]);
const deliveryStatus = z.enum(["sent", "delivered", "read"]);

function userJson(user: SimUser, now: number): Record<string, unknown> {
  const open = user.lastInboundAt !== undefined && now - user.lastInboundAt < WINDOW_MS;
  return { ...user, windowOpen: open, ...(open && user.lastInboundAt !== undefined ? { windowClosesAt: user.lastInboundAt + WINDOW_MS } : {}) };
}

/** Buffers as base64, for JSON. */
function entryJson(entry: TranscriptEntry): Record<string, unknown> {
  if (entry.direction === "in" || entry.content.type !== "image" || !entry.content.image) return { ...entry };
  const { image, ...content } = entry.content;
  return { ...entry, content: { ...content, image: { mimeType: image.mimeType, size: image.bytes.length, base64: image.bytes.toString("base64") } } };
}

function mediaJson(media: StoredMedia): Record<string, unknown> {
  return { id: media.id, mimeType: media.mimeType, fileName: media.fileName, size: media.bytes.length, sha256: media.sha256, base64: media.bytes.toString("base64") };
}

/** The stand-in's own control calls under /__control: the users' side of WhatsApp, and what the business did. */
export function controlRoutes(sim: Sim, now: () => number): ControlRoute[] {
  const known = (id: string) => {
    const user = sim.user(id);
    if (!user) throw new Error(`whatsapp-sim: no user ${id}`);
    return user;
  };
  return [
    controlRoute("POST", "/users", 'creates a user: {"name", "waId"?, "withUsername"?, "userId"?}; answers it with its BSUID (userId) and waId', newUserSchema, ({ body }) => userJson(sim.createUser(body), now())),
    controlRoute("GET", "/users", "every user", () => sim.users().map((u) => userJson(u, now()))),
    controlRoute("GET", "/users/:id", "one user (by BSUID or wa_id), with its 24-hour window", ({ params }) => userJson(known(params.id ?? ""), now())),
    controlRoute("POST", "/users/:id/messages", 'the user writes: {"text"}; answers {messageId, status} (status: the product\'s answer to the webhook)', z.strictObject({ text }), ({ params, body }) =>
      sim.sendText(params.id ?? "", body.text),
    ),
    controlRoute("POST", "/users/:id/presses", 'the user presses a reply button or picks a list row of a message the business sent: {"messageId", "id"}', z.strictObject({ messageId: z.string().min(1), id: z.string().min(1) }), ({ params, body }) =>
      sim.press(params.id ?? "", body.messageId, body.id),
    ),
    controlRoute("PUT", "/users/:id/undeliverable", 'not on WhatsApp: {"undeliverable": true, "report"?: "response" | "status"}', z.strictObject({ undeliverable: z.boolean(), report: z.enum(["response", "status"]).optional() }), ({ params, body }) => {
      sim.setUndeliverable(params.id ?? "", body.undeliverable ? (body.report ?? "response") : false);
      return userJson(known(params.id ?? ""), now());
    }),
    controlRoute("POST", "/users/:id/window", 'ages the 24-hour window: {"ageHours": 25} moves the last inbound message 25 hours back', z.strictObject({ ageHours: z.number().positive() }), ({ params, body }) => {
      sim.ageWindow(params.id ?? "", body.ageHours);
      return userJson(known(params.id ?? ""), now());
    }),
    controlRoute("GET", "/users/:id/transcript", "both directions, oldest first; images with their bytes (base64)", ({ params }) => sim.transcript(known(params.id ?? "").userId).map(entryJson)),
    controlRoute("GET", "/messages", "what the business sent (?user= one user's), oldest first", ({ query }) => sim.sent(query.get("user") ?? undefined).map(entryJson)),
    controlRoute("POST", "/messages/:id/statuses", 'posts one status callback now: {"status": "sent" | "delivered" | "read" | "failed", "errorCode"?}', z.strictObject({ status: z.enum(["sent", "delivered", "read", "failed"]), errorCode: z.number().int().optional() }), async ({ params, body }) => ({
      status: await sim.postStatus(params.id ?? "", body.status, body.errorCode),
    })),
    controlRoute("GET", "/statuses", "how status callbacks follow each send", () => sim.setStatusMode({})),
    controlRoute("PUT", "/statuses", '{"upTo"?: "sent" | "delivered" | "read" | "none", "order"?: "in-order" | "reversed" | "shuffled", "duplicates"?: bool}', z.strictObject({ upTo: z.union([deliveryStatus, z.literal("none")]).optional(), order: z.enum(["in-order", "reversed", "shuffled"]).optional(), duplicates: z.boolean().optional() }), ({ body }) =>
      sim.setStatusMode(Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined))),
    ),
    controlRoute("POST", "/batches", 'several inbound messages in ONE POST: {"messages": [{"user", "text"} | {"user", "press": {"messageId", "id"}}], "split"?: "messages" | "changes" | "entries"}', z.strictObject({ messages: z.array(batchItem).min(1), split: z.enum(["messages", "changes", "entries"]).optional() }), ({ body }) =>
      sim.sendBatch(body.messages, body.split),
    ),
    controlRoute("POST", "/inbound/:id/redeliveries", 'posts the body that carried this inbound message again, byte for byte: {"times"?: 1, "concurrently"?: false}; answers {statuses}', z.strictObject({ times: z.number().int().min(1).max(20).optional(), concurrently: z.boolean().optional() }), async ({ params, body }) => ({
      statuses: await sim.redeliver(params.id ?? "", body),
    })),
    controlRoute("POST", "/forged", 'a POST signed with the wrong secret: {"user", "text"}; answers {status}', z.strictObject({ user: userRef, text }), async ({ body }) => ({ status: await sim.sendForged(body.user, body.text) })),
    controlRoute("POST", "/unsigned", 'a POST with no signature: {"user", "text"}; answers {status}', z.strictObject({ user: userRef, text }), async ({ body }) => ({ status: await sim.sendUnsigned(body.user, body.text) })),
    controlRoute("POST", "/handshake", 'Meta\'s GET verification of the webhook URL: {"verifyToken"?}; answers {ok, status, body, challenge, url}', z.strictObject({ verifyToken: z.string().optional() }), ({ body }) => sim.verifyWebhook(body.verifyToken)),
    controlRoute("GET", "/deliveries", "every webhook POST and the product's status code, retries included", () => sim.deliveries()),
    controlRoute("GET", "/media/:id", "an uploaded media: {id, mimeType, size, sha256, base64}", ({ params }) => {
      const media = sim.media(params.id ?? "");
      if (!media) throw new Error(`whatsapp-sim: no media ${params.id ?? ""}`);
      return mediaJson(media);
    }),
  ];
}
