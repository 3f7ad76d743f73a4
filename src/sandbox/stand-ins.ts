import type { UserFromGetMe } from "grammy/types";
import type { Hono } from "hono";

/**
 * What the sandbox uses of each stand-in package. The packages are development tools (root
 * devDependencies, TypeScript without a build): they are imported by name, at run time, only when
 * a setting is absent, so a production install and `npm run build` never need them.
 * test/sandbox/stand-in-packages.test.ts checks these shapes against the packages themselves.
 */
export interface EsimGoSimPackage {
  startEsimGoSim(options: { apiKey: string; balance: number }): Promise<{
    baseUrl: string;
    apiKey: string;
    control: { setWebhookUrl(url: string | undefined): void };
    close(): Promise<void>;
  }>;
}

export interface StripeSimPackage {
  startStripeSim(options: { webhookSecret: string; secretKey: string; publicBaseUrl?: string; returnHint?: string }): Promise<{
    url: string;
    apiUrl: string;
    /** The checkout pages alone, for the product's server to mount when they must be reached at PUBLIC_URL. */
    pages: Hono;
    control: { setWebhookUrl(url: string | undefined): void };
    close(): Promise<void>;
  }>;
}

export interface TelegramStandIn {
  token: string;
  apiRoot: string;
  botInfo: UserFromGetMe;
  close(): Promise<void>;
}

export interface TelegramSimPackage {
  startTelegramSim(options: { port?: number }): Promise<TelegramStandIn>;
  runTerminalChat(options: TerminalChatOptions<TelegramStandIn, { id: number; first_name: string; username?: string; language_code?: string }>): { close(): void };
}

/** What both chat stand-ins' terminal chats take: the stand-in, who types, the terminal, where images are saved. */
export interface TerminalChatOptions<Sim, User> {
  sim: Sim;
  user: User;
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  photoDir: string;
  banner?: string;
  onClose?: () => void;
}

export interface WhatsAppStandIn {
  apiUrl: string;
  accessToken: string;
  phoneNumberId: string;
  appSecret: string;
  verifyToken: string;
  control: { setWebhookUrl(url: string | undefined): void };
  close(): Promise<void>;
}

export interface WhatsAppSimPackage {
  startWhatsAppSim(options: { port?: number }): Promise<WhatsAppStandIn>;
  runTerminalChat(options: TerminalChatOptions<WhatsAppStandIn, { name: string; waId?: string; userId?: string }>): { close(): void };
}

interface StandInPackages {
  esimgo: EsimGoSimPackage;
  stripe: StripeSimPackage;
  telegram: TelegramSimPackage;
  whatsapp: WhatsAppSimPackage;
}

export const STAND_IN_PACKAGES: Record<keyof StandInPackages, string> = {
  esimgo: "@esim-shop/esimgo-sim",
  stripe: "@esim-shop/stripe-sim",
  telegram: "@esim-shop/telegram-sim",
  whatsapp: "@esim-shop/whatsapp-sim",
};

/** The stand-ins cannot be loaded here: a production install (no devDependencies) or plain node running the build. */
export class SandboxUnavailableError extends Error {
  override name = "SandboxUnavailableError";
}

export type ModuleImporter = (specifier: string) => Promise<unknown>;

// A specifier in a variable: the type checker and `npm run build` do not follow it into the packages.
const importByName: ModuleImporter = (specifier) => import(specifier);

/** Loads a stand-in package by name; any failure becomes one sentence for the person starting the product. */
export async function loadStandIn<Part extends keyof StandInPackages>(part: Part, importer: ModuleImporter = importByName): Promise<StandInPackages[Part]> {
  const specifier = STAND_IN_PACKAGES[part];
  try {
    return (await importer(specifier)) as StandInPackages[Part];
  } catch (error) {
    throw new SandboxUnavailableError(
      `The sandbox needs the development stand-in ${specifier}, which cannot be loaded here (a production install, or the built JavaScript run with plain node): run \`npm install && npm start\` for the sandbox, or set every real setting (see the README, "Going to production").`,
      { cause: error },
    );
  }
}
