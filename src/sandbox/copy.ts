import type { SimulatedParts } from "../config.ts";

/**
 * What the sandbox says to the person trying it, by language. Only English exists so far; a
 * language is added as one more entry (the terminal chat and the checkout page's hint read it from here).
 */
export interface SandboxCopy {
  /** Printed before the wait for start-up (the embedded database is created the first time). */
  starting(logFile: string): string;
  /** The terminal chat's opening screen. */
  banner(facts: { simulated: (keyof SimulatedParts)[]; checkoutPages: string }): string;
  /** Shown on the checkout page after paying, instead of a link back to Telegram, when the chat is in the terminal. */
  returnHint: string;
}

export type SandboxLanguage = "en";

const PARTS_EN: Record<keyof SimulatedParts, string> = {
  database: "database (embedded PGlite)",
  esimgo: "eSIM Go (local simulator)",
  stripe: "Stripe (local checkout page)",
  telegram: "Telegram (this terminal)",
  whatsapp: "WhatsApp (this terminal)",
};

export const SANDBOX_COPY: Record<SandboxLanguage, SandboxCopy> = {
  en: {
    starting: (logFile) => `Starting the sandbox… (logs: ${logFile})`,
    banner: ({ simulated, checkoutPages }) =>
      [
        "🧪 SANDBOX — nothing here is real: no real money, no real eSIMs.",
        `   Simulated: ${simulated.map((part) => PARTS_EN[part]).join(", ")}. Checkout pages: ${checkoutPages}`,
        "",
        "You are chatting with the eSIM shop bot. To buy an eSIM:",
        "   1. Type /start (or a country, e.g. Germany) and press Enter.",
        "   2. Pick a button by typing its number, e.g. 1.",
        "   3. Open the payment link in your browser and press Pay.",
        "   4. Your eSIM and its QR code appear here by themselves.",
        "You are also an admin: try /balance, /orders, /order 1. Stop with /quit or Ctrl-C.",
        "",
      ].join("\n"),
    returnHint: "Go back to the terminal: the chat continues there by itself.",
  },
};
