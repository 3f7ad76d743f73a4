/**
 * The WhatsApp channel over Meta's Cloud API: a small typed client on fetch, webhooks checked by signature and kept
 * until handled (deduplicated by message id), the shared screens drawn as buttons, lists and link buttons, and the
 * 24-hour rule (a template outside it, the rest when the customer writes back). This module alone writes the
 * whatsapp_* tables.
 */
export { createWhatsAppClient, WHATSAPP_ERRORS, WhatsAppError, type WhatsAppClient, type WhatsAppClientOptions } from "./client.ts";
export { createWhatsAppChannel, type WhatsAppChannel, type WhatsAppChannelDeps, type WhatsAppSettings, type WhatsAppWebhookOutcome } from "./channel.ts";
export { createWhatsAppSender, type WhatsAppSender } from "./sender.ts";
export { createListOverflow, type ListOverflow } from "./render.ts";
export { signWhatsAppBody, verifyWhatsAppSignature } from "./signature.ts";
export { fromHtml, LIMITS as WHATSAPP_LIMITS, toWhatsApp } from "./render.ts";
