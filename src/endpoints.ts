import type { UserFromGetMe } from "grammy/types";
import type { Hono } from "hono";

export interface WhatsAppEndpoint {
  apiUrl: string;
  accessToken: string;
  phoneNumberId: string;
  appSecret: string;
  verifyToken: string;
  /** WhatsApp ids (phone numbers or business-scoped user ids) that get admin commands and alerts. */
  adminIds: string[];
  template: { name: string; languages: Record<"en" | "ru" | "tr", string> };
}

/**
 * Everything outside the product that `createApp` talks to, resolved: the real services from the
 * configuration, or the sandbox's stand-ins. Nothing here is optional that the app needs.
 */
export interface Endpoints {
  esimgo: { apiUrl: string; apiKey: string };
  /** `apiUrl` points the Stripe SDK at another host (a stand-in); unset is api.stripe.com. */
  stripe: { secretKey: string; webhookSecret: string; apiUrl?: string };
  /** `botInfo` when it is known up front (a stand-in's); otherwise the app asks Telegram (`getMe`). Absent: no Telegram bot. */
  telegram?: { token: string; apiRoot: string; botInfo?: UserFromGetMe };
  /** The WhatsApp Cloud API channel (the real one, or the sandbox's stand-in). Absent: no WhatsApp. */
  whatsapp?: WhatsAppEndpoint;
  /** Telegram user ids that get admin commands and alerts. */
  adminIds: number[];
  /** Some part is simulated: every customer message says SANDBOX. */
  sandbox: boolean;
  /** Applications the HTTP server mounts besides its own routes (the sandbox's checkout pages). */
  mounts: { path: string; app: Hono }[];
}
