/** ANSI styles on a terminal; plain text (markers dropped) elsewhere. */
const STYLES = {
  "*": ["\u001b[1m", "\u001b[22m"],
  _: ["\u001b[3m", "\u001b[23m"],
  "~": ["\u001b[9m", "\u001b[29m"],
} as const;

// WhatsApp formats a span only when its markers touch text inside and no letter or digit outside.
const SPAN = /(?<![\p{L}\p{N}])([*_~])(?=\S)([^\n]*?\S)\1(?![\p{L}\p{N}])/gu;

function styleSpans(text: string, color: boolean): string {
  let previous: string;
  let out = text;
  // Spans nest (*_both_*): apply until nothing changes.
  do {
    previous = out;
    out = out.replace(SPAN, (_match, marker: keyof typeof STYLES, inner: string) => (color ? `${STYLES[marker][0]}${inner}${STYLES[marker][1]}` : inner));
  } while (out !== previous);
  return out;
}

/**
 * WhatsApp's formatting made readable in a terminal: *bold*, _italic_ and ~strike~ as styles (or plain text when
 * not a terminal), ```monospace``` and `inline code` kept in backticks so codes stay visible and copyable.
 */
export function renderWhatsAppText(text: string, options: { color?: boolean } = {}): string {
  const color = options.color ?? false;
  const parts = text.split(/```([\s\S]*?)```/);
  return parts
    .map((part, index) => {
      if (index % 2 === 1) return `\`${part}\``;
      return part
        .split(/(`[^`\n]+`)/)
        .map((piece) => (piece.startsWith("`") && piece.endsWith("`") && piece.length > 1 ? piece : styleSpans(piece, color)))
        .join("");
    })
    .join("");
}

export function styled(text: string, style: "bold" | "dim", color: boolean): string {
  if (!color) return text;
  return style === "bold" ? `\u001b[1m${text}\u001b[22m` : `\u001b[2m${text}\u001b[22m`;
}
