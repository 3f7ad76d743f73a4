import { renderWhatsAppText, styled } from "./format.ts";
import { qrLinesOf } from "./qr.ts";
import type { InteractiveHeader, SentMessage } from "./types.ts";

export interface RenderDeps {
  color: boolean;
  /** Where the next image is saved, by its extension. */
  imagePath(extension: "png" | "jpg"): string;
  save(path: string, bytes: Buffer): Promise<void>;
}

export interface RenderedMessage {
  /** The first line follows the bot's mark; the rest are indented. */
  lines: string[];
  /** Reply buttons and list rows, numbered from 1. */
  choices: { number: number; title: string; messageId: string; id: string }[];
}

export const TEMPLATE_HINT = "(WhatsApp template: reply to get the rest)";

/** One message the business sent, as a person reads it in a terminal. */
export async function renderSent(message: SentMessage, deps: RenderDeps): Promise<RenderedMessage> {
  const { content } = message;
  const text = (value: string) => renderWhatsAppText(value, { color: deps.color }).split("\n");
  const framed = (header: InteractiveHeader | undefined, body: string, footer: string | undefined) => [
    ...(header?.type === "text" ? [styled(renderWhatsAppText(header.text), "bold", deps.color)] : header ? [`🖼  image header ${header.link ?? header.mediaId ?? ""}`] : []),
    ...text(body),
    ...(footer ? [styled(footer, "dim", deps.color)] : []),
  ];
  switch (content.type) {
    case "text":
      return { lines: text(content.body), choices: [] };
    case "buttons": {
      const choices = content.buttons.map((b, i) => ({ number: i + 1, title: b.title, messageId: message.id, id: b.id }));
      return { lines: [...framed(content.header, content.body, content.footer), choices.map((c) => `[${c.number}] ${c.title}`).join("  ")], choices };
    }
    case "list": {
      const choices: RenderedMessage["choices"] = [];
      const lines = [...framed(content.header, content.body, content.footer), `☰ ${content.button}:`];
      for (const section of content.sections) {
        if (section.title) lines.push(styled(section.title, "bold", deps.color));
        for (const row of section.rows) {
          choices.push({ number: choices.length + 1, title: row.title, messageId: message.id, id: row.id });
          lines.push(`[${choices.length}] ${row.title}${row.description ? ` — ${row.description}` : ""}`);
        }
      }
      return { lines, choices };
    }
    case "cta_url":
      // The URL on a line of its own, so a terminal makes it clickable and it copies cleanly.
      return { lines: [...framed(content.header, content.body, content.footer), `🔗 ${content.displayText} — open this link in your browser:`, `   ${content.url}`], choices: [] };
    case "template":
      return { lines: [`📋 Template "${content.name}" (${content.language})${content.parameters.length > 0 ? `: ${content.parameters.join(" · ")}` : ""}`, TEMPLATE_HINT], choices: [] };
    case "image":
      return { lines: [...(await imageLines(content, deps)), ...(content.caption ? text(content.caption) : [])], choices: [] };
  }
}

async function imageLines(content: Extract<SentMessage["content"], { type: "image" }>, deps: RenderDeps): Promise<string[]> {
  if (!content.image) return [`🖼  image: ${content.link ?? content.mediaId ?? ""}`];
  const png = content.image.mimeType === "image/png";
  const path = deps.imagePath(png ? "png" : "jpg");
  await deps.save(path, content.image.bytes);
  return [`🖼  photo saved: ${path}`, ...(png ? await qrLinesOf(content.image.bytes) : [])];
}
