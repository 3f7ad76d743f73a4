import type { DataNeed, TripLength } from "../catalogue/index.ts";
import { bundleKey, callbackData, callbackPattern, installMessages, pageNumber, planTitle, translatorFor, type Action, type Message, type Screen, type Translate } from "../copy/index.ts";
import type { CustomerDirectory, Identity, Language } from "../customers/index.ts";
import type { Customer } from "../db/schema.ts";
import type { Logger } from "../logger.ts";
import {
  bestOffersScreen,
  bundleGoneScreen,
  checkoutOutcomeScreen,
  chooserScreen,
  createSearch,
  dataQuestionScreen,
  destinationsScreen,
  eraseOutcomeScreen,
  eraseQuestionScreen,
  esimCardScreen,
  esimListScreen,
  esimNotFoundScreen,
  findOffer,
  helpScreen,
  isAdminCommand,
  isRegion,
  languageScreen,
  mainMenu,
  menuActions,
  offerScreen,
  offersScreen,
  PAYABLE_AGAIN,
  priceChangedScreen,
  regionScreen,
  regionsScreen,
  returnFromPaymentScreen,
  runAdminCommand,
  storableOutcome,
  topUpConfirmScreen,
  topUpGoneScreen,
  topUpScreen,
  type ScreenDeps,
  type Ui,
  type UsageLookup,
} from "../screens/index.ts";
import type { InboundKind } from "./webhook.ts";

export interface RouterDeps extends ScreenDeps {
  customers: CustomerDirectory;
  /** WhatsApp ids (business-scoped user ids or phone numbers) allowed the operator commands. */
  adminIds: ReadonlySet<string>;
  logger: Logger;
}

/** Who wrote, and how to answer them. */
export interface Conversation {
  identity: Identity;
  waId: string | null;
  /** Sends messages to this contact, in order; `t` words the list and button chrome. */
  reply(messages: Message[], t: Translate): Promise<void>;
  /** The rest of a long list behind its "More" row, or undefined once forgotten. */
  more(token: string): Action[] | undefined;
  /** Erases what the channel keeps of this contact (the customer erased their data). */
  forget(): Promise<void>;
}

/** Typed words that work like the Telegram commands, in every language we speak. */
const WORDS: Record<string, string> = {
  hi: "start", hello: "start", hey: "start", start: "start", привет: "start", здравствуйте: "start", merhaba: "start", selam: "start",
  menu: "menu", меню: "menu", menü: "menu",
  buy: "buy", купить: "buy", "satın al": "buy",
  "my esims": "myesims", "my esim": "myesims", myesims: "myesims", "мои esim": "myesims", "esim'lerim": "myesims", esimlerim: "myesims",
  help: "help", помощь: "help", yardım: "help", yardim: "help",
  language: "language", язык: "language", dil: "language",
};

const CUSTOMER_COMMANDS = new Set(["start", "menu", "buy", "myesims", "help", "language", "deletemydata"]);
/** What the payment page's return link types for the customer ("/paid 42"): the order's news, or a new link. */
const RETURN_COMMAND = /^\/(paid|cancel)\s+(\d{1,12})$/i;

/**
 * Turns one customer message into screens: typed words and commands, a destination to search, or the id of a button
 * or list row they pressed (our action data, checked against its pattern like any other input).
 */
export function createRouter(deps: RouterDeps): (conversation: Conversation, what: InboundKind) => Promise<void> {
  const search = createSearch(deps);

  return async (conversation, what) => {
    const customer = await deps.customers.lookup(conversation.identity);
    const ui = uiFor(customer?.language ?? languageOfNumber(conversation.waId));
    const session: Session = { deps, conversation, ui, customer, ensure: () => ensureCustomer(deps, conversation, ui.language, customer) };
    if (what.kind === "text") return onText(session, what.text, search);
    if (what.kind === "action") return onAction(session, what.data);
    await show(session, mainMenu(ui, ui.t("unknown-message")));
  };
}

