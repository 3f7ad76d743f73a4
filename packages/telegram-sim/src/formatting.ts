import type { MessageEntity } from "grammy/types";
import { badRequest, type BotApiError } from "./errors.ts";

/** What Telegram stores after parsing: plain text plus entities (offsets in UTF-16 units). */
export interface FormattedText {
  text: string;
  entities: MessageEntity[];
}

export function formatText(source: string, parseMode: string | undefined, entities?: unknown): FormattedText {
  switch (parseMode?.toLowerCase()) {
    case undefined:
    case "":
      return { text: source, entities: Array.isArray(entities) ? (entities as MessageEntity[]) : [] };
    case "html":
      return new HtmlParser(source).parse();
    case "markdownv2":
      return new MarkdownV2Parser(source).parse();
    case "markdown":
      return parseLegacyMarkdown(source);
    default:
      throw badRequest("unsupported parse_mode");
  }
}

function cantParse(what: string): BotApiError {
  return badRequest(`can't parse entities: ${what}`);
}

function byteOffset(source: string, index: number): number {
  return Buffer.byteLength(source.slice(0, index));
}

function sortEntities(entities: MessageEntity[]): MessageEntity[] {
  return entities.filter((e) => e.length > 0).sort((a, b) => a.offset - b.offset || b.length - a.length);
}

// --- HTML

interface OpenTag {
  name: string;
  start: number;
  attributes: Map<string, string>;
}

const SIMPLE_HTML_TAGS: Record<string, MessageEntity["type"]> = {
  b: "bold",
  strong: "bold",
  i: "italic",
  em: "italic",
  u: "underline",
  ins: "underline",
  s: "strikethrough",
  strike: "strikethrough",
  del: "strikethrough",
  "tg-spoiler": "spoiler",
  code: "code",
};
const OTHER_HTML_TAGS = new Set(["a", "span", "pre", "blockquote", "tg-emoji"]);
const NAMED_HTML_ENTITIES: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"' };

/** Crude on purpose: the tags and error messages Telegram uses, not a full HTML parser. */
class HtmlParser {
  private text = "";
  private readonly entities: MessageEntity[] = [];
  private readonly open: OpenTag[] = [];

  constructor(private readonly source: string) {}

  parse(): FormattedText {
    let i = 0;
    while (i < this.source.length) {
      const char = this.source[i];
      if (char === "&") i = this.readEntity(i);
      else if (char === "<") i = this.readTag(i);
      else {
        this.text += char;
        i += 1;
      }
    }
    const unclosed = this.open.at(-1);
    if (unclosed) throw cantParse(`Can't find end tag corresponding to start tag "${unclosed.name}"`);
    return { text: this.text, entities: sortEntities(this.entities) };
  }

  private readEntity(at: number): number {
    const match = /^&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/i.exec(this.source.slice(at, at + 12));
    const decoded = match?.[1] ? decodeHtmlEntity(match[1]) : undefined;
    if (!match || decoded === undefined) {
      this.text += "&";
      return at + 1;
    }
    this.text += decoded;
    return at + match[0].length;
  }

  private readTag(at: number): number {
    const end = this.source.indexOf(">", at);
    if (end === -1) throw cantParse(`Unclosed start tag at byte offset ${byteOffset(this.source, at)}`);
    const inner = this.source.slice(at + 1, end);
    if (inner.startsWith("/")) this.closeTag(inner.slice(1).trim().toLowerCase(), at);
    else this.openTag(inner, at);
    return end + 1;
  }

  private openTag(inner: string, at: number): void {
    const name = (/^[a-z0-9-]*/i.exec(inner)?.[0] ?? "").toLowerCase();
    if (!(name in SIMPLE_HTML_TAGS) && !OTHER_HTML_TAGS.has(name)) {
      throw cantParse(`Unsupported start tag "${name}" at byte offset ${byteOffset(this.source, at)}`);
    }
    const attributes = parseAttributes(inner.slice(name.length));
    if (name === "span" && attributes.get("class") !== "tg-spoiler") {
      throw cantParse(`Tag "span" must have class "tg-spoiler" at byte offset ${byteOffset(this.source, at)}`);
    }
    this.open.push({ name, start: this.text.length, attributes });
  }

