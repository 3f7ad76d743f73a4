import { InlineKeyboard } from "grammy";
import type { DeliveredEsim } from "../notify/index.ts";
import { escapeHtml } from "./format.ts";
import type { Translate } from "./i18n.ts";

const MAX_CAPTION_CHARS = 1024;
/** Room kept free for the sandbox marker line. */
const CAPTION_RESERVE = 80;

function appleInstallUrl(lpa: string): string {
  return `https://esimsetup.apple.com/esim_qrcode_provisioning?carddata=${encodeURIComponent(lpa)}`;
}

function androidInstallUrl(lpa: string): string {
  return `https://esimsetup.android.com/esim_qrcode_provisioning?carddata=${encodeURIComponent(lpa)}`;
}

/** The QR photo's HTML caption (codes in <code>: tap to copy) and its one-tap install buttons. */
export function esimPhoto(t: Translate, esim: DeliveredEsim, bundleDescription: string): { caption: string; keyboard: InlineKeyboard } {
  const captionWith = (bundle: string) =>
    t("esim-ready-caption", {
      bundle: escapeHtml(bundle),
      iccid: escapeHtml(esim.iccid),
      smdp: escapeHtml(esim.smdpAddress),
      matching: escapeHtml(esim.matchingId),
    });
  let caption = captionWith(bundleDescription);
  const excess = caption.length - (MAX_CAPTION_CHARS - CAPTION_RESERVE);
  if (excess > 0) caption = captionWith(`${bundleDescription.slice(0, Math.max(0, bundleDescription.length - excess - 1))}…`);
  const keyboard = new InlineKeyboard()
    .url(t("btn-install-ios"), appleInstallUrl(esim.lpa))
    .row()
    .url(t("btn-install-android"), androidInstallUrl(esim.lpa));
  return { caption, keyboard };
}

export function installSteps(t: Translate): string {
  return t("install-steps");
}
