import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { startEsimGoSim, type EsimGoSim } from "@esim-shop/esimgo-sim";
import { startStripeSim } from "@esim-shop/stripe-sim";
import { startWhatsAppSim, type SentMessage, type SimUser, type WhatsAppSim } from "@esim-shop/whatsapp-sim";
import pino from "pino";
import { createApp, type RunningApp } from "../../src/app.ts";
import { parseConfig } from "../../src/config.ts";
import type { Endpoints } from "../../src/endpoints.ts";
import { createEmptyPostgresDatabase } from "../helpers/db.ts";

export type StripeSim = Awaited<ReturnType<typeof startStripeSim>>;

/** The product as production wires it (createApp), WhatsApp only, against the three stand-ins over real HTTP. */
export interface WhatsAppShop {
  app: RunningApp;
  whatsapp: WhatsAppSim;
  esimgo: EsimGoSim;
  stripe: StripeSim;
  /** An operator, in WHATSAPP_ADMIN_IDS. */
  admin: SimUser;
  close(): Promise<void>;
}

export type DatabaseKind = "pglite" | "postgres";
export const DATABASE_KINDS: DatabaseKind[] = ["pglite", ...(process.env.TEST_DATABASE_URL ? (["postgres"] as const) : [])];

export async function startWhatsAppShop(kind: DatabaseKind): Promise<WhatsAppShop> {
  const closers: (() => Promise<unknown> | void)[] = [];
  const close = async () => {
    for (const step of closers.reverse()) await Promise.resolve(step()).catch(() => undefined);
  };
  try {
    const esimgo = await startEsimGoSim({ port: 0, catalogueSize: "small", rateLimitPerSecond: 0 });
    closers.push(() => esimgo.close());
    const secrets = { secretKey: `sk_test_${randomBytes(8).toString("hex")}`, webhookSecret: `whsec_${randomBytes(12).toString("hex")}` };
    const stripe = await startStripeSim({ port: 0, ...secrets });
    closers.push(() => stripe.close());
    const whatsapp = await startWhatsAppSim({ port: 0 });
    closers.push(() => whatsapp.close());
    const admin = whatsapp.createUser({ name: "Ops", waId: "447700900999" });

    const database = await databaseSettings(kind, closers);
    const config = parseConfig({ ...database, PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "silent" });
    const endpoints: Endpoints = {
      esimgo: { apiUrl: esimgo.baseUrl, apiKey: esimgo.apiKey },
      stripe: { ...secrets, apiUrl: stripe.apiUrl },
      whatsapp: {
        apiUrl: whatsapp.apiUrl,
        accessToken: whatsapp.accessToken,
        phoneNumberId: whatsapp.phoneNumberId,
        appSecret: whatsapp.appSecret,
        verifyToken: whatsapp.verifyToken,
        adminIds: [admin.userId],
        template: { name: "esim_ready", languages: { en: "en", ru: "ru", tr: "tr" } },
      },
      adminIds: [],
      sandbox: false,
      mounts: [],
    };
    const app = await createApp(config, endpoints, pino({ level: process.env.HARNESS_LOG ?? "silent" }), {
      onListening: (url) => {
        stripe.control.setWebhookUrl(`${url}/webhooks/stripe`);
        esimgo.control.setWebhookUrl(`${url}/webhooks/esimgo`);
        whatsapp.control.setWebhookUrl(`${url}/webhooks/whatsapp`);
      },
    });
    closers.push(() => app.stop());
    return { app, whatsapp, esimgo, stripe, admin, close };
  } catch (error) {
    await close();
    throw error;
  }
}

async function databaseSettings(kind: DatabaseKind, closers: (() => Promise<unknown> | void)[]): Promise<Record<string, string>> {
  if (kind === "postgres") {
    const empty = await createEmptyPostgresDatabase(String(process.env.TEST_DATABASE_URL));
    closers.push(() => empty.drop());
    return { DATABASE_URL: empty.url };
  }
  const dir = mkdtempSync(path.join(tmpdir(), "esim-whatsapp-"));
  closers.push(() => rmSync(dir, { recursive: true, force: true }));
  return { DATA_DIR: path.join(dir, "data") };
}

/** What the shop sent this user, as one searchable text per message (body, caption, buttons, rows, links, template). */
export function textOf(message: SentMessage): string {
  const c = message.content;
  switch (c.type) {
    case "text":
      return c.body;
    case "buttons":
      return [c.body, ...c.buttons.map((b) => b.title)].join("\n");
    case "list":
      return [c.body, ...c.sections.flatMap((s) => s.rows.map((r) => `${r.title} ${r.description ?? ""}`))].join("\n");
    case "cta_url":
      return `${c.body}\n${c.displayText} ${c.url}`;
    case "image":
      return c.caption ?? "";
    case "template":
      return `template ${c.name} ${c.parameters.join(" ")}`;
  }
}

/** The ids of a message's reply buttons or list rows, with their labels. */
export function choicesOf(message: SentMessage): { id: string; label: string }[] {
  const c = message.content;
  if (c.type === "buttons") return c.buttons.map((b) => ({ id: b.id, label: b.title }));
  if (c.type === "list") return c.sections.flatMap((s) => s.rows.map((r) => ({ id: r.id, label: `${r.title} ${r.description ?? ""}`.trim() })));
  return [];
}

/** Waits until the shop sent this user a message matching, after the first `after` messages. */
export async function waitForSent(whatsapp: WhatsAppSim, user: string, predicate: (m: SentMessage) => boolean, after = 0, timeoutMs = 20_000): Promise<SentMessage> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = whatsapp.sent(user).slice(after).find(predicate);
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`no matching message for ${user}; sent: ${whatsapp.sent(user).map((m) => textOf(m).slice(0, 80)).join(" | ")}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** A person in a WhatsApp chat with the shop. */
export class Customer {
  constructor(
    private readonly whatsapp: WhatsAppSim,
    readonly user: SimUser,
  ) {}

  get id(): string {
    return this.user.userId;
  }

  sentCount(): number {
    return this.whatsapp.sent(this.id).length;
  }

  /** Types a text and returns the first answer that matches (default: any). */
  async say(text: string, answer: (m: SentMessage) => boolean = () => true): Promise<SentMessage> {
    const before = this.sentCount();
    await this.whatsapp.sendText(this.id, text);
    return waitForSent(this.whatsapp, this.id, answer, before);
  }

  /** Presses the button or list row whose id matches on this message. */
  async choose(message: SentMessage, id: RegExp, answer: (m: SentMessage) => boolean = () => true): Promise<SentMessage> {
    const choice = choicesOf(message).find((c) => id.test(c.id));
    if (!choice) throw new Error(`no choice ${String(id)} in: ${choicesOf(message).map((c) => c.id).join(" | ")}`);
    const before = this.sentCount();
    await this.whatsapp.press(this.id, message.id, choice.id);
    return waitForSent(this.whatsapp, this.id, answer, before);
  }
}