  private closeTag(name: string, at: number): void {
    const tag = this.open.pop();
    if (!tag) throw cantParse(`Unexpected end tag at byte offset ${byteOffset(this.source, at)}`);
    if (name !== tag.name) {
      throw cantParse(
        `Unmatched end tag at byte offset ${byteOffset(this.source, at)}, expected "</${tag.name}>", found "</${name}>"`,
      );
    }
    const entity = this.entityOf(tag);
    if (entity) this.entities.push(entity);
  }

  private entityOf(tag: OpenTag): MessageEntity | undefined {
    const offset = tag.start;
    const length = this.text.length - tag.start;
    const simple = SIMPLE_HTML_TAGS[tag.name];
    if (tag.name === "code" && this.open.at(-1)?.name === "pre") {
      const language = tag.attributes.get("class")?.replace(/^language-/, "");
      if (language) this.open.at(-1)?.attributes.set("language", language);
      return undefined;
    }
    if (simple) return { type: simple, offset, length } as MessageEntity;
    switch (tag.name) {
      case "span":
        return { type: "spoiler", offset, length };
      case "a": {
        const url = tag.attributes.get("href");
        return url ? { type: "text_link", offset, length, url } : undefined;
      }
      case "pre": {
        const language = tag.attributes.get("language");
        return language ? { type: "pre", offset, length, language } : { type: "pre", offset, length };
      }
      case "blockquote":
        return { type: tag.attributes.has("expandable") ? "expandable_blockquote" : "blockquote", offset, length };
      case "tg-emoji":
        return { type: "custom_emoji", offset, length, custom_emoji_id: tag.attributes.get("emoji-id") ?? "" };
      default:
        return undefined;
    }
  }
}

function decodeHtmlEntity(body: string): string | undefined {
  if (body.startsWith("#")) {
    const code = body[1] === "x" || body[1] === "X" ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : undefined;
  }
  return NAMED_HTML_ENTITIES[body.toLowerCase()];
}

function parseAttributes(rest: string): Map<string, string> {
  const attributes = new Map<string, string>();
  const pattern = /([a-z-]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"']+)))?/gi;
  for (const match of rest.matchAll(pattern)) {
    const name = (match[1] ?? "").toLowerCase();
    attributes.set(name, decodeAttribute(match[2] ?? match[3] ?? match[4] ?? ""));
  }
  return attributes;
}

function decodeAttribute(value: string): string {
  return value.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (whole, body: string) => decodeHtmlEntity(body) ?? whole);
}

// --- MarkdownV2

const MARKDOWN_V2_RESERVED = "_*[]()~`>#+-=|{}.!";
const ENTITY_NAMES: Partial<Record<MessageEntity["type"], string>> = {
  bold: "Bold",
  italic: "Italic",
  underline: "Underline",
  strikethrough: "Strikethrough",
  spoiler: "Spoiler",
  code: "Code",
  pre: "Pre",
  text_link: "TextUrl",
};

interface OpenMarker {
  type: MessageEntity["type"];
  start: number;
  sourceIndex: number;
  language?: string;
}

class MarkdownV2Parser {
  private text = "";
  private readonly entities: MessageEntity[] = [];
  private readonly open: OpenMarker[] = [];

  constructor(private readonly source: string) {}

  parse(): FormattedText {
    let i = 0;
    while (i < this.source.length) i = this.step(i);
    const unclosed = this.open.at(-1);
    if (unclosed) {
      const name = ENTITY_NAMES[unclosed.type] ?? unclosed.type;
      throw cantParse(`Can't find end of ${name} entity at byte offset ${byteOffset(this.source, unclosed.sourceIndex)}`);
    }
    return { text: this.text, entities: sortEntities(this.entities) };
  }

  private step(i: number): number {
    const char = this.source[i] ?? "";
    const next = this.source[i + 1] ?? "";
    if (char === "\\" && next !== "" && next.charCodeAt(0) <= 126) {
      this.text += next;
      return i + 2;
    }
    const top = this.open.at(-1);
    if (top?.type === "code" || top?.type === "pre") return this.stepInCode(i, top);
    if (!MARKDOWN_V2_RESERVED.includes(char)) {
      this.text += char;
      return i + 1;
    }
    return this.readMarker(i);
  }

