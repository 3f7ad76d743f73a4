import { z } from "zod";
import { chars, httpUrl, refuse } from "./limits.ts";

/** Meta's limits for what a business sends (Cloud API reference, December 2026). */
export const LIMITS = {
  text: 4096,
  caption: 1024,
  interactiveBody: 1024,
  headerText: 60,
  footer: 60,
  buttons: 3,
  buttonId: 256,
  buttonTitle: 20,
  listButton: 20,
  sections: 10,
  rows: 10,
  rowId: 200,
  rowTitle: 24,
  rowDescription: 72,
  sectionTitle: 24,
  ctaDisplayText: 20,
} as const;

export const textSchema = z.strictObject({ body: chars(1, LIMITS.text, 100), preview_url: z.boolean().optional() });

/** An uploaded media id or a public link: exactly one. */
function oneSource(linkCode: 100 | 131009) {
  return (media: { id?: string; link?: string }, ctx: z.RefinementCtx) => {
    if (media.id === undefined && media.link === undefined) refuse(ctx, linkCode, "{param} needs an id (uploaded media) or a link");
    if (media.id !== undefined && media.link !== undefined) refuse(ctx, linkCode, "{param} takes an id or a link, not both");
  };
}

export const imageSchema = z
  .strictObject({ id: z.string().min(1).optional(), link: httpUrl(100).optional(), caption: chars(0, LIMITS.caption, 100).optional() })
  .superRefine(oneSource(100));

const headerImage = z.strictObject({ id: z.string().min(1).optional(), link: httpUrl(131009).optional() }).superRefine(oneSource(131009));

const textHeader = z.strictObject({ type: z.literal("text"), text: chars(1, LIMITS.headerText, 131009) });
const imageHeader = z.strictObject({ type: z.literal("image"), image: headerImage });
const body = z.strictObject({ text: chars(1, LIMITS.interactiveBody, 131009) });
const footer = z.strictObject({ text: chars(1, LIMITS.footer, 131009) });

/** Every id or title in the list appears once; a repeat is refused at the repeat. */
function uniqueBy<Item>(ctx: z.RefinementCtx, items: Item[], valueOf: (item: Item) => string, pathOf: (index: number) => (string | number)[], what: string): void {
  const seen = new Set<string>();
  items.forEach((item, index) => {
    const value = valueOf(item);
    if (seen.has(value)) refuse(ctx, 131009, `{param} must be unique: ${what} "${value}" is used twice`, pathOf(index));
    seen.add(value);
  });
}

const replyButton = z.strictObject({
  type: z.literal("reply"),
  reply: z.strictObject({ id: chars(1, LIMITS.buttonId, 131009), title: chars(1, LIMITS.buttonTitle, 131009) }),
});

const buttonAction = z.strictObject({ buttons: z.array(replyButton) }).superRefine((action, ctx) => {
  const count = action.buttons.length;
  if (count < 1 || count > LIMITS.buttons) refuse(ctx, 131009, `{param} must hold 1 to ${LIMITS.buttons} buttons (it has ${count})`, ["buttons"]);
  uniqueBy(ctx, action.buttons, (b) => b.reply.id, (i) => ["buttons", i, "reply", "id"], "id");
  uniqueBy(ctx, action.buttons, (b) => b.reply.title, (i) => ["buttons", i, "reply", "title"], "title");
});

const row = z.strictObject({ id: chars(1, LIMITS.rowId, 131009), title: chars(1, LIMITS.rowTitle, 131009), description: chars(0, LIMITS.rowDescription, 131009).optional() });
const section = z.strictObject({ title: chars(1, LIMITS.sectionTitle, 131009).optional(), rows: z.array(row) });

