import { applyFault, createStandIn, dropConnection, type FaultAnswer, type FaultPlan, nodeResponse, RequestLog, serveStandIn } from "@esim-shop/sim-kit";
import type { Context } from "hono";
import type { UserFromGetMe } from "grammy/types";
import { parseParameters, type Payload } from "./body.ts";
import { controlRoutes } from "./control.ts";
import { SimCore } from "./core.ts";
import { BotApiError, blockedError } from "./errors.ts";
import { chatIdOf, createMethods, Described, type Handler, type RequestContext } from "./methods.ts";
import type { ApiErrorShape, CallbackAnswer, MessageListener, RecordedCall, SimChat, SimMessage, SimUser, TelegramSim, TelegramSimOptions } from "./types.ts";

const DEFAULT_TOKEN = "123456:SANDBOX";
const DEFAULT_WAIT_MS = 5_000;
const MAX_BODY_BYTES = 50 * 1024 * 1024;
/** Methods that write into a chat: these fail with 403 once the user blocked the bot. */
const WRITES_TO_CHAT = /^(send|edit|copy|forward)/i;

function botInfoOf(token: string, username: string): UserFromGetMe {
  return {
    id: Number(token.split(":")[0]) || 123456,
    is_bot: true,
    first_name: "eSIM Sandbox",
    username,
    can_join_groups: true,
    can_read_all_group_messages: false,
    supports_inline_queries: false,
    can_connect_to_business: false,
    has_main_web_app: false,
    has_topics_enabled: false,
    allows_users_to_create_topics: false,
    can_manage_bots: false,
    supports_join_request_queries: false,
  };
}

/** A fault's answer or dropped connection, carried from the method call to the HTTP front. */
class InjectedAnswer extends Error {
  constructor(readonly answer: FaultAnswer) {
    super("injected answer");
  }
}
class DroppedConnection extends Error {}

/** Routes one Bot API call: logs it, applies the fault plan and blocks, then runs the method. */
class ApiEndpoint {
  private readonly methods: Map<string, { name: string; handler: Handler }>;

  constructor(
    private readonly core: SimCore,
    private readonly requests: RequestLog<Payload>,
    private readonly faults: FaultPlan,
  ) {
    this.methods = createMethods(core);
  }

  async call(httpMethod: string, methodName: string, payload: Payload, request: RequestContext): Promise<unknown> {
    const method = this.methods.get(methodName.toLowerCase());
    const logged = this.requests.add({ method: httpMethod, path: `/${method?.name ?? methodName}`, detail: payload });
    try {
      if (!method) throw new BotApiError(404, "Not Found");
      const fault = this.faults.take({ method: httpMethod, path: `/${method.name}`, params: payload });
      const result = await applyFault(fault, {
        process: async () => {
          this.throwIfBlocked(method.name, payload);
          return method.handler(payload, request);
        },
        answer: (answer) => {
          throw new InjectedAnswer(answer);
        },
        drop: () => {
          throw new DroppedConnection();
        },
      });
      logged.status = 200;
      return result;
    } catch (error) {
      logged.status = error instanceof InjectedAnswer ? error.answer.status : error instanceof BotApiError ? error.errorCode : error instanceof DroppedConnection ? 0 : 500;
      throw error;
    }
  }

  private throwIfBlocked(method: string, payload: Payload): void {
    const chatId = chatIdOf(payload);
    if (!WRITES_TO_CHAT.test(method) || typeof chatId !== "number") return;
    if (this.core.store.chat(chatId)?.blocked) throw BotApiError.from(blockedError);
  }
}

/** Reads the body, refusing more than Telegram takes. */
async function readBody(c: Context): Promise<Buffer> {
  const stream = c.req.raw.body;
  if (!stream) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new BotApiError(413, "Request Entity Too Large");
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks);
}