  private stepInCode(i: number, top: OpenMarker): number {
    if (top.type === "pre" && this.source.startsWith("```", i)) return this.close(i, 3);
    if (top.type === "code" && this.source[i] === "`") return this.close(i, 1);
    this.text += this.source[i];
    return i + 1;
  }

  private readMarker(i: number): number {
    const char = this.source[i];
    const twice = this.source[i + 1] === char;
    if (char === "*") return this.toggle("bold", i, 1);
    if (char === "_") return twice ? this.toggle("underline", i, 2) : this.toggle("italic", i, 1);
    if (char === "~") return this.toggle("strikethrough", i, 1);
    if (char === "|" && twice) return this.toggle("spoiler", i, 2);
    if (char === "`") return this.source.startsWith("```", i) ? this.openPre(i) : this.toggle("code", i, 1);
    if (char === "[") return this.push("text_link", i, 1);
    if (char === "]" && this.open.at(-1)?.type === "text_link") return this.closeLink(i);
    if (char === ">" && (i === 0 || this.source[i - 1] === "\n")) return i + 1;
    throw cantParse(`Character '${char}' is reserved and must be escaped with the preceding '\\'`);
  }

  private toggle(type: MessageEntity["type"], i: number, width: number): number {
    return this.open.at(-1)?.type === type ? this.close(i, width) : this.push(type, i, width);
  }

  private push(type: MessageEntity["type"], i: number, width: number, language?: string): number {
    this.open.push({ type, start: this.text.length, sourceIndex: i, language });
    return i + width;
  }

  private close(i: number, width: number): number {
    const marker = this.open.pop();
    if (marker) {
      const entity = { type: marker.type, offset: marker.start, length: this.text.length - marker.start } as MessageEntity;
      this.entities.push(marker.language ? ({ ...entity, language: marker.language } as MessageEntity) : entity);
    }
    return i + width;
  }

  private openPre(i: number): number {
    const lineEnd = this.source.indexOf("\n", i + 3);
    const firstLine = lineEnd === -1 ? "" : this.source.slice(i + 3, lineEnd);
    if (/^[a-z0-9+#_-]+$/i.test(firstLine)) return this.push("pre", i, 3 + firstLine.length + 1, firstLine);
    return this.push("pre", i, 3);
  }

  private closeLink(i: number): number {
    const marker = this.open.pop();
    if (this.source[i + 1] !== "(" || !marker) return i + 1;
    const urlEnd = findUnescaped(this.source, ")", i + 2);
    if (urlEnd === -1) throw cantParse(`Can't find end of a URL at byte offset ${byteOffset(this.source, i + 1)}`);
    const url = this.source.slice(i + 2, urlEnd).replace(/\\(.)/g, "$1");
    this.entities.push({ type: "text_link", offset: marker.start, length: this.text.length - marker.start, url });
    return urlEnd + 1;
  }
}

function findUnescaped(source: string, char: string, from: number): number {
  for (let i = from; i < source.length; i++) {
    if (source[i] === "\\") i++;
    else if (source[i] === char) return i;
  }
  return -1;
}

// --- legacy Markdown

const LEGACY_MARKERS: Record<string, MessageEntity["type"]> = { "*": "bold", _: "italic", "`": "code" };

function parseLegacyMarkdown(source: string): FormattedText {
  let text = "";
  const entities: MessageEntity[] = [];
  let i = 0;
  while (i < source.length) {
    const char = source[i] ?? "";
    if (char === "\\" && "*_`[".includes(source[i + 1] ?? " ")) {
      text += source[i + 1];
      i += 2;
      continue;
    }
    const type = source.startsWith("```", i) ? "pre" : LEGACY_MARKERS[char];
    if (!type) {
      text += char;
      i += 1;
      continue;
    }
    const marker = type === "pre" ? "```" : char;
    const end = source.indexOf(marker, i + marker.length);
    if (end === -1) throw cantParse(`Can't find end of the entity starting at byte offset ${byteOffset(source, i)}`);
    const content = source.slice(i + marker.length, end);
    entities.push({ type, offset: text.length, length: content.length } as MessageEntity);
    text += content;
    i = end + marker.length;
  }
  return { text, entities: sortEntities(entities) };
}
