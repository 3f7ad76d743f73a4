import type { z } from "zod";
import { GraphError, invalidParameter } from "./errors.ts";
import { BSUID_PATTERN, WA_ID_PATTERN } from "./ids.ts";
import { graphErrorOf } from "./limits.ts";
import type { MediaStore } from "./media.ts";
import { imageSchema, interactiveSchemas, sendEnvelopeSchema, templateSchema, textSchema } from "./send-schema.ts";
import type { InteractiveHeader, SentContent, TemplateDefinition } from "./types.ts";

export type Recipient = { kind: "wa_id"; input: string } | { kind: "user_id"; input: string };

export interface ParsedSend {
  recipient: Recipient;
  content: SentContent;
}

const SIMULATED_TYPES = ["text", "interactive", "image", "template"];
const OTHER_TYPES = ["audio", "video", "document", "sticker", "location", "contacts", "reaction"];

/** Checks a send as the Cloud API does, in its order: the envelope, the recipient, then the content of its type. */
export function parseSend(json: unknown, deps: { templates: readonly TemplateDefinition[]; media: MediaStore }): ParsedSend {
  if (typeof json !== "object" || json === null || Array.isArray(json)) throw invalidParameter("The parameter messaging_product is required.");
  const envelope = parseWith(sendEnvelopeSchema, json, []);
  const recipient = recipientOf(envelope.to, envelope.recipient);
  const type = envelope.type ?? "text";
  if (OTHER_TYPES.includes(type)) throw invalidParameter(`Param type: whatsapp-sim does not simulate "${type}" messages (it has ${SIMULATED_TYPES.join(", ")}).`);
  if (!SIMULATED_TYPES.includes(type)) throw invalidParameter(`Param type must be one of {${[...SIMULATED_TYPES, ...OTHER_TYPES].join(", ")}}.`);
  const object = (envelope as Record<string, unknown>)[type];
  if (object === undefined) throw invalidParameter(`The parameter ${type} is required.`);
  return { recipient, content: contentOf(type, object, deps) };
}

function recipientOf(to: string | undefined, recipient: string | undefined): Recipient {
  // Both given: `to` wins, as Meta routes by phone number first.
  if (to !== undefined) {
    if (!WA_ID_PATTERN.test(to)) throw invalidParameter("Param to must be a WhatsApp id (wa_id: the phone number in digits); send a business-scoped user id in recipient.");
    return { kind: "wa_id", input: to };
  }
  if (recipient !== undefined) {
    if (!BSUID_PATTERN.test(recipient)) throw invalidParameter("Param recipient must be a business-scoped user id (two letters, a dot, up to 128 letters and digits).");
    return { kind: "user_id", input: recipient };
  }
  throw invalidParameter("The parameter to is required.");
}

function parseWith<Schema extends z.ZodType>(schema: Schema, value: unknown, path: PropertyKey[]): z.output<Schema> {
  const parsed = schema.safeParse(value, { reportInput: true });
  if (!parsed.success) throw graphErrorOf(parsed.error, path);
  return parsed.data;
}

function contentOf(type: string, object: unknown, deps: { templates: readonly TemplateDefinition[]; media: MediaStore }): SentContent {
  switch (type) {
    case "text": {
      const text = parseWith(textSchema, object, ["text"]);
      return { type: "text", body: text.body, previewUrl: text.preview_url ?? false };
    }
    case "image": {
      const image = parseWith(imageSchema, object, ["image"]);
      const stored = image.id === undefined ? undefined : knownMedia(deps.media, image.id, "image['id']");
      return {
        type: "image",
        ...(image.caption !== undefined ? { caption: image.caption } : {}),
        ...(image.id !== undefined ? { mediaId: image.id } : {}),
        ...(image.link !== undefined ? { link: image.link } : {}),
        ...(stored ? { image: { bytes: stored.bytes, mimeType: stored.mimeType } } : {}),
      };
    }
    case "template":
      return templateContent(parseWith(templateSchema, object, ["template"]), deps.templates);
    default:
      return interactiveContent(object, deps.media);
  }
}