interface Session {
  deps: RouterDeps;
  conversation: Conversation;
  ui: Ui;
  customer: Customer | undefined;
  ensure(): Promise<Customer>;
}

function uiFor(language: Language): Ui {
  return { language, t: translatorFor(language) };
}

/** A first guess at a new contact's language from their number's country code; they can change it any time. */
function languageOfNumber(waId: string | null): Language {
  if (waId?.startsWith("7")) return "ru";
  if (waId?.startsWith("90")) return "tr";
  return "en";
}

async function ensureCustomer(deps: RouterDeps, conversation: Conversation, language: Language, known: Customer | undefined): Promise<Customer> {
  return known ?? deps.customers.ensure(conversation.identity, language);
}

function show(session: Session, screen: Screen | Message): Promise<void> {
  return session.conversation.reply([screen], session.ui.t);
}

async function onText(session: Session, raw: string, search: (ui: Ui, text: string) => Screen): Promise<void> {
  const { ui, deps, conversation } = session;
  const text = raw.trim();
  const returned = RETURN_COMMAND.exec(text);
  if (returned) {
    const customer = await session.ensure();
    return show(session, await returnFromPaymentScreen(ui, deps, customer.id, returned[1]!.toLowerCase() as "paid" | "cancel", Number(returned[2])));
  }
  const [first = "", ...rest] = text.split(/\s+/);
  const isCommand = first.startsWith("/");
  const command = isCommand ? first.slice(1).toLowerCase() : WORDS[text.toLowerCase()];
  if (isCommand && isAdminCommand(command ?? "") && isAdmin(session)) {
    return runAdminCommand(ui, deps, deps.logger, command as never, rest.join(" "), (answer) => conversation.reply([{ text: answer, actions: [] }], ui.t));
  }
  if (command && CUSTOMER_COMMANDS.has(command)) return onCommand(session, command);
  if (isCommand) return show(session, mainMenu(ui, ui.t("unknown-command")));
  await show(session, search(ui, text));
}

function isAdmin(session: Session): boolean {
  const { adminIds } = session.deps;
  return adminIds.has(session.conversation.identity.externalId) || (session.conversation.waId !== null && adminIds.has(session.conversation.waId));
}

async function onCommand(session: Session, command: string): Promise<void> {
  const { ui, deps } = session;
  switch (command) {
    case "start":
      // Saying hello makes a person a customer; browsing alone writes nothing.
      await session.ensure();
      return show(session, mainMenu(ui, ui.t("welcome", { name: "" }).replace(/,?\s*!/, "!")));
    case "menu":
      return show(session, mainMenu(ui));
    case "buy":
      return show(session, destinationsScreen(ui, deps));
    case "myesims":
      return showEsims(session, 0);
    case "help":
      return show(session, helpScreen(ui, deps));
    case "language":
      return show(session, languageScreen(ui));
    case "deletemydata":
      return show(session, eraseQuestionScreen(ui));
  }
}

async function erase(session: Session): Promise<void> {
  const customer = await session.deps.customers.current(session.conversation.identity);
  const outcome = customer ? await session.deps.shop.eraseCustomer(customer.id) : "erased";
  if (outcome === "erased") {
    session.deps.customers.forget(session.conversation.identity);
    await session.conversation.forget();
  }
  await show(session, eraseOutcomeScreen(session.ui, outcome));
}

