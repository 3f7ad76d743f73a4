import type { DeliveredEsim } from "../notify/index.ts";
import type { Translate } from "./i18n.ts";
import { escapeHtml, link, type Message } from "./message.ts";

/** Telegram and WhatsApp both cut image captions at 1,024 characters. */
const MAX_CAPTION_CHARS = 1024;
/** Room kept free for the sandbox marker line. */
const CAPTION_RESERVE = 80;

export function appleInstallUrl(lpa: string): string {
  return `https://esimsetup.apple.com/esim_qrcode_provisioning?carddata=${encodeURIComponent(lpa)}`;
}

export function androidInstallUrl(lpa: string): string {
  return `https://esimsetup.android.com/esim_qrcode_provisioning?carddata=${encodeURIComponent(lpa)}`;
}

/**
 * One eSIM's QR code with everything needed to install it by hand (codes in monospace: tap to copy) and the
 * one-tap install links: a QR cannot be scanned on the phone that shows it.
 */
export function installMessage(t: Translate, esim: DeliveredEsim, bundleDescription: string): Message {
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
  return {
    text: caption,
    html: true,
    image: { png: esim.qrPng, name: `esim-${esim.iccid}.png` },
    actions: [[link(t("btn-install-ios"), appleInstallUrl(esim.lpa))], [link(t("btn-install-android"), androidInstallUrl(esim.lpa))]],
  };
}

/** The QR code of every eSIM, then the short install steps. */
export function installMessages(t: Translate, esims: DeliveredEsim[], bundleDescription: string): Message[] {
  return [...esims.map((esim) => installMessage(t, esim, bundleDescription)), { text: t("install-steps"), actions: [] }];
}
