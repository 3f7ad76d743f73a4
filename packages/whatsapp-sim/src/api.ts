import { applyFault, dropConnection, type FaultAnswer, type FaultPlan, type RequestLog } from "@esim-shop/sim-kit";
import type { Context, Hono } from "hono";
import { GraphError, invalidParameter, unsupportedRequest } from "./errors.ts";
import { wamid } from "./ids.ts";
import { graphErrorOf } from "./limits.ts";
import { MAX_IMAGE_BYTES, type MediaStore, readUpload } from "./media.ts";
import type { Business } from "./payloads.ts";
import { parseSend, type Recipient } from "./send.ts";
import { markReadSchema } from "./send-schema.ts";
import type { StatusReporter } from "./statuses.ts";
import type { MessageStore } from "./store.ts";
import type { Throughput } from "./throughput.ts";
import type { SentMessage, SimUser, TemplateDefinition } from "./types.ts";
import type { UserDirectory } from "./users.ts";

export const ROUTES = { phone: "/{phone-number-id}", messages: "/{phone-number-id}/messages", media: "/{phone-number-id}/media" } as const;

export interface ApiDeps {
  version: string;
  accessToken: string;
  business: Business & { verifiedName: string };
  templates: readonly TemplateDefinition[];
  now(): number;
  users: UserDirectory;
  store: MessageStore;
  media: MediaStore;
  statuses: StatusReporter;
  throughput: Throughput;
  requests: RequestLog<unknown>;
  faults: FaultPlan;
  /** Told of every request's arrival and answer (the terminal chat waits for the product to go quiet). */
  activity(): void;
}

/** Every field a phone number node answers, and what it answers when none are asked. */
const PHONE_FIELDS = ["id", "display_phone_number", "verified_name", "quality_rating", "code_verification_status", "platform_type", "throughput"];

/** The Graph API below `/{version}`: sends, uploads, the phone number node; anything else is Graph's "unsupported request". */
export function registerApi(app: Hono, deps: ApiDeps): void {
  app.all("*", (c) => handle(c, deps));
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json; charset=UTF-8" } });
}

function routeOf(method: string, segments: string[]): string | undefined {
  if (segments.length === 1 && method === "GET") return ROUTES.phone;
  if (segments.length === 2 && method === "POST" && segments[1] === "messages") return ROUTES.messages;
  if (segments.length === 2 && method === "POST" && segments[1] === "media") return ROUTES.media;
  return undefined;
}

function authorize(header: string | undefined, token: string): void {
  const given = /^(?:Bearer|OAuth) (\S+)$/i.exec(header ?? "")?.[1];
  if (given === undefined) throw new GraphError("accessToken", undefined, { message: "An active access token must be used to query information about the current user." });
  if (given !== token) throw new GraphError("accessToken");
}

async function handle(c: Context, deps: ApiDeps): Promise<Response> {
  const method = c.req.method.toUpperCase();
  const [version, ...segments] = new URL(c.req.url).pathname.split("/").filter(Boolean).map(decodeURIComponent);
  const route = routeOf(method, segments);
  const path = `/${segments.join("/")}`;
  const logged = deps.requests.add({ method, path, ...(route ? { route } : {}) });
  deps.activity();
  const answer = (status: number, body: unknown): Response => {
    logged.status = status;
    deps.activity();
    return json(status, body);
  };
  try {
    if (version !== deps.version) throw invalidParameter(`Unknown Graph API version "${version ?? ""}": this stand-in serves ${deps.version} only.`);
    authorize(c.req.header("authorization"), deps.accessToken);
    const objectId = segments[0] ?? "";
    if (!route || objectId !== deps.business.phoneNumberId) throw unsupportedRequest(method, objectId);
    const work = await workFor(route, c, deps, (detail) => (logged.detail = detail));
    const fault = deps.faults.take({ method, path, route, params: work.params });
    return await applyFault(fault, {
      process: async () => {
        try {
          const [status, body] = await work.run();
          return answer(status, body);
        } catch (error) {
          return answerError(error, answer);
        }
      },
      answer: (injected: FaultAnswer) => answer(injected.status, injected.body),
      drop: () => {
        logged.status = 0;
        dropConnection(c);
        return new Response(null, { status: 500 });
      },
    });
  } catch (error) {
    return answerError(error, answer);
  }
}

function answerError(error: unknown, answer: (status: number, body: unknown) => Response): Response {
  const graph = error instanceof GraphError ? error : new GraphError("unknown", error instanceof Error ? error.message : String(error));
  return answer(graph.status, graph.envelope());
}

interface Work {
  /** What faults match on (`params`). */
  params: Record<string, unknown>;
  run(): Promise<[number, unknown]>;
}

