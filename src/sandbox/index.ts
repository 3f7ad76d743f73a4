import { randomBytes } from "node:crypto";
import path from "node:path";
import { type Config, simulatedParts, type SimulatedParts } from "../config.ts";
import type { Endpoints, WhatsAppEndpoint } from "../endpoints.ts";
import type { Logger } from "../logger.ts";
import { Teardown } from "../teardown.ts";
import { SANDBOX_COPY, type SandboxCopy, type SandboxLanguage } from "./copy.ts";
import { loadStandIn, type ModuleImporter, type TelegramSimPackage, type TelegramStandIn, type TerminalChatOptions, type WhatsAppSimPackage, type WhatsAppStandIn } from "./stand-ins.ts";

export { SANDBOX_COPY, type SandboxCopy, type SandboxLanguage } from "./copy.ts";
export { SandboxUnavailableError, type EsimGoSimPackage, type StripeSimPackage, type TelegramSimPackage, loadStandIn } from "./stand-ins.ts";

/** The person chatting in the terminal: a customer, and an admin too. */
export const SANDBOX_USER = { id: 100_000_001, first_name: "Traveller", username: "sandbox_traveller", language_code: "en" };
/** The same person when the sandbox chats as WhatsApp: a business-scoped user id and a (fictional) UK number. */
const SANDBOX_WHATSAPP_USER = { name: "Traveller", userId: "GB.100000000000000000001", waId: "447700900001" };
/** The template the WhatsApp stand-in knows: the one the README asks a shop to submit. */
const SANDBOX_TEMPLATE = { name: "esim_ready", languages: { en: "en", ru: "ru", tr: "tr" } } as const;

export interface SandboxOptions {
  logger: Logger;
  /** Where the terminal chat reads and writes; default this process's stdin and stdout. */
  terminal?: { input: NodeJS.ReadableStream; output: NodeJS.WritableStream };
  language?: SandboxLanguage;
  /** How stand-in packages are imported (tests replace it); by name by default. */
  importer?: ModuleImporter;
}

export interface Sandbox {
  /** What the app talks to: the configured services, with a local stand-in for every absent setting. */
  endpoints: Endpoints;
  /**
   * Tells the stand-ins where the app listens (Stripe's webhooks, eSIM Go's callbacks) and, when
   * Telegram is simulated, opens the terminal chat; `quit` is called when the person leaves it.
   */
  connect(appUrl: string, quit: () => void): void;
  /** Stops every stand-in it started. */
  close(): Promise<void>;
}

/**
 * Resolves the endpoints for `createApp`. For every part whose setting is absent it starts the
 * stand-in package (loaded with `await import()` only then); with every setting present it starts
 * nothing and loads nothing.
 */
export async function startSandbox(config: Config, options: SandboxOptions): Promise<Sandbox> {
  const teardown = new Teardown(options.logger);
  try {
    return await start(config, options, teardown);
  } catch (error) {
    await teardown.run();
    throw error;
  }
}

