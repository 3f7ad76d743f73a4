import { performance } from "node:perf_hooks";
import { metaJson, signWhatsAppBody, startWhatsAppSim, type SentMessage, type SimUser, type WhatsAppSim } from "@esim-shop/whatsapp-sim";
import { Hono } from "hono";
import type { Kysely } from "kysely";
import pino from "pino";
import type { Database } from "../src/db/schema.ts";
import { createServer, listen, type RunningServer } from "../src/http/server.ts";
import type { Logger } from "../src/logger.ts";
import { noMetrics } from "../src/metrics/port.ts";
import { verifyWhatsAppSignature } from "../src/whatsapp/index.ts";
import { createWhatsAppPart } from "../src/whatsapp/part.ts";
import { forEachConcurrently, percentile } from "./stats.ts";
import type { World } from "./world.ts";

export interface WhatsAppFigures {
  webhooks: number;
  webhooks_per_s: number;
  floor_per_s: number;
  ratio: number;
  p50_ms: number;
  p99_ms: number;
  floor_p99_ms: number;
}

export interface WhatsAppOptions {
  users: number;
  warmUpUsers: number;
  /** Contacts writing at once, each waiting for the answer before writing again (as a person does). */
  concurrency: number;
}

/** What travellers type on WhatsApp: names in our three languages, a typo, an ISO code. */
const QUERIES = ["Germany", "Германия", "Almanya", "Germny", "France", "Франция", "Türkiye", "Турция", "Japan", "Япония", "Italy", "Spain", "İspanya", "Austria", "DE", "United States"];

/** A step of the script: a text to type, or the id of a button or list row to pick on the last answer. */
type Step = (index: number) => { text: string } | { choose: (ids: string[]) => string | undefined };

/** Type a country (the plan chooser), all plans, a plan's details, back to the plans, another plan. */
const SCRIPT: readonly Step[] = [
  (index) => ({ text: QUERIES[index % QUERIES.length]! }),
  () => ({ choose: (ids) => ids.find((id) => /^o:[A-Z]{2}:0$/.test(id)) }),
  () => ({ choose: (ids) => ids.find((id) => id.startsWith("b:")) }),
  () => ({ choose: (ids) => ids.find((id) => /^o:[A-Z]{2}:0$/.test(id)) }),
  () => ({ choose: (ids) => ids.filter((id) => id.startsWith("b:")).at(-1) }),
];

/**
 * Signed WhatsApp webhooks (typed country names, list and button replies) posted to the product's own route
 * `POST /webhooks/whatsapp`, each timed until the product's answer (its last message, the one with choices) has
 * reached the WhatsApp stand-in. The floor: the same bodies, posted the same way, to a bare route that checks the
 * signature and parses the JSON.
 */
export async function benchWhatsApp(world: World, db: Kysely<Database>, logger: Logger, options: WhatsAppOptions): Promise<WhatsAppFigures> {
  const sim = await startWhatsAppSim({ port: 0, throughputPerSecond: 0, statuses: { upTo: "none" } });
  const closers: (() => Promise<unknown>)[] = [() => sim.close()];
  try {
    const product = await startProduct(sim, world, db, logger);
    closers.push(() => product.close());
    sim.setWebhookUrl(`${product.url}/webhooks/whatsapp`);
    const floor = await listen(createFloorApp(sim.appSecret), { port: 0, host: "127.0.0.1" });
    closers.push(() => floor.close());
    const answers = new AnswerWaiters(sim);

    const all = Array.from({ length: options.warmUpUsers + options.users }, (_, i) => sim.createUser({ name: `Traveller ${i}`, waId: String(447_000_000_000 + i) }));
    // Each person says hello through the stand-in first (outside the timing): the 24-hour window opens, the customer row is made.
    await forEachConcurrently(all, options.concurrency, async (user) => {
      const answered = answers.next(user.userId);
      await sim.sendText(user.userId, "hi");
      await answered;
    });
    const warmUp = all.slice(0, options.warmUpUsers);
    const measured = all.slice(options.warmUpUsers);
    const warmUpBodies = await converse(sim, product.url, warmUp, answers, options.concurrency);
    await replay(floor.url, warmUpBodies, options.concurrency, sim.appSecret);

    const started = performance.now();
    const conversations = await converse(sim, product.url, measured, answers, options.concurrency);
    const productSeconds = (performance.now() - started) / 1000;
    const floorStarted = performance.now();
    const floorLatencies = await replay(floor.url, conversations, options.concurrency, sim.appSecret);
    const floorSeconds = (performance.now() - floorStarted) / 1000;

    const webhooks = conversations.reduce((sum, c) => sum + c.bodies.length, 0);
    const latencies = conversations.flatMap((c) => c.latenciesMs);
    const perSecond = webhooks / productSeconds;
    const floorPerSecond = webhooks / floorSeconds;
    return {
      webhooks,
      webhooks_per_s: perSecond,
      floor_per_s: floorPerSecond,
      ratio: perSecond / floorPerSecond,
      p50_ms: percentile(latencies, 0.5),
      p99_ms: percentile(latencies, 0.99),
      floor_p99_ms: percentile(floorLatencies, 0.99),
    };
  } finally {
    for (const close of closers.reverse()) await close().catch(() => undefined);
  }
}

