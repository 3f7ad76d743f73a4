import { randomBytes } from "node:crypto";
import type { Action, Message, Translate } from "../copy/index.ts";

/** What WhatsApp allows (Cloud API limits): a message that breaks one is refused whole. */
export const LIMITS = {
  text: 4096,
  interactiveBody: 1024,
  caption: 1024,
  buttons: 3,
  buttonTitle: 20,
  listRows: 10,
  rowTitle: 24,
  rowDescription: 72,
  listButton: 20,
  ctaDisplayText: 20,
} as const;

/** One Cloud API send: a message body, or an image to upload first and send with its caption. */
export type Outgoing = { kind: "message"; body: Record<string, unknown> } | { kind: "image"; png: Uint8Array; name: string; caption: string };

/** The rest of a long list, kept for its "More" row; an old "More" says it expired rather than guessing. */
export interface ListOverflow {
  put(actions: Action[]): string;
  take(token: string): Action[] | undefined;
}

export function createListOverflow(maxEntries = 10_000): ListOverflow {
  const entries = new Map<string, Action[]>();
  return {
    put(actions) {
      const token = randomBytes(6).toString("base64url");
      if (entries.size >= maxEntries) entries.delete(entries.keys().next().value as string);
      entries.set(token, actions);
      return token;
    },
    take: (token) => entries.get(token),
  };
}

export const MORE_PREFIX = "wm:";

/**
 * A channel-neutral message as WhatsApp messages: `<b>`/`<i>`/`<code>` become `*bold*`/`_italic_`/monospace; up to
 * three short replies become reply buttons, more become a list (ten rows, the tenth "More" when there are more); one
 * link becomes a link button, several are written out (WhatsApp links bare URLs); an image goes with its caption.
 */
export function toWhatsApp(message: Message, t: Translate, overflow: ListOverflow): Outgoing[] {
  const text = message.html ? fromHtml(message.text) : message.text;
  const replies = message.actions.flat().filter((a): a is Extract<Action, { kind: "reply" }> => a.kind === "reply");
  const links = message.actions.flat().filter((a): a is Extract<Action, { kind: "url" }> => a.kind === "url");
  const out: Outgoing[] = [];
  let body = text;
  if (message.image) {
    // An image carries no buttons: each link follows as a message of its own with its link button.
    out.push({ kind: "image", png: message.image.png, name: message.image.name, caption: cut(text, LIMITS.caption) });
    out.push(...links.map((l) => ({ kind: "message" as const, body: ctaUrl(l.label, l) })));
    if (replies.length === 0) return out;
    body = "";
  }
  if (links.length === 1 && replies.length === 0 && !message.image) {
    const [first] = links;
    out.push(...withBody(body, t, (b) => ctaUrl(b, first!)));
    return out;
  }
  if (links.length > 0 && !message.image) body = [body, ...links.map((l) => `${l.label}: ${l.url}`)].filter(Boolean).join("\n\n");
  if (replies.length === 0) {
    if (body) out.push(...textMessages(body));
    return out;
  }
  out.push(...withBody(body, t, (b) => interactiveFor(replies, b, t, overflow)));
  return out;
}

/** A message with one link button (a payment link, a one-tap install). */
function ctaUrl(body: string, link: Extract<Action, { kind: "url" }>): Record<string, unknown> {
  return {
    type: "interactive",
    interactive: { type: "cta_url", body: { text: cut(body, LIMITS.interactiveBody) }, action: { name: "cta_url", parameters: { display_text: cut(link.label, LIMITS.ctaDisplayText), url: link.url } } },
  };
}

function interactiveFor(replies: Extract<Action, { kind: "reply" }>[], body: string, t: Translate, overflow: ListOverflow): Record<string, unknown> {
  if (replies.length <= LIMITS.buttons && replies.every((r) => [...r.label].length <= LIMITS.buttonTitle)) {
    return {
      type: "interactive",
      interactive: { type: "button", body: { text: body }, action: { buttons: replies.map((r) => ({ type: "reply", reply: { id: r.data, title: r.label } })) } },
    };
  }
  let shown = replies;
  const rows: { id: string; title: string; description?: string }[] = [];
  if (replies.length > LIMITS.listRows) {
    shown = replies.slice(0, LIMITS.listRows - 1);
    const token = overflow.put(replies.slice(LIMITS.listRows - 1));
    rows.push(...shown.map(row), { id: `${MORE_PREFIX}${token}`, title: cut(t("wa-more"), LIMITS.rowTitle) });
  } else rows.push(...shown.map(row));
  return {
    type: "interactive",
    interactive: { type: "list", body: { text: body }, action: { button: cut(t("wa-list-button"), LIMITS.listButton), sections: [{ rows }] } },
  };
}

/**
 * A label too long for a row's title is split where it has parts ("🌍 Europe (39) · 1 GB · 30 days · $3.99": as many
 * parts as fit in the title, the rest in the description), else the whole label goes into the description.
 */
function row(action: Extract<Action, { kind: "reply" }>): { id: string; title: string; description?: string } {
  const length = (text: string) => [...text].length;
  if (length(action.label) <= LIMITS.rowTitle) return { id: action.data, title: action.label };
  const parts = action.label.split(" · ");
  let taken = 0;
  while (taken < parts.length - 1 && length(parts.slice(0, taken + 1).join(" · ")) <= LIMITS.rowTitle) taken++;
  if (taken === 0) return { id: action.data, title: cut(action.label, LIMITS.rowTitle), description: cut(action.label, LIMITS.rowDescription) };
  return { id: action.data, title: parts.slice(0, taken).join(" · "), description: cut(parts.slice(taken).join(" · "), LIMITS.rowDescription) };
}

/** An interactive message's body is at most 1,024 characters: a longer text goes first as a plain message. */
function withBody(body: string, t: Translate, build: (body: string) => Record<string, unknown>): Outgoing[] {
  if (body && [...body].length <= LIMITS.interactiveBody) return [{ kind: "message", body: build(body) }];
  return [...(body ? textMessages(body) : []), { kind: "message", body: build(t("wa-choose")) }];
}

function textMessages(text: string): Outgoing[] {
  const chars = [...text];
  const parts: string[] = [];
  for (let i = 0; i < chars.length; i += LIMITS.text) parts.push(chars.slice(i, i + LIMITS.text).join(""));
  return parts.map((part) => ({ kind: "message", body: { type: "text", text: { body: part, preview_url: false } } }));
}

/** Cuts at a character (not a UTF-16 unit) boundary, with an ellipsis. */
export function cut(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join("")}…`;
}

/** Our small HTML markup as WhatsApp formatting. */
export function fromHtml(html: string): string {
  return html
    .replace(/<b>([\s\S]*?)<\/b>/g, "*$1*")
    .replace(/<i>([\s\S]*?)<\/i>/g, "_$1_")
    .replace(/<code>([\s\S]*?)<\/code>/g, "```$1```")
    .replace(/<[^>]+>/g, "")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}