const listAction = z.strictObject({ button: chars(1, LIMITS.listButton, 131009), sections: z.array(section) }).superRefine((action, ctx) => {
  const { sections } = action;
  if (sections.length < 1 || sections.length > LIMITS.sections) refuse(ctx, 131009, `{param} must hold 1 to ${LIMITS.sections} sections (it has ${sections.length})`, ["sections"]);
  const rows = sections.flatMap((s, si) => s.rows.map((r, ri) => ({ row: r, path: ["sections", si, "rows", ri] })));
  if (rows.length < 1 || rows.length > LIMITS.rows) refuse(ctx, 131009, `{param} must hold 1 to ${LIMITS.rows} rows in all sections together (it has ${rows.length})`, ["sections"]);
  if (sections.length > 1) sections.forEach((s, si) => s.title === undefined && refuse(ctx, 131009, "{param} is required when a list has more than one section", ["sections", si, "title"]));
  uniqueBy(ctx, rows, (r) => r.row.id, (i) => [...(rows[i]?.path ?? []), "id"], "row id");
});

const ctaAction = z.strictObject({
  name: z.literal("cta_url"),
  parameters: z.strictObject({ display_text: chars(1, LIMITS.ctaDisplayText, 131009), url: httpUrl(131009) }),
});

/** The interactive types the stand-in simulates, by `interactive.type`. */
export const interactiveSchemas = {
  button: z.strictObject({ type: z.literal("button"), header: z.union([textHeader, imageHeader]).optional(), body, footer: footer.optional(), action: buttonAction }),
  list: z.strictObject({ type: z.literal("list"), header: textHeader.optional(), body, footer: footer.optional(), action: listAction }),
  cta_url: z.strictObject({ type: z.literal("cta_url"), header: z.union([textHeader, imageHeader]).optional(), body, footer: footer.optional(), action: ctaAction }),
} as const;

const PARAMETER_TYPES = ["text", "currency", "date_time", "image", "document", "video", "payload", "coupon_code", "action"] as const;

const templateParameter = z.looseObject({ type: z.enum(PARAMETER_TYPES), text: z.string().optional() }).superRefine((parameter, ctx) => {
  if (parameter.type === "text" && parameter.text === undefined) ctx.addIssue({ code: "invalid_type", expected: "string", input: undefined, path: ["text"] });
});

export const templateSchema = z.strictObject({
  name: z.string().min(1).max(512),
  language: z.strictObject({ code: z.string().min(1), policy: z.literal("deterministic").optional() }),
  components: z
    .array(
      z.strictObject({
        type: z.enum(["header", "body", "button", "footer"]),
        sub_type: z.string().optional(),
        index: z.union([z.string(), z.number()]).optional(),
        parameters: z.array(templateParameter).optional(),
      }),
    )
    .optional(),
});

/** Top-level fields of a send; the content object is checked by its own schema once `type` is known. */
export const sendEnvelopeSchema = z.strictObject({
  messaging_product: z.literal("whatsapp"),
  recipient_type: z.literal("individual").optional(),
  to: z.string().optional(),
  recipient: z.string().optional(),
  type: z.string().optional(),
  context: z.strictObject({ message_id: z.string().min(1) }).optional(),
  biz_opaque_callback_data: z.string().max(512).optional(),
  text: z.unknown().optional(),
  interactive: z.unknown().optional(),
  image: z.unknown().optional(),
  template: z.unknown().optional(),
  audio: z.unknown().optional(),
  video: z.unknown().optional(),
  document: z.unknown().optional(),
  sticker: z.unknown().optional(),
  location: z.unknown().optional(),
  contacts: z.unknown().optional(),
  reaction: z.unknown().optional(),
});

export type SendEnvelope = z.output<typeof sendEnvelopeSchema>;

/** Marking an inbound message read (and showing a typing indicator) goes through the same endpoint. */
export const markReadSchema = z.strictObject({
  messaging_product: z.literal("whatsapp"),
  status: z.literal("read"),
  message_id: z.string().min(1),
  typing_indicator: z.strictObject({ type: z.literal("text") }).optional(),
});