function json(status: number, body: unknown): Response {
  const text = JSON.stringify(body);
  return new Response(text, { status, headers: { "content-type": "application/json", "content-length": String(Buffer.byteLength(text)) } });
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

class HttpFront {
  constructor(
    private readonly token: string,
    private readonly endpoint: ApiEndpoint,
    private readonly core: SimCore,
    private readonly latencyMs: number,
  ) {}

  async handle(c: Context): Promise<Response> {
    const url = new URL(c.req.url);
    const file = /^\/file\/bot([^/]*)\/(.+)$/.exec(url.pathname);
    if (file) return this.serveFile(file[1] ?? "", decodeURIComponent(file[2] ?? ""));
    const call = /^\/bot([^/]*)\/([^/]*)$/.exec(url.pathname);
    if (!call) return json(404, new BotApiError(404, "Not Found").toWire());
    if (call[1] !== this.token) return json(401, new BotApiError(401, "Unauthorized").toWire());
    try {
      const payload = parseParameters(url.searchParams, c.req.header("content-type"), await readBody(c));
      const result = await this.endpoint.call(c.req.method, call[2] ?? "", payload, this.contextFor(c));
      if (this.latencyMs > 0) await delay(this.latencyMs);
      return json(200, result instanceof Described ? { ok: true, result: result.result, description: result.description } : { ok: true, result });
    } catch (error) {
      if (error instanceof DroppedConnection) {
        dropConnection(c);
        return new Response(null, { status: 500 });
      }
      if (this.latencyMs > 0) await delay(this.latencyMs);
      if (error instanceof InjectedAnswer) {
        const { status, body, headers } = error.answer;
        return new Response(typeof body === "string" ? body : JSON.stringify(body ?? {}), { status, headers: { "content-type": "application/json", ...headers } });
      }
      const apiError = error instanceof BotApiError ? error : new BotApiError(500, "Internal Server Error");
      return json(apiError.errorCode, apiError.toWire());
    }
  }

  private contextFor(c: Context): RequestContext {
    const response = nodeResponse(c);
    return {
      onCancel: (cancel) =>
        response?.on("close", () => {
          if (!response.writableEnded) cancel();
        }),
    };
  }

  private serveFile(token: string, path: string): Response {
    if (token !== this.token) return json(401, new BotApiError(401, "Unauthorized").toWire());
    const stored = this.core.store.fileAtPath(path);
    if (!stored) return json(404, new BotApiError(404, "Not Found").toWire());
    return new Response(new Uint8Array(stored.bytes), { status: 200, headers: { "content-type": stored.mimeType ?? "application/octet-stream", "content-length": String(stored.bytes.length) } });
  }
}

/** A Bot API error as a fault's answer: `sim.faults.inject({ path: "/sendMessage", answer: botApiError({ error_code: 429, ... }) })`. */
export function botApiError(shape: ApiErrorShape): FaultAnswer {
  return { status: shape.error_code, body: BotApiError.from(shape).toWire() };
}

/** Ready-made fault answers by name, as Telegram sends them. */
export const FAULT_ANSWERS: Readonly<Record<string, FaultAnswer>> = {
  blocked: botApiError(blockedError),
  flood: botApiError({ error_code: 429, description: "Too Many Requests: retry after 1", parameters: { retry_after: 1 } }),
  internal: botApiError({ error_code: 500, description: "Internal Server Error" }),
};

function waitForBotMessage(core: SimCore, chatId: number, predicate: (m: SimMessage) => boolean, timeoutMs: number): Promise<SimMessage> {
  const matches = (message: SimMessage): boolean => message.from === "bot" && !message.deleted && predicate(message);
  for (const message of core.store.chat(chatId)?.newestFirst() ?? []) {
    if (matches(message)) return Promise.resolve(message);
  }
  return new Promise((resolve, reject) => {
    const stop = core.store.watchChat(chatId, (message) => {
      if (!matches(message)) return;
      clearTimeout(timer);
      stop();
      resolve(message);
    });
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`waitFor: no matching bot message in chat ${chatId} within ${timeoutMs} ms; transcript:\n${describeTranscript(core, chatId)}`));
    }, timeoutMs);
  });
}

