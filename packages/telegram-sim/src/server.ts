import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { UserFromGetMe } from "grammy/types";
import { parseParameters, type Payload } from "./body.ts";
import { SimCore } from "./core.ts";
import { BotApiError, blockedError } from "./errors.ts";
import { chatIdOf, createMethods, Described, type Handler, type RequestContext } from "./methods.ts";
import type {
  ApiErrorShape,
  CallbackAnswer,
  MessageListener,
  RecordedCall,
  SimChat,
  SimMessage,
  SimUser,
  TelegramSim,
  TelegramSimOptions,
} from "./types.ts";

const DEFAULT_TOKEN = "123456:SANDBOX";
const DEFAULT_WAIT_MS = 5_000;
const MAX_BODY_BYTES = 50 * 1024 * 1024;
/** Methods that write into a chat: these fail with 403 once the user blocked the bot. */
const WRITES_TO_CHAT = /^(send|edit|copy|forward)/i;

interface ScriptedFailure {
  method: string;
  chatId?: number;
  remaining: number;
  error: ApiErrorShape;
}

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

/** Routes one Bot API call: records it, applies scripted failures and blocks, then runs the method. */
class ApiEndpoint {
  private readonly log: RecordedCall[] = [];
  private readonly logByMethod = new Map<string, RecordedCall[]>();
  private readonly failures: ScriptedFailure[] = [];
  private readonly methods: Map<string, { name: string; handler: Handler }>;

  constructor(private readonly core: SimCore) {
    this.methods = createMethods(core);
  }

  async call(methodName: string, payload: Payload, request: RequestContext): Promise<unknown> {
    const method = this.methods.get(methodName.toLowerCase());
    this.record(method?.name ?? methodName, payload);
    if (!method) throw new BotApiError(404, "Not Found");
    this.throwScriptedFailure(method.name, payload);
    this.throwIfBlocked(method.name, payload);
    return method.handler(payload, request);
  }

  calls(method?: string): RecordedCall[] {
    return method === undefined ? [...this.log] : [...(this.logByMethod.get(method) ?? [])];
  }

  failNext(method: string, error: ApiErrorShape, chatId: number | undefined, times: number): void {
    this.failures.push({ method: method.toLowerCase(), chatId, remaining: times, error });
  }

  private record(method: string, payload: Payload): void {
    const call = { method, payload, at: Date.now() };
    this.log.push(call);
    const forMethod = this.logByMethod.get(method) ?? [];
    forMethod.push(call);
    this.logByMethod.set(method, forMethod);
  }

  private throwScriptedFailure(method: string, payload: Payload): void {
    const chatId = chatIdOf(payload);
    const index = this.failures.findIndex(
      (failure) => failure.method === method.toLowerCase() && (failure.chatId === undefined || failure.chatId === chatId),
    );
    const failure = this.failures[index];
    if (!failure) return;
    failure.remaining -= 1;
    if (failure.remaining <= 0) this.failures.splice(index, 1);
    throw BotApiError.from(failure.error);
  }