async function start(config: Config, options: SandboxOptions, teardown: Teardown): Promise<Sandbox> {
  const copy = SANDBOX_COPY[options.language ?? "en"];
  const onConnect: ((appUrl: string, quit: () => void) => void)[] = [];
  const load = <Part extends "esimgo" | "stripe" | "telegram" | "whatsapp">(part: Part) => loadStandIn(part, options.importer);

  const esimgo = await esimgoEndpoint(config, load, teardown, onConnect);
  const stripe = await stripeEndpoint(config, copy, load, teardown, onConnect);
  const telegram = await telegramEndpoint(config, load, teardown);
  const whatsapp = await whatsappEndpoint(config, load, teardown, onConnect);
  const simulated = simulatedParts(config);
  const sandbox = simulated.esimgo || simulated.stripe || simulated.telegram || simulated.whatsapp;

  const chat = terminalChatOf(telegram, whatsapp);
  if (chat) {
    const banner = copy.banner({ simulated: partsOf(simulated), checkoutPages: stripe.checkoutPages ?? "—" });
    onConnect.push((_appUrl, quit) => {
      const terminal = options.terminal ?? { input: process.stdin, output: process.stdout };
      const running = chat({ ...terminal, photoDir: shortPath(path.resolve(config.database.dataDir, "sandbox-photos")), banner, onClose: quit });
      teardown.add("terminal chat", () => running.close());
    });
  } else if (sandbox) {
    onConnect.push(() => options.logger.warn({ simulated, checkoutPages: stripe.checkoutPages }, "SANDBOX: some providers are simulated; no real eSIM is sold and no real money is taken"));
  }

  return {
    endpoints: {
      esimgo,
      stripe: stripe.endpoint,
      ...(telegram.endpoint ? { telegram: telegram.endpoint } : {}),
      ...(whatsapp.endpoint ? { whatsapp: whatsapp.endpoint } : {}),
      adminIds: telegram.terminal ? [...config.telegram.adminIds, SANDBOX_USER.id] : config.telegram.adminIds,
      sandbox,
      mounts: stripe.mounts,
    },
    connect: (appUrl, quit) => {
      for (const step of onConnect.splice(0)) step(appUrl, quit);
    },
    close: () => teardown.run(),
  };
}

type Load = <Part extends "esimgo" | "stripe" | "telegram" | "whatsapp">(part: Part) => ReturnType<typeof loadStandIn<Part>>;
type OnConnect = ((appUrl: string, quit: () => void) => void)[];

async function esimgoEndpoint(config: Config, load: Load, teardown: Teardown, onConnect: OnConnect): Promise<Endpoints["esimgo"]> {
  const { esimgo } = config;
  if (!("embedded" in esimgo)) return { apiUrl: esimgo.apiUrl, apiKey: esimgo.apiKey };
  const sim = await (await load("esimgo")).startEsimGoSim({ apiKey: `sandbox-${randomBytes(12).toString("hex")}`, balance: esimgo.balance });
  teardown.add("esimgo simulator", () => sim.close());
  onConnect.push((appUrl) => sim.control.setWebhookUrl(`${appUrl}/webhooks/esimgo`));
  return { apiUrl: sim.baseUrl, apiKey: sim.apiKey };
}

type ChatStarter = (options: Omit<TerminalChatOptions<unknown, unknown>, "sim" | "user">) => { close(): void };

/** The simulated chat channel's terminal chat, as the sandbox user (Telegram first, as the sandbox defaults to it). */
function terminalChatOf(telegram: { terminal?: { sim: TelegramStandIn; chatPackage: TelegramSimPackage } }, whatsapp: { terminal?: { sim: WhatsAppStandIn; chatPackage: WhatsAppSimPackage } }): ChatStarter | undefined {
  const onTelegram = telegram.terminal;
  if (onTelegram) return (options) => onTelegram.chatPackage.runTerminalChat({ ...options, sim: onTelegram.sim, user: SANDBOX_USER });
  const onWhatsApp = whatsapp.terminal;
  if (onWhatsApp) return (options) => onWhatsApp.chatPackage.runTerminalChat({ ...options, sim: onWhatsApp.sim, user: SANDBOX_WHATSAPP_USER });
  return undefined;
}

interface StripeEndpoint {
  endpoint: Endpoints["stripe"];
  mounts: Endpoints["mounts"];
  /** Where payment links point, when the checkout is the stand-in. */
  checkoutPages?: string;
}

/**
 * The Stripe stand-in runs on its own port, so the SDK's API URL is known before the app is built.
 * Payment links point at it, except with PUBLIC_URL set (a phone on real Telegram must reach them):
 * then they point at PUBLIC_URL, and the product's server mounts the stand-in's pages.
 */