function describeTranscript(core: SimCore, chatId: number): string {
  const transcript = core.store.chat(chatId)?.transcript() ?? [];
  return transcript
    .slice(-10)
    .map((m) => `  #${m.message_id} ${m.from}${m.edited ? " (edited)" : ""}${m.deleted ? " (deleted)" : ""}: ${m.text ?? m.caption ?? (m.photo ? "[photo]" : m.document ? "[document]" : "")}`)
    .join("\n");
}

export async function startTelegramSim(options: TelegramSimOptions = {}): Promise<TelegramSim> {
  const token = options.token ?? DEFAULT_TOKEN;
  const botInfo = botInfoOf(token, options.botUsername ?? "esim_sandbox_bot");
  const runWebhookReply = async (method: string, payload: Payload): Promise<void> => {
    await endpoint.call("POST", method, payload, { onCancel: () => undefined });
  };
  const simCore = new SimCore(botInfo, runWebhookReply, options.preCheckoutTimeoutMs);
  const requests = new RequestLog<Payload>();
  const sim = facadeOf(simCore, requests, token);
  const core = createStandIn<Payload>({
    name: "telegram-sim",
    requests,
    ...(options.controlToken ? { controlToken: options.controlToken } : {}),
    answers: FAULT_ANSWERS,
    state: () => ({ botUsername: botInfo.username, calls: requests.count(), webhook: simCore.updates.webhookInfo() }),
    routes: controlRoutes(sim),
  });
  const endpoint = new ApiEndpoint(simCore, requests, core.faults);
  const front = new HttpFront(token, endpoint, simCore, options.latencyMs ?? 0);
  core.app.all("*", (c) => front.handle(c));
  const server = await serveStandIn(core, { port: options.port ?? 0, host: options.host ?? "127.0.0.1", beforeClose: () => simCore.updates.close() });
  return {
    ...sim,
    url: server.url,
    apiRoot: server.url,
    controlUrl: server.controlUrl,
    controlToken: core.controlToken,
    faults: core.faults,
    requests,
    settings: { TELEGRAM_BOT_TOKEN: token, TELEGRAM_API_ROOT: server.url },
    close: server.close,
  };
}

type UserSide = Omit<TelegramSim, "url" | "apiRoot" | "controlUrl" | "controlToken" | "faults" | "requests" | "settings" | "close">;

/** The user's side of Telegram and what the bot did, in-process. */
function facadeOf(core: SimCore, requests: RequestLog<Payload>, token: string): UserSide {
  return {
    token,
    botInfo: core.botInfo,
    sendText: async (user: SimUser, text: string, chat?: SimChat) => core.sendText(user, text, chat),
    pressButton: async (user: SimUser, messageId: number, callbackData: string, chatId?: number) => core.pressButton(user, messageId, callbackData, chatId ?? user.id),
    handled: (updateId: number, timeoutMs = DEFAULT_WAIT_MS) => core.updates.whenHandled(updateId, timeoutMs),
    answerOf: (callbackQueryId: string, timeoutMs = DEFAULT_WAIT_MS): Promise<CallbackAnswer | undefined> => core.answerOf(callbackQueryId, timeoutMs),
    messages: (chatId: number) => core.store.chat(chatId)?.transcript() ?? [],
    waitFor: (chatId, predicate, timeoutMs = DEFAULT_WAIT_MS) => waitForBotMessage(core, chatId, predicate, timeoutMs),
    calls: (method?: string): RecordedCall[] =>
      requests.list(method === undefined ? {} : { path: `/${method}` }).map((entry) => ({ method: entry.path.slice(1), payload: entry.detail ?? {}, at: entry.at })),
    onMessage: (listener: MessageListener) => core.store.onMessage(listener),
    blockBy: (chatId: number) => core.setBlocked(chatId, true),
    unblockBy: (chatId: number) => core.setBlocked(chatId, false),
    registerChat: (chat: SimChat) => void core.store.ensureChat(chat),
    payInvoice: (user, target) => core.payments.pay(user, target),
    repeatPayment: async (chargeId) => core.payments.repeatPayment(chargeId),
    deliverPayment: async (user, payment) => core.payments.deliverPayment(user, payment),
    starCharges: () => core.payments.charges(),
  };
}
