import { createStandIn, RequestLog, serveStandIn } from "@esim-shop/sim-kit";
import { registerApi } from "./api.ts";
import { controlRoutes } from "./control.ts";
import { FAULT_ANSWERS } from "./errors.ts";
import { createInbound } from "./inbound.ts";
import { createMediaStore } from "./media.ts";
import type { Business } from "./payloads.ts";
import { createStatusReporter, DEFAULT_STATUS_MODE } from "./statuses.ts";
import { createMessageStore } from "./store.ts";
import { createThroughput } from "./throughput.ts";
import type { TemplateDefinition, WhatsAppSim, WhatsAppSimOptions } from "./types.ts";
import { createUserDirectory } from "./users.ts";
import { createWebhookPoster } from "./webhooks.ts";

export const DEFAULTS = {
  version: "v26.0",
  accessToken: "wa-sim-token",
  phoneNumberId: "106540352242922",
  wabaId: "102290129340398",
  displayPhoneNumber: "+44 7700 900123",
  verifiedName: "eSIM Shop (sandbox)",
  appSecret: "wa-sim-app-secret",
  verifyToken: "wa-sim-verify-token",
  throughputPerSecond: 80,
  webhookRetryDelaysMs: [1_000, 5_000, 30_000],
  webhookTimeoutMs: 10_000,
  statusDelayMs: 20,
} as const;

export const DEFAULT_TEMPLATES: readonly TemplateDefinition[] = [{ name: "esim_ready", languages: ["en", "ru", "tr"], bodyParameters: 1 }];

/** Starts the WhatsApp Business Cloud API stand-in on a free port (or `options.port`). */
export async function startWhatsAppSim(options: WhatsAppSimOptions = {}): Promise<WhatsAppSim> {
  const version = options.version ?? DEFAULTS.version;
  if (!/^v\d+\.\d+$/.test(version)) throw new Error(`whatsapp-sim: a Graph API version looks like "v26.0", not "${version}"`);
  const now = options.now ?? Date.now;
  const accessToken = options.accessToken ?? DEFAULTS.accessToken;
  const appSecret = options.appSecret ?? DEFAULTS.appSecret;
  const verifyToken = options.verifyToken ?? DEFAULTS.verifyToken;
  const business: Business & { verifiedName: string } = {
    wabaId: options.wabaId ?? DEFAULTS.wabaId,
    phoneNumberId: options.phoneNumberId ?? DEFAULTS.phoneNumberId,
    displayPhoneNumber: options.displayPhoneNumber ?? DEFAULTS.displayPhoneNumber,
    verifiedName: options.verifiedName ?? DEFAULTS.verifiedName,
  };
  let webhookUrl = options.webhookUrl;
  const setWebhookUrl = (url: string | undefined) => void (webhookUrl = url);

  const users = createUserDirectory();
  for (const user of options.users ?? []) users.create(user);
  const store = createMessageStore();
  const media = createMediaStore();
  const activity = new Set<() => void>();
  const poster = createWebhookPoster({
    appSecret,
    url: () => webhookUrl,
    retryDelaysMs: options.webhookRetryDelaysMs ?? DEFAULTS.webhookRetryDelaysMs,
    timeoutMs: options.webhookTimeoutMs ?? DEFAULTS.webhookTimeoutMs,
    now,
  });
  const statuses = createStatusReporter({ business, poster, now, delayMs: options.statusDelayMs ?? DEFAULTS.statusDelayMs, mode: { ...DEFAULT_STATUS_MODE, ...options.statuses } });
  const inbound = createInbound({ business, users, store, poster, now });
  const requests = new RequestLog<unknown>();

  const sentMessage = (id: string) => {
    const message = store.sentById(id);
    if (!message) throw new Error(`whatsapp-sim: the business sent no message ${id}`);
    return message;
  };

  const side = {
    version,
    accessToken,
    phoneNumberId: business.phoneNumberId,
    wabaId: business.wabaId,
    displayPhoneNumber: business.displayPhoneNumber,
    appSecret,
    verifyToken,
    control: { setWebhookUrl },
    webhookUrl: () => webhookUrl,
    setWebhookUrl,
    createUser: users.create,
    user: users.find,
    users: users.list,
    setUndeliverable: (user: string, report: Parameters<typeof users.setUndeliverable>[1]) => void users.setUndeliverable(user, report),
    ageWindow: (user: string, hours: number) => void users.age(user, hours),
    sendText: inbound.text,
    press: inbound.press,
    redeliver: (messageId: string, redelivery: { times?: number; concurrently?: boolean } = {}) => inbound.redeliver(messageId, redelivery),
    sendBatch: (items: Parameters<typeof inbound.batch>[0], split: Parameters<typeof inbound.batch>[1] = "messages") => inbound.batch(items, split),
    sendForged: (user: string, text: string) => inbound.unverified(user, text, "wrong"),
    sendUnsigned: (user: string, text: string) => inbound.unverified(user, text, "missing"),
    verifyWebhook: (token?: string) => poster.handshake(token ?? verifyToken),
    postStatus: (id: string, status: Parameters<typeof statuses.post>[2], errorCode?: number) => {
      const message = sentMessage(id);
      poster.requireUrl();
      return statuses.post(message, users.get(message.userId), status, errorCode);
    },
    setStatusMode: statuses.setMode,
    sent: (user?: string) => store.sent(user === undefined ? undefined : (users.find(user)?.userId ?? user)),
    transcript: (user: string) => store.transcript(users.find(user)?.userId ?? user),
    media: media.get,
    deliveries: poster.deliveries,
    onSend: store.onSend,
    onActivity(listener: () => void) {
      activity.add(listener);
      return () => void activity.delete(listener);
    },
    idle: async () => {
      await statuses.idle();
      await poster.idle();
    },
  } satisfies Partial<WhatsAppSim>;

  const core = createStandIn<unknown>({
    name: "whatsapp-sim",
    requests,
    ...(options.controlToken ? { controlToken: options.controlToken } : {}),
    answers: FAULT_ANSWERS,
    state: () => ({ version, phoneNumberId: business.phoneNumberId, users: users.list().length, ...store.counts(), media: media.count(), deliveries: poster.deliveries().length, statuses: statuses.mode() }),
    webhookUrl: { get: () => webhookUrl, set: setWebhookUrl },
    routes: controlRoutes(side, now),
  });
  registerApi(core.app, {
    version,
    accessToken,
    business,
    templates: options.templates ?? DEFAULT_TEMPLATES,
    now,
    users,
    store,
    media,
    statuses,
    throughput: createThroughput(options.throughputPerSecond ?? DEFAULTS.throughputPerSecond),
    requests,
    faults: core.faults,
    activity: () => {
      for (const listener of activity) listener();
    },
  });
  const server = await serveStandIn(core, {
    port: options.port ?? 0,
    host: options.host ?? "127.0.0.1",
    beforeClose: () => {
      statuses.close();
      poster.close();
    },
  });
  const apiUrl = `${server.url}/${version}`;
  return {
    ...side,
    url: server.url,
    apiUrl,
    controlUrl: server.controlUrl,
    controlToken: core.controlToken,
    faults: core.faults,
    requests,
    settings: {
      WHATSAPP_API_URL: apiUrl,
      WHATSAPP_ACCESS_TOKEN: accessToken,
      WHATSAPP_PHONE_NUMBER_ID: business.phoneNumberId,
      WHATSAPP_APP_SECRET: appSecret,
      WHATSAPP_VERIFY_TOKEN: verifyToken,
    },
    close: server.close,
  };
}
