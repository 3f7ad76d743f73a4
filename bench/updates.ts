import { performance } from "node:perf_hooks";
import { Bot } from "grammy";
import type { Update } from "grammy/types";
import type { BotContext } from "../src/telegram/index.ts";
import { ChatUser } from "./chat.ts";
import type { FakeButton, FakeTelegram } from "./fake-telegram.ts";
import { forEachConcurrently, percentile } from "./stats.ts";

export interface UpdatesFigures {
  updates: number;
  full_per_s: number;
  bare_per_s: number;
  ratio: number;
  floor_per_s: number;
  floor_ratio: number;
  p50_ms: number;
  p99_ms: number;
}

export interface UpdatesOptions {
  users: number;
  warmUpUsers: number;
  /** Chats served at once, each chat's updates in order (as webhook mode with several connections does). */
  concurrency: number;
  /** Telegram ids from here on are used by this benchmark only. */
  firstUserId: number;
}

/** What travellers type: names in our three languages, with a typo, an ISO code and a flag. */
const QUERIES = ["Germany", "Германия", "Almanya", "Germny", "France", "Франция", "Fransa", "Türkiye", "Турция", "Japan", "Япония", "Japonya", "Italy", "Италия", "Spain", "İspanya", "Austria", "DE", "🇬🇧", "United States"];

type Step = (user: ChatUser, index: number) => Update | undefined;

/**
 * Search a country (the plan chooser opens), "all plans" (its offers open), next page, a bundle's details, back to
 * the offers, another bundle.
 */
const BROWSING: readonly Step[] = [
  (user, index) => user.text(QUERIES[index % QUERIES.length]!),
  (user) => user.press(/^o:[A-Z]{2}:0$/),
  (user) => user.press(/^o:[A-Z]{2}:1$/),
  (user) => user.press(/^b:/),
  (user) => user.press(/^o:[A-Z]{2}:0$/),
  (user) => user.press((buttons) => lastMatching(buttons, /^b:/)),
];

/**
 * The same catalogue-browsing updates through the whole bot and through a bare grammY bot that answers each with
 * a fixed reply, both against the same in-process fake of Telegram.
 */
export async function benchUpdates(fullBot: Bot<BotContext>, telegram: FakeTelegram, options: UpdatesOptions): Promise<UpdatesFigures> {
  const bareBot = createBareBot(telegram);
  const screens = new ScreenRecorder(telegram);
  const floorBot = createFloorBot(telegram, screens);
  const warmUp = users(options.firstUserId, options.warmUpUsers, telegram);
  const measured = users(options.firstUserId + options.warmUpUsers, options.users, telegram);

  const warmUpScripts = await screens.recording(() => browse(fullBot, warmUp, options.concurrency, screens));
  await replay(bareBot, warmUpScripts, options.concurrency);
  await replay(floorBot, warmUpScripts, options.concurrency);

  // The journeys are recorded first: a simulated person reads each screen to pick the next button, and that (and
  // the recording) is the benchmark's work, not the bot's. The three bots are then timed on the same updates the
  // same way. The full bot gets them from people it has not seen (renumbered), so each first contact costs what a
  // stranger's does.
  const scripts = await screens.recording(() => browse(fullBot, measured, options.concurrency, screens));
  const recordedCalls = scripts.reduce((sum, script) => sum + script.updates.reduce((calls, update) => calls + screens.callsFor(update.update_id).length, 0), 0);
  const updates = scripts.reduce((sum, script) => sum + script.updates.length, 0);
  const rounds: { full: number; bare: number; floor: number; strangers: Script[] }[] = [];
  for (let round = 1; round <= TIMED_ROUNDS; round++) {
    const strangers = scripts.map((script) => renumbered(script, round * STRANGER_ID_OFFSET));
    const callsBefore = telegram.calls();
    const full = await timed(() => replay(fullBot, strangers, options.concurrency));
    const fullCalls = telegram.calls() - callsBefore;
    if (fullCalls !== recordedCalls) throw new Error(`updates: the full bot made ${fullCalls} Bot API calls for the renumbered updates, ${recordedCalls} for the recorded ones`);
    const bare = await timed(() => replay(bareBot, scripts, options.concurrency));
    const floor = await timed(() => replay(floorBot, scripts, options.concurrency));
    rounds.push({ full: updates / full.seconds, bare: updates / bare.seconds, floor: updates / floor.seconds, strangers });
  }

  // Each bot's median round: one slow round (a garbage collection, the machine's neighbours) moves no figure.
  const median = (of: (round: (typeof rounds)[number]) => number) => percentile(rounds.map(of), 0.5);
  const fullPerSecond = median((round) => round.full);
  const barePerSecond = median((round) => round.bare);
  const floorPerSecond = median((round) => round.floor);
  const latencies = rounds.flatMap((round) => round.strangers.flatMap((script) => script.latenciesMs));
  return {
    updates,
    full_per_s: fullPerSecond,
    bare_per_s: barePerSecond,
    ratio: fullPerSecond / barePerSecond,
    floor_per_s: floorPerSecond,
    floor_ratio: fullPerSecond / floorPerSecond,
    p50_ms: percentile(latencies, 0.5),
    p99_ms: percentile(latencies, 0.99),
  };
}

interface Script {
  updates: Update[];
  latenciesMs: number[];
}

