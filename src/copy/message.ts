/**
 * What a channel is asked to show: channel-neutral. Telegram draws actions as an inline keyboard, WhatsApp as reply
 * buttons, a list or a link button; neither channel decides what is said.
 */
export type Action =
  /** A button that comes back to us with `data` (see `actions.ts`): opaque, short, never a price to charge. */
  | { kind: "reply"; label: string; data: string }
  /** A button that opens a link (a payment page, a one-tap eSIM install). */
  | { kind: "url"; label: string; url: string };

export interface Message {
  text: string;
  /**
   * The text uses the small markup `<b>`, `<i>`, `<code>` with `&amp;`, `&lt;`, `&gt;` escaped (Telegram's HTML; WhatsApp
   * turns it into `*bold*`, `_italic_` and monospace). Plain texts are shown as they are.
   */
  html?: boolean;
  /** A PNG shown with the text as its caption (a QR code). */
  image?: { png: Uint8Array; name: string };
  /** Rows of actions, in the order they should appear. */
  actions: Action[][];
}

/** One screen of the chat: a message that may replace the one whose button was pressed. */
export type Screen = Message;

export const reply = (label: string, data: string): Action => ({ kind: "reply", label, data });
export const link = (label: string, url: string): Action => ({ kind: "url", label, url });

/** The sandbox marker as the text's first line (escaped for HTML texts), once. */
export function withSandboxMarker(text: string, marker: string, html: boolean): string {
  const line = html ? escapeHtml(marker) : marker;
  if (!text) return line;
  return text.startsWith(line) ? text : `${line}\n\n${text}`;
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** Rows of at most `perRow` actions. */
export function inRows(actions: Action[], perRow: number): Action[][] {
  const rows: Action[][] = [];
  for (let i = 0; i < actions.length; i += perRow) rows.push(actions.slice(i, i + perRow));
  return rows;
}