/** Reads the request (before the fault plan, which matches on its parameters); `run` does the work. */
async function workFor(route: string, c: Context, deps: ApiDeps, keep: (detail: unknown) => void): Promise<Work> {
  if (route === ROUTES.phone) {
    const fields = c.req.query("fields");
    return { params: { fields: fields ?? "" }, run: async () => [200, phoneNode(deps, fields)] };
  }
  if (route === ROUTES.media) return mediaWork(c, deps, keep);
  const body = await readJson(c);
  keep(body);
  const scalars = typeof body === "object" && body !== null ? Object.fromEntries(Object.entries(body).filter(([, v]) => typeof v !== "object")) : {};
  return { params: scalars, run: async () => [200, send(body, deps)] };
}

async function readJson(c: Context): Promise<unknown> {
  // Graph reads form fields when the body is not JSON: the send then lacks every parameter.
  if (!/^application\/json\b/i.test(c.req.header("content-type") ?? "")) return {};
  const text = await c.req.text();
  try {
    return JSON.parse(text);
  } catch {
    throw invalidParameter("The request body is not valid JSON.");
  }
}

async function mediaWork(c: Context, deps: ApiDeps, keep: (detail: unknown) => void): Promise<Work> {
  if (!/^multipart\/form-data\b/i.test(c.req.header("content-type") ?? "")) throw invalidParameter("The parameter messaging_product is required.");
  // A little over the file limit, for the form's own bytes; more is refused before it is read.
  if (Number(c.req.header("content-length") ?? 0) > MAX_IMAGE_BYTES + 64 * 1024) throw new GraphError("mediaUpload", `Param file: images may be at most 5 MB (${MAX_IMAGE_BYTES} bytes).`);
  let form: FormData;
  try {
    form = await c.req.raw.formData();
  } catch {
    throw invalidParameter("The request body is not a valid multipart form.");
  }
  const file = form.get("file");
  keep({ type: form.get("type"), ...(typeof file === "object" && file !== null ? { fileName: file.name, fileType: file.type, size: file.size } : {}) });
  return {
    params: { type: String(form.get("type") ?? "") },
    run: async () => [200, { id: deps.media.add(await readUpload(form)).id }],
  };
}

function phoneNode(deps: ApiDeps, fields: string | undefined): Record<string, unknown> {
  const all: Record<string, unknown> = {
    id: deps.business.phoneNumberId,
    display_phone_number: deps.business.displayPhoneNumber,
    verified_name: deps.business.verifiedName,
    quality_rating: "GREEN",
    code_verification_status: "VERIFIED",
    platform_type: "CLOUD_API",
    throughput: { level: "STANDARD" },
  };
  const asked = fields === undefined || fields === "" ? PHONE_FIELDS : fields.split(",").map((f) => f.trim());
  const unknown = asked.find((field) => !PHONE_FIELDS.includes(field));
  if (unknown !== undefined) throw invalidParameter(`Tried accessing nonexisting field (${unknown}) on node type (WhatsAppBusinessPhoneNumber)`);
  // Graph always answers the node's id.
  return Object.fromEntries([...new Set([...asked, "id"])].map((field) => [field, all[field]]));
}

function recipientUser(deps: ApiDeps, recipient: Recipient): SimUser {
  const user = deps.users.list().find((u) => (recipient.kind === "wa_id" ? u.waId === recipient.input : u.userId === recipient.input));
  if (!user) throw new GraphError("undeliverable", `${recipient.kind === "wa_id" ? "to" : "recipient"} ${recipient.input} is not a WhatsApp user known to this stand-in (create users with POST /__control/users).`);
  return user;
}

function markRead(body: object, deps: ApiDeps): Record<string, unknown> {
  const parsed = markReadSchema.safeParse(body, { reportInput: true });
  if (!parsed.success) throw graphErrorOf(parsed.error);
  if (!deps.store.markRead(parsed.data.message_id)) throw invalidParameter(`Param message_id: no message ${parsed.data.message_id} was received by this phone number.`);
  return { success: true };
}

/** One send, checked in the Cloud API's order: throughput, the message, the recipient, the 24-hour window. */
function send(body: unknown, deps: ApiDeps): Record<string, unknown> {
  if (typeof body === "object" && body !== null && "status" in body) return markRead(body, deps);
  if (!deps.throughput.take()) throw new GraphError("throughput");
  const { recipient, content } = parseSend(body, deps);
  const user = recipientUser(deps, recipient);
  if (user.undeliverable === "response") throw new GraphError("undeliverable");
  if (content.type !== "template" && !deps.users.windowOpen(user, deps.now())) throw new GraphError("reEngagement");
  const message: SentMessage = { direction: "out", id: wamid(), userId: user.userId, at: deps.now(), content, statuses: [], payload: body as Record<string, unknown> };
  deps.store.addSent(message);
  deps.statuses.follow(message, user, user.undeliverable === "status" ? 131026 : undefined);
  const contact = recipient.kind === "wa_id" ? { input: recipient.input, wa_id: user.waId } : { input: recipient.input, user_id: user.userId };
  return { messaging_product: "whatsapp", contacts: [contact], messages: [{ id: message.id, ...(content.type === "template" ? { message_status: "accepted" } : {}) }] };
}