async function browse(bot: Bot<BotContext>, chatUsers: ChatUser[], concurrency: number, screens: ScreenRecorder): Promise<Script[]> {
  const scripts: Script[] = chatUsers.map(() => ({ updates: [], latenciesMs: [] }));
  await forEachConcurrently(chatUsers, concurrency, async (user, index) => {
    const script = scripts[index]!;
    for (const [number, step] of BROWSING.entries()) {
      const update = step(user, index);
      // A journey that no longer matches the bot would measure less than it claims: stop and say where.
      if (!update) throw new Error(`updates: browsing step ${number + 1} found no button to press for "${QUERIES[index % QUERIES.length]}" on: ${user.shown()?.text.slice(0, 120)}`);
      script.updates.push(update);
      screens.begin(update);
      await bot.handleUpdate(update);
    }
  });
  return scripts;
}

/** Each script's updates in order, `concurrency` scripts at a time; each update's latency is kept in its script. */
async function replay(bot: Pick<Bot, "handleUpdate">, scripts: Script[], concurrency: number): Promise<void> {
  await forEachConcurrently(scripts, concurrency, async (script) => {
    script.latenciesMs.length = 0;
    for (const update of script.updates) {
      const started = performance.now();
      await bot.handleUpdate(update);
      script.latenciesMs.push(performance.now() - started);
    }
  });
}

/** Timed rounds of each bot; the figures are each bot's median round. */
export const TIMED_ROUNDS = 3;
/** Ids of the renumbered people, round by round: far from any other benchmark's. */
const STRANGER_ID_OFFSET = 1_000_000;
let renumberedUpdateId = 1_000_000_000;

/** The same updates from another person (their id + offset) in their own chat. */
function renumbered(script: Script, offset: number): Script {
  const updates = script.updates.map((update): Update => {
    const updateId = ++renumberedUpdateId;
    if (update.message) {
      const { message } = update;
      return { update_id: updateId, message: { ...message, from: { ...message.from!, id: message.from!.id + offset }, chat: { ...message.chat, id: message.chat.id + offset } } as typeof message };
    }
    const query = update.callback_query!;
    const message = query.message!;
    return {
      update_id: updateId,
      callback_query: { ...query, id: `cq${updateId}`, from: { ...query.from, id: query.from.id + offset }, message: { ...message, chat: { ...message.chat, id: message.chat.id + offset } } as typeof message },
    };
  });
  return { updates, latenciesMs: [] };
}

/** grammY with nothing of ours: one fixed answer per update, the same Bot API calls the real bot makes. */
function createBareBot(telegram: FakeTelegram): Bot {
  const bot = new Bot(telegram.token, { botInfo: telegram.botInfo, client: { fetch: telegram.fetch } });
  bot.on("message", (ctx) => ctx.reply("Here are the offers."));
  bot.on("callback_query", async (ctx) => {
    await ctx.answerCallbackQuery();
    await ctx.editMessageText("Here are the offers.");
  });
  return bot;
}

interface RecordedCall {
  method: string;
  payload: Record<string, unknown>;
}

/** The Bot API calls the full bot made for each update (by update id), with their payloads as Telegram read them. */
class ScreenRecorder {
  private readonly calls = new Map<number, RecordedCall[]>();
  /** The update each chat (and each callback query) is being answered for. */
  private readonly updateOfChat = new Map<number, number>();
  private readonly updateOfQuery = new Map<string, number>();

  constructor(private readonly telegram: FakeTelegram) {}

  async recording<T>(run: () => Promise<T>): Promise<T> {
    const stop = this.telegram.onCall((method, payload) => {
      const update = typeof payload.callback_query_id === "string" ? this.updateOfQuery.get(payload.callback_query_id) : this.updateOfChat.get(Number(payload.chat_id));
      if (update !== undefined) this.calls.get(update)?.push({ method, payload: { ...payload } });
    });
    try {
      return await run();
    } finally {
      stop();
    }
  }

  /** Called before the full bot handles an update. */
  begin(update: Update): void {
    this.calls.set(update.update_id, []);
    const chatId = update.message?.chat.id ?? update.callback_query?.message?.chat.id;
    if (chatId !== undefined) this.updateOfChat.set(chatId, update.update_id);
    if (update.callback_query) this.updateOfQuery.set(update.callback_query.id, update.update_id);
  }

  callsFor(updateId: number): RecordedCall[] {
    return this.calls.get(updateId) ?? [];
  }
}

/**
 * The floor: for each update, the very calls the full bot made for it (its screen's text and keyboard, pre-rendered),
 * made again through grammY's API and the same fake, with nothing of ours in between.
 */
function createFloorBot(telegram: FakeTelegram, screens: ScreenRecorder): Bot {
  const bot = new Bot(telegram.token, { botInfo: telegram.botInfo, client: { fetch: telegram.fetch } });
  const raw = bot.api.raw as unknown as Record<string, (payload: Record<string, unknown>) => Promise<unknown>>;
  bot.use(async (ctx) => {
    for (const call of screens.callsFor(ctx.update.update_id)) await raw[call.method]!(call.payload);
  });
  return bot;
}

function users(firstId: number, count: number, telegram: FakeTelegram): ChatUser[] {
  return Array.from({ length: count }, (_, i) => ChatUser.numbered(firstId + i, telegram));
}

function lastMatching(buttons: FakeButton[], pattern: RegExp): FakeButton | undefined {
  return buttons.filter((button) => button.callbackData !== undefined && pattern.test(button.callbackData)).at(-1);
}

async function timed<T>(run: () => Promise<T>): Promise<{ result: T; seconds: number }> {
  const started = performance.now();
  const result = await run();
  return { result, seconds: (performance.now() - started) / 1000 };
}