/** The WhatsApp channel as the app wires it (createWhatsAppPart), on the world's shop and catalogue, behind the product's HTTP server. */
async function startProduct(sim: WhatsAppSim, world: World, db: Kysely<Database>, logger: Logger): Promise<RunningServer> {
  const part = await createWhatsAppPart({
    endpoint: {
      apiUrl: sim.apiUrl,
      accessToken: sim.accessToken,
      phoneNumberId: sim.phoneNumberId,
      appSecret: sim.appSecret,
      verifyToken: sim.verifyToken,
      adminIds: [],
      template: { name: "esim_ready", languages: { en: "en", ru: "ru", tr: "tr" } },
    },
    sandbox: false,
    retentionDays: 90,
    settings: { refundPolicy: "", lowBalanceThresholdMinor: 0 },
    db,
    logger,
  });
  const attached = await part.attach({ catalogue: world.catalogue, shop: world.shop, metrics: noMetrics });
  return listen(createServer({ db, logger: pino({ level: "silent" }), ...attached.routes }), { port: 0, host: "127.0.0.1" });
}

/** Nothing of ours past the HTTP server: the signature over the raw bytes, the JSON parsed, 200. */
function createFloorApp(appSecret: string): Hono {
  const app = new Hono();
  app.post("/webhooks/whatsapp", async (c) => {
    const raw = new Uint8Array(await c.req.arrayBuffer());
    if (!verifyWhatsAppSignature(raw, c.req.header("x-hub-signature-256"), appSecret)) return c.json({ outcome: "refused" }, 401);
    const parsed: unknown = JSON.parse(Buffer.from(raw).toString("utf8"));
    return c.json({ outcome: parsed ? "applied" : "malformed" }, 200);
  });
  return app;
}

interface Conversation {
  bodies: string[];
  latenciesMs: number[];
}

async function converse(sim: WhatsAppSim, url: string, users: SimUser[], answers: AnswerWaiters, concurrency: number): Promise<Conversation[]> {
  const conversations: Conversation[] = users.map(() => ({ bodies: [], latenciesMs: [] }));
  await forEachConcurrently(users, concurrency, async (user, index) => {
    const conversation = conversations[index]!;
    let last = answers.last(user.userId);
    for (const [number, step] of SCRIPT.entries()) {
      const what = step(index);
      let body: string;
      if ("text" in what) body = inboundBody(sim, user, { type: "text", text: { body: what.text } });
      else {
        const choices = last ? choicesOf(last) : [];
        const id = what.choose(choices.map((choice) => choice.id));
        const choice = choices.find((c) => c.id === id);
        if (!last || !choice) throw new Error(`whatsapp: step ${number + 1} found nothing to pick among ${choices.map((c) => c.id).join(", ")}`);
        body = inboundBody(sim, user, pressOf(last, choice));
      }
      conversation.bodies.push(body);
      const started = performance.now();
      const answered = answers.next(user.userId);
      await post(url, body, sim.appSecret);
      last = await answered;
      conversation.latenciesMs.push(performance.now() - started);
    }
  });
  return conversations;
}