async function onAction(session: Session, data: string): Promise<void> {
  const { ui, deps } = session;
  let match: RegExpExecArray | null;
  if (data.startsWith("wm:")) {
    const rest = session.conversation.more(data.slice(3));
    return show(session, rest ? { text: ui.t("wa-more-title"), actions: [rest] } : mainMenu(ui, ui.t("wa-more-expired")));
  }
  if ((match = callbackPattern.nav.exec(data))) return onNav(session, match[1]!);
  if ((match = callbackPattern.region.exec(data))) return show(session, isRegion(match[1]!) ? regionScreen(ui, deps, match[1], pageNumber(match[2])) : regionsScreen(ui, deps));
  if ((match = callbackPattern.offers.exec(data))) return show(session, offersScreen(ui, deps, match[1]!, pageNumber(match[2])));
  if ((match = callbackPattern.chooseTrip.exec(data))) return show(session, chooserScreen(ui, deps, match[1]!));
  if ((match = callbackPattern.chooseData.exec(data))) return show(session, dataQuestionScreen(ui, deps, match[1]!, match[2] as TripLength));
  if ((match = callbackPattern.bestOffers.exec(data))) return show(session, bestOffersScreen(ui, deps, match[1]!, match[2] as TripLength, match[3] as DataNeed));
  if ((match = callbackPattern.details.exec(data) ?? callbackPattern.confirm.exec(data))) {
    const kind = data.startsWith("b:") ? "details" : "confirm";
    return show(session, offerScreen(ui, deps, match[1]!, match[2]!, kind) ?? bundleGoneScreen(ui, match[1]!));
  }
  if ((match = callbackPattern.pay.exec(data))) return pay(session, { iso2: match[1]!, key: match[2]!, shownPriceMinor: Number(match[3]) });
  if ((match = callbackPattern.topUpPay.exec(data))) return pay(session, { iccid: match[1]!, iso2: match[2]!, key: match[3]!, shownPriceMinor: Number(match[4]) });
  if ((match = callbackPattern.payAgain.exec(data))) return payAgain(session, Number(match[1]));
  if (data === callbackData.priceRejected) return show(session, { text: ui.t("checkout-cancelled"), actions: menuActions(ui) });
  if (data === callbackData.eraseConfirmed) return erase(session);
  if ((match = callbackPattern.language.exec(data))) return setLanguage(session, match[1] as Language);
  if ((match = callbackPattern.esims.exec(data))) return showEsims(session, pageNumber(match[1]));
  for (const [pattern, action] of ESIM_ACTIONS) if ((match = pattern.exec(data))) return withOwnedEsim(session, match, action);
  session.deps.logger.info({ data: data.slice(0, 64) }, "stale or unknown WhatsApp button");
  await show(session, mainMenu(ui, ui.t("button-expired")));
}

function onNav(session: Session, target: string): Promise<void> {
  const { ui, deps } = session;
  if (target === "buy") return show(session, destinationsScreen(ui, deps));
  if (target === "regions") return show(session, regionsScreen(ui, deps));
  if (target === "help") return show(session, helpScreen(ui, deps));
  if (target === "lang") return show(session, languageScreen(ui));
  if (target === "esims") return showEsims(session, 0);
  return show(session, mainMenu(ui));
}

async function setLanguage(session: Session, language: Language): Promise<void> {
  const customer = await session.ensure();
  await session.deps.customers.setLanguage(session.conversation.identity, customer, language);
  const ui = uiFor(language);
  await show(session, mainMenu(ui, ui.t("language-set")));
}

function usageLookup(session: Session, customerId: number): UsageLookup {
  return async (iccid, refresh = false) => {
    try {
      return await session.deps.shop.esimUsage(customerId, iccid, { refresh });
    } catch (error) {
      session.deps.logger.warn({ err: error, iccid }, "usage lookup failed");
      return undefined;
    }
  };
}

async function showEsims(session: Session, page: number): Promise<void> {
  const customer = await session.ensure();
  await show(session, await esimListScreen(session.ui, session.deps, customer.id, page, usageLookup(session, customer.id)));
}

type EsimAction = (session: Session, esim: NonNullable<Awaited<ReturnType<ScreenDeps["shop"]["customerEsim"]>>>, match: RegExpExecArray, customerId: number) => Promise<void>;