function knownMedia(media: MediaStore, id: string, param: string) {
  const stored = media.get(id);
  if (!stored) throw new GraphError("mediaUpload", `Param ${param}: no media with id ${id} was uploaded to this phone number.`);
  return stored;
}

function interactiveContent(object: unknown, media: MediaStore): SentContent {
  const type = (object as { type?: unknown } | null)?.type;
  if (typeof type !== "string") throw invalidParameter("The parameter interactive['type'] is required.");
  if (!(type in interactiveSchemas)) throw invalidParameter(`Param interactive['type'] must be one of {${Object.keys(interactiveSchemas).join(", ")}} (the interactive types whatsapp-sim simulates).`);
  const kind = type as keyof typeof interactiveSchemas;
  if (kind === "list") {
    const list = parseWith(interactiveSchemas.list, object, ["interactive"]);
    return {
      type: "list",
      ...(list.header ? { header: { type: "text", text: list.header.text } } : {}),
      body: list.body.text,
      ...(list.footer ? { footer: list.footer.text } : {}),
      button: list.action.button,
      sections: list.action.sections.map((s) => ({
        ...(s.title !== undefined ? { title: s.title } : {}),
        rows: s.rows.map((r) => ({ id: r.id, title: r.title, ...(r.description !== undefined ? { description: r.description } : {}) })),
      })),
    };
  }
  const parsed = parseWith(interactiveSchemas[kind], object, ["interactive"]);
  const header = parsed.header ? headerOf(parsed.header, media) : undefined;
  const framing = { ...(header ? { header } : {}), body: parsed.body.text, ...(parsed.footer ? { footer: parsed.footer.text } : {}) };
  if (parsed.type === "button") return { type: "buttons", ...framing, buttons: parsed.action.buttons.map((b) => ({ id: b.reply.id, title: b.reply.title })) };
  return { type: "cta_url", ...framing, displayText: parsed.action.parameters.display_text, url: parsed.action.parameters.url };
}

function headerOf(header: { type: "text"; text: string } | { type: "image"; image: { id?: string; link?: string } }, media: MediaStore): InteractiveHeader {
  if (header.type === "text") return { type: "text", text: header.text };
  if (header.image.id !== undefined) knownMedia(media, header.image.id, "interactive['header']['image']['id']");
  return { type: "image", ...(header.image.id !== undefined ? { mediaId: header.image.id } : {}), ...(header.image.link !== undefined ? { link: header.image.link } : {}) };
}

function templateContent(template: z.output<typeof templateSchema>, templates: readonly TemplateDefinition[]): SentContent {
  const code = template.language.code;
  const known = templates.find((t) => t.name === template.name);
  if (!known || !known.languages.includes(code)) {
    throw new GraphError("templateMissing", `Template name ${template.name} does not exist in ${code}${known ? ` (approved in ${known.languages.join(", ")})` : ""}.`);
  }
  const components = template.components ?? [];
  const others = components.filter((c) => c.type !== "body" && (c.parameters?.length ?? 0) > 0);
  if (others.length > 0) throw new GraphError("templateParameterCount", `Template ${template.name} has no ${others[0]?.type} parameters.`);
  const parameters = components.filter((c) => c.type === "body").flatMap((c) => c.parameters ?? []);
  if (parameters.length !== known.bodyParameters) {
    throw new GraphError("templateParameterCount", `Template ${template.name} (${code}) expects ${known.bodyParameters} body parameter(s); ${parameters.length} given.`);
  }
  const texts = parameters.map((p) => (p.type === "text" ? (p.text ?? "") : `[${p.type}]`));
  // Meta refuses template variables with new lines, tabs or more than four spaces in a row, and empty ones.
  const bad = parameters.findIndex((p) => p.type === "text" && ((p.text ?? "").trim() === "" || /[\n\t]| {5,}/.test(p.text ?? "")));
  if (bad >= 0) throw new GraphError("templateParameterFormat", `Param template['components'] body parameter ${bad + 1} is empty or has a new line, a tab or more than four spaces in a row.`);
  return { type: "template", name: template.name, language: code, parameters: texts };
}