/** The same bodies to the floor route, each contact's in order; the latency of each POST. */
async function replay(url: string, conversations: Conversation[], concurrency: number, appSecret: string): Promise<number[]> {
  const latencies: number[] = [];
  await forEachConcurrently(conversations, concurrency, async (conversation) => {
    for (const body of conversation.bodies) {
      const started = performance.now();
      await post(url, body, appSecret);
      latencies.push(performance.now() - started);
    }
  });
  return latencies;
}

async function post(url: string, body: string, appSecret: string): Promise<void> {
  const response = await fetch(`${url}/webhooks/whatsapp`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-hub-signature-256": signWhatsAppBody(body, appSecret) },
    body,
  });
  await response.arrayBuffer();
  if (response.status !== 200) throw new Error(`whatsapp: a webhook was answered ${response.status}`);
}

let nextMessage = 0;

/** One inbound message in one webhook, written as Meta writes it (non-ASCII escaped, slashes escaped). */
function inboundBody(sim: WhatsAppSim, user: SimUser, content: Record<string, unknown>): string {
  const message = {
    ...(user.waId ? { from: user.waId } : {}),
    from_user_id: user.userId,
    id: `wamid.bench${String(++nextMessage).padStart(12, "0")}`,
    timestamp: String(Math.floor(Date.now() / 1000)),
    ...content,
  };
  return metaJson({
    object: "whatsapp_business_account",
    entry: [
      {
        id: sim.wabaId,
        changes: [
          {
            field: "messages",
            value: {
              messaging_product: "whatsapp",
              metadata: { display_phone_number: sim.displayPhoneNumber.replace(/\D/g, ""), phone_number_id: sim.phoneNumberId },
              contacts: [{ profile: { name: user.name }, ...(user.waId ? { wa_id: user.waId } : {}), user_id: user.userId }],
              messages: [message],
            },
          },
        ],
      },
    ],
  });
}

interface Choice {
  id: string;
  title: string;
  description?: string;
  kind: "button_reply" | "list_reply";
}

function choicesOf(message: SentMessage): Choice[] {
  const content = message.content;
  if (content.type === "buttons") return content.buttons.map((b) => ({ id: b.id, title: b.title, kind: "button_reply" }));
  if (content.type === "list") return content.sections.flatMap((s) => s.rows.map((r) => ({ id: r.id, title: r.title, ...(r.description !== undefined ? { description: r.description } : {}), kind: "list_reply" as const })));
  return [];
}

function pressOf(message: SentMessage, choice: Choice): Record<string, unknown> {
  const reply = { id: choice.id, title: choice.title, ...(choice.description !== undefined ? { description: choice.description } : {}) };
  return { context: { id: message.id }, type: "interactive", interactive: { type: choice.kind, [choice.kind]: reply } };
}

const ANSWER_TIMEOUT_MS = 10_000;

/** Resolves when the product's answer to a contact has reached the stand-in: its last message, the one with choices. */
class AnswerWaiters {
  private readonly waiting = new Map<string, (message: SentMessage) => void>();
  private readonly lastAnswer = new Map<string, SentMessage>();

  constructor(sim: WhatsAppSim) {
    sim.onSend((message) => {
      if (message.content.type !== "buttons" && message.content.type !== "list") return;
      this.lastAnswer.set(message.userId, message);
      const resolve = this.waiting.get(message.userId);
      this.waiting.delete(message.userId);
      resolve?.(message);
    });
  }

  /** The next answer to this contact; a contact left without one stops the run. */
  next(userId: string): Promise<SentMessage> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`whatsapp: no answer to ${userId} within ${ANSWER_TIMEOUT_MS} ms`)), ANSWER_TIMEOUT_MS);
      this.waiting.set(userId, (message) => {
        clearTimeout(timer);
        resolve(message);
      });
    });
  }

  last(userId: string): SentMessage | undefined {
    return this.lastAnswer.get(userId);
  }
}
