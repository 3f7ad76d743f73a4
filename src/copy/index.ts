/**
 * Customer-facing copy every channel uses: the Fluent translations, the formatting of money, data and dates, the
 * button vocabulary (`actions`), and notices rendered to channel-neutral messages.
 */
export { translatorFor, LOCALES_DIR, type Translate, type TranslationVariables } from "./i18n.ts";
export * from "./format.ts";
export { bundleKey, callbackData, callbackPattern, isCheckoutData, MAX_CALLBACK_BYTES, pageNumber, type NavTarget } from "./actions.ts";
export { escapeHtml, inRows, withSandboxMarker, link, reply, type Action, type Message, type Screen } from "./message.ts";
export { androidInstallUrl, appleInstallUrl, installMessage, installMessages } from "./install.ts";
export { renderAlert, renderNotice } from "./notices.ts";