const ESIM_ACTIONS: [RegExp, EsimAction][] = [
  [callbackPattern.esim, async (s, esim, _m, id) => show(s, await esimCardScreen(s.ui, esim, usageLookup(s, id)))],
  [callbackPattern.refreshUsage, async (s, esim, _m, id) => show(s, await esimCardScreen(s.ui, esim, usageLookup(s, id), true))],
  [callbackPattern.resend, async (s, esim, _m, id) => resend(s, esim.iccid, esim.bundleDescription, id)],
  [callbackPattern.topUp, async (s, esim, _m, id) => show(s, await topUpScreen(s.ui, s.deps, id, esim))],
  [
    callbackPattern.topUpConfirm,
    async (s, esim, m) => {
      const bundle = findOffer(s.deps, m[2]!, m[3]!);
      return show(s, bundle ? topUpConfirmScreen(s.ui, esim, bundle, m[2]!) : topUpGoneScreen(s.ui, esim));
    },
  ],
];

/** Ownership is checked on every press: an ICCID in a button id proves nothing. */
async function withOwnedEsim(session: Session, match: RegExpExecArray, action: EsimAction): Promise<void> {
  const customer = await session.ensure();
  const esim = await session.deps.shop.customerEsim(customer.id, match[1]!);
  if (!esim) return show(session, esimNotFoundScreen(session.ui));
  await action(session, esim, match, customer.id);
}

async function resend(session: Session, iccid: string, bundleDescription: string, customerId: number): Promise<void> {
  const details = await session.deps.shop.installDetails(customerId, iccid);
  if (!details) return show(session, { text: session.ui.t("resend-unavailable"), actions: menuActions(session.ui) });
  await session.conversation.reply(installMessages(session.ui.t, [details], bundleDescription), session.ui.t);
}

interface PayInput {
  iso2: string;
  key: string;
  shownPriceMinor: number;
  iccid?: string;
}

/**
 * Pay pressed: the bundle is looked up again among today's offers and the shop charges the price from the database.
 * A changed price is asked about with a button that presses Pay again at the price just shown: no state to keep.
 */
async function pay(session: Session, input: PayInput): Promise<void> {
  const { ui, deps } = session;
  const customer = await session.ensure();
  const bundle = findOffer(deps, input.iso2, input.key);
  if (!bundle) return show(session, bundleGoneScreen(ui, input.iso2));
  if (input.iccid && !(await deps.shop.customerEsim(customer.id, input.iccid))) return show(session, esimNotFoundScreen(ui));
  const plan = planTitle(bundle, input.iso2, ui.t, ui.language);
  let outcome;
  try {
    outcome = await deps.shop.checkout({ customerId: customer.id, bundleName: bundle.name, confirmedPriceMinor: input.shownPriceMinor, ...(input.iccid ? { targetIccid: input.iccid } : {}) });
  } catch (error) {
    deps.logger.error({ err: error, customerId: customer.id, bundle: bundle.name }, "checkout failed");
    return show(session, checkoutOutcomeScreen(ui, { kind: "error" }, plan));
  }
  if (outcome.kind === "price_changed") {
    const again = input.iccid ? callbackData.topUpPay(input.iccid, input.iso2, bundle.name, outcome.priceMinor) : callbackData.pay(input.iso2, bundle.name, outcome.priceMinor);
    return show(session, priceChangedScreen(ui, outcome.priceMinor, outcome.currency, again));
  }
  await show(session, checkoutOutcomeScreen(ui, storableOutcome(outcome), plan));
}

/** A new (or the same, still valid) payment link for an unpaid order. */
async function payAgain(session: Session, orderId: number): Promise<void> {
  const { ui, deps } = session;
  const customer = await session.ensure();
  const order = await deps.shop.customerOrder(customer.id, orderId);
  if (!order || !PAYABLE_AGAIN.has(order.status)) return show(session, { text: ui.t("order-not-payable", { order: String(orderId) }), actions: menuActions(ui) });
  const bundle = deps.catalogue.bundle(order.bundle_name);
  const iso2 = bundle?.countries[0];
  if (!bundle || !iso2) return show(session, { text: ui.t("bundle-gone"), actions: menuActions(ui) });
  await pay(session, { iso2, key: bundleKey(bundle.name), shownPriceMinor: order.price_minor, ...(order.target_iccid ? { iccid: order.target_iccid } : {}) });
}