  private throwIfBlocked(method: string, payload: Payload): void {
    const chatId = chatIdOf(payload);
    if (!WRITES_TO_CHAT.test(method) || typeof chatId !== "number") return;
    if (this.core.store.chat(chatId)?.blocked) throw BotApiError.from(blockedError);
  }
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new BotApiError(413, "Request Entity Too Large"));
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on("end", () => resolve(Buffer.concat(chunks)));
    request.on("error", reject);
  });
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  if (response.writableEnded || response.destroyed) return;
  const json = JSON.stringify(body);
  response.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(json) });
  response.end(json);
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

  async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? "/", "http://sim");
    const file = /^\/file\/bot([^/]*)\/(.+)$/.exec(url.pathname);
    if (file) return this.serveFile(response, file[1] ?? "", decodeURIComponent(file[2] ?? ""));
    const call = /^\/bot([^/]*)\/([^/]*)$/.exec(url.pathname);
    if (!call) return sendJson(response, 404, new BotApiError(404, "Not Found").toWire());
    if (call[1] !== this.token) return sendJson(response, 401, new BotApiError(401, "Unauthorized").toWire());
    try {
      const payload = parseParameters(url.searchParams, request.headers["content-type"], await readBody(request));
      const result = await this.endpoint.call(call[2] ?? "", payload, this.contextFor(response));
      if (this.latencyMs > 0) await delay(this.latencyMs);
      sendJson(response, 200, result instanceof Described ? { ok: true, result: result.result, description: result.description } : { ok: true, result });
    } catch (error) {
      if (this.latencyMs > 0) await delay(this.latencyMs);
      const apiError = error instanceof BotApiError ? error : new BotApiError(500, "Internal Server Error");
      sendJson(response, apiError.errorCode, apiError.toWire());
    }
  }

  private contextFor(response: ServerResponse): RequestContext {
    return {
      onCancel: (cancel) =>
        response.on("close", () => {
          if (!response.writableEnded) cancel();
        }),
    };
  }

  private serveFile(response: ServerResponse, token: string, path: string): void {
    if (token !== this.token) return sendJson(response, 401, new BotApiError(401, "Unauthorized").toWire());
    const stored = this.core.store.fileAtPath(path);
    if (!stored) return sendJson(response, 404, new BotApiError(404, "Not Found").toWire());
    response.writeHead(200, { "content-type": stored.mimeType ?? "application/octet-stream", "content-length": stored.bytes.length });
    response.end(stored.bytes);
  }
}

function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve(server.address() as AddressInfo);
    });
  });
}

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
    await endpoint.call(method, payload, { onCancel: () => undefined });
  };
  const core = new SimCore(botInfo, runWebhookReply);
  const endpoint = new ApiEndpoint(core);
  const front = new HttpFront(token, endpoint, core, options.latencyMs ?? 0);
  const server = createServer((request, response) => void front.handle(request, response));
  const address = await listen(server, options.port ?? 0, options.host ?? "127.0.0.1");
  return facadeOf(core, endpoint, server, token, `http://${address.address}:${address.port}`);
}

function facadeOf(core: SimCore, endpoint: ApiEndpoint, server: Server, token: string, apiRoot: string): TelegramSim {
  return {
    apiRoot,
    token,
    botInfo: core.botInfo,
    sendText: async (user: SimUser, text: string, chat?: SimChat) => core.sendText(user, text, chat),
    pressButton: async (user: SimUser, messageId: number, callbackData: string, chatId?: number) => core.pressButton(user, messageId, callbackData, chatId ?? user.id),
    handled: (updateId: number, timeoutMs = DEFAULT_WAIT_MS) => core.updates.whenHandled(updateId, timeoutMs),
    answerOf: (callbackQueryId: string, timeoutMs = DEFAULT_WAIT_MS): Promise<CallbackAnswer | undefined> =>
      core.answerOf(callbackQueryId, timeoutMs),
    messages: (chatId: number) => core.store.chat(chatId)?.transcript() ?? [],
    waitFor: (chatId, predicate, timeoutMs = DEFAULT_WAIT_MS) => waitForBotMessage(core, chatId, predicate, timeoutMs),
    calls: (method?: string) => endpoint.calls(method),
    onMessage: (listener: MessageListener) => core.store.onMessage(listener),
    failNext: (method, error, opts) => endpoint.failNext(method, error, opts?.chatId, opts?.times ?? 1),
    blockBy: (chatId: number) => core.setBlocked(chatId, true),
    unblockBy: (chatId: number) => core.setBlocked(chatId, false),
    registerChat: (chat: SimChat) => void core.store.ensureChat(chat),
    close: () => closeServer(core, server),
  };
}

function closeServer(core: SimCore, server: Server): Promise<void> {
  core.updates.close();
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
