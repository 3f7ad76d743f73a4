import { performance } from "node:perf_hooks";
import type { Bot } from "grammy";
import type { Update } from "grammy/types";
import type { BotContext } from "../src/telegram/index.ts";
import { ChatUser } from "./chat.ts";
import type { FakeTelegram } from "./fake-telegram.ts";

export interface CustomersFigures {
  concurrent: number;
  completed: number;
  errors: number;
  seconds: number;
}

export interface CustomersOptions {
  customers: number;
  firstUserId: number;
  /** Where payment links must point: the Stripe stand-in. */
  paymentUrlPrefix: string;
  /** Error lines logged so far (the bot logs every failed update). */
  loggedErrors: () => number;
}

const DESTINATIONS = ["Germany", "Франция", "Türkiye", "Japan", "United States", "İngiltere", "Австрия", "Australia"];

type Step = (user: ChatUser, index: number) => Update | undefined;

/**
 * The chat part of a purchase: start, type a destination (the plan chooser), all plans, a plan's details, confirm,
 * Pay → the payment link.
 */
const PURCHASE: readonly Step[] = [
  (user) => user.text("/start"),
  (user, index) => user.text(DESTINATIONS[index % DESTINATIONS.length]!),
  (user) => user.press(/^o:[A-Z]{2}:0$/),
  (user) => user.press(/^b:/),
  (user) => user.press(/^k:/),
  (user) => user.press(/^p:/),
];

/** Every customer at once, each in their own chat, through the whole bot. */
export async function benchCustomers(bot: Bot<BotContext>, telegram: FakeTelegram, options: CustomersOptions): Promise<CustomersFigures> {
  const errorsBefore = options.loggedErrors();
  const customers = Array.from({ length: options.customers }, (_, i) => ChatUser.numbered(options.firstUserId + i, telegram));
  const started = performance.now();
  const outcomes = await Promise.all(customers.map((customer, index) => purchase(bot, customer, index, options.paymentUrlPrefix)));
  const seconds = (performance.now() - started) / 1000;
  const failedUpdates = outcomes.filter((outcome) => outcome === "failed").length;
  return {
    concurrent: options.customers,
    completed: outcomes.filter((outcome) => outcome === "completed").length,
    errors: failedUpdates + (options.loggedErrors() - errorsBefore),
    seconds,
  };
}

type Outcome = "completed" | "stuck" | "failed";

async function purchase(bot: Bot<BotContext>, customer: ChatUser, index: number, paymentUrlPrefix: string): Promise<Outcome> {
  try {
    for (const step of PURCHASE) {
      const update = step(customer, index);
      if (!update) return "stuck";
      await bot.handleUpdate(update);
    }
  } catch {
    return "failed";
  }
  const link = customer.shown()?.buttons.find((button) => button.url !== undefined);
  return link?.url?.startsWith(paymentUrlPrefix) ? "completed" : "stuck";
}
