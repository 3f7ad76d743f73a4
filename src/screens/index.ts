/**
 * The chat's screens, channel-neutral: each is a `Screen` (text and rows of actions) built from the catalogue, the
 * shop and the customer's language. Telegram and WhatsApp only draw them and route the actions back here.
 */
export type { ScreenDeps, ScreenSettings, Ui } from "./context.ts";
export { createScreenCache, type ScreenCache } from "./cache.ts";
export { destinationsScreen, isRegion, menuActions, regionScreen, regionsScreen } from "./destinations.ts";
export { eraseOutcomeScreen, eraseQuestionScreen, helpScreen, languageScreen, mainMenu, PAYABLE_AGAIN, paySupportScreen, returnFromPaymentScreen } from "./menu.ts";
export { bundleGoneScreen, confirmScreen, detailsScreen, findOffer, offerButton, offerScreen, offersScreen } from "./offers.ts";
export { esimCardScreen, esimListScreen, esimNotFoundScreen, topUpConfirmScreen, topUpGoneScreen, topUpScreen, usageText, type UsageLookup } from "./my-esims.ts";
export {
  checkoutOutcomeScreen,
  priceChangedScreen,
  starsInvoiceCopy,
  starsRefusalText,
  storableOutcome,
  type StoredCheckoutOutcome,
} from "./checkout.ts";
export { createSearch } from "./search.ts";
export { ADMIN_COMMANDS, isAdminCommand, runAdminCommand, type AdminCommand } from "./admin.ts";
export { bestOffersScreen, chooserScreen, dataQuestionScreen } from "./chooser.ts";