async function stripeEndpoint(config: Config, copy: SandboxCopy, load: Load, teardown: Teardown, onConnect: OnConnect): Promise<StripeEndpoint> {
  const { stripe } = config;
  if (!stripe.simulated) {
    return { endpoint: { secretKey: stripe.secretKey, webhookSecret: stripe.webhookSecret, ...(stripe.apiUrl ? { apiUrl: stripe.apiUrl } : {}) }, mounts: [] };
  }
  const secrets = { webhookSecret: `whsec_sandbox_${randomBytes(16).toString("hex")}`, secretKey: `sk_test_sandbox_${randomBytes(12).toString("hex")}` };
  const sim = await (await load("stripe")).startStripeSim({
    ...secrets,
    ...(config.publicUrl ? { publicBaseUrl: config.publicUrl } : {}),
    ...(config.telegram.simulated || config.whatsapp.mode === "simulated" ? { returnHint: copy.returnHint } : {}),
  });
  teardown.add("stripe stand-in", () => sim.close());
  onConnect.push((appUrl) => sim.control.setWebhookUrl(`${appUrl}/webhooks/stripe`));
  return {
    endpoint: { ...secrets, apiUrl: sim.apiUrl },
    mounts: config.publicUrl ? [{ path: "/", app: sim.pages }] : [],
    checkoutPages: config.publicUrl ?? sim.url,
  };
}

interface TelegramEndpoint {
  endpoint: Endpoints["telegram"] | undefined;
  /** Set when Telegram is the stand-in: the chat happens in the terminal. */
  terminal?: { sim: TelegramStandIn; chatPackage: TelegramSimPackage };
}

async function telegramEndpoint(config: Config, load: Load, teardown: Teardown): Promise<TelegramEndpoint> {
  const { telegram } = config;
  if (telegram.mode === "off") return { endpoint: undefined };
  if (!telegram.simulated) return { endpoint: { token: telegram.token, apiRoot: telegram.apiRoot } };
  const chatPackage = await load("telegram");
  const sim = await chatPackage.startTelegramSim({ port: 0 });
  teardown.add("telegram stand-in", () => sim.close());
  return { endpoint: { token: sim.token, apiRoot: sim.apiRoot, botInfo: sim.botInfo }, terminal: { sim, chatPackage } };
}

interface WhatsAppEndpointOf {
  endpoint?: WhatsAppEndpoint;
  /** Set when WhatsApp is the stand-in: the chat happens in the terminal. */
  terminal?: { sim: WhatsAppStandIn; chatPackage: WhatsAppSimPackage };
}

async function whatsappEndpoint(config: Config, load: Load, teardown: Teardown, onConnect: OnConnect): Promise<WhatsAppEndpointOf> {
  const { whatsapp } = config;
  if (whatsapp.mode === "off") return {};
  if (whatsapp.mode === "on") {
    const { mode: _mode, ...endpoint } = whatsapp;
    return { endpoint };
  }
  const chatPackage = await load("whatsapp");
  const sim = await chatPackage.startWhatsAppSim({ port: 0 });
  teardown.add("whatsapp stand-in", () => sim.close());
  onConnect.push((appUrl) => sim.control.setWebhookUrl(`${appUrl}/webhooks/whatsapp`));
  const endpoint: WhatsAppEndpoint = {
    apiUrl: sim.apiUrl,
    accessToken: sim.accessToken,
    phoneNumberId: sim.phoneNumberId,
    appSecret: sim.appSecret,
    verifyToken: sim.verifyToken,
    adminIds: [SANDBOX_WHATSAPP_USER.userId],
    template: { name: SANDBOX_TEMPLATE.name, languages: { ...SANDBOX_TEMPLATE.languages } },
  };
  return { endpoint, terminal: { sim, chatPackage } };
}

function partsOf(simulated: SimulatedParts): (keyof SimulatedParts)[] {
  return (Object.keys(simulated) as (keyof SimulatedParts)[]).filter((part) => simulated[part]);
}

/** Paths under the working directory are shown relative to it: shorter, and what the person typed. */
export function shortPath(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative === "" || relative.startsWith("..") || path.isAbsolute(relative) ? file : relative;
}
