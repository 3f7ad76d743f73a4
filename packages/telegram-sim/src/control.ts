import { type ControlRoute, controlRoute } from "@esim-shop/sim-kit";
import { z } from "zod";
import type { SimMessage, TelegramSim } from "./types.ts";

const user = z.object({ id: z.number().int(), first_name: z.string().min(1), last_name: z.string().optional(), username: z.string().optional(), language_code: z.string().optional() });
const chat = z.object({
  id: z.number().int(),
  type: z.enum(["private", "group", "supergroup", "channel"]),
  title: z.string().optional(),
  username: z.string().optional(),
  first_name: z.string().optional(),
  last_name: z.string().optional(),
});

/** A transcript message as JSON: file bytes are summarised, not sent. */
function messageJson(message: SimMessage): Record<string, unknown> {
  const { photo, document, ...rest } = message;
  return {
    ...rest,
    ...(photo ? { photo: { fileId: photo.fileId, size: photo.png.length } } : {}),
    ...(document ? { document: { fileId: document.fileId, fileName: document.fileName, mimeType: document.mimeType, size: document.bytes.length } } : {}),
  };
}

/**
 * The stand-in's own control calls, under /__control beside the ones every stand-in has (state,
 * requests, faults): the user's side of the chat, for demos and for tests that drive another process.
 */
export function controlRoutes(sim: Pick<TelegramSim, "sendText" | "pressButton" | "messages" | "blockBy" | "unblockBy" | "registerChat" | "payInvoice" | "repeatPayment" | "starCharges">): ControlRoute[] {
  const chatId = (params: Record<string, string>) => {
    const id = Number(params.id);
    if (!Number.isInteger(id)) throw new Error(`not a chat id: ${params.id}`);
    return id;
  };
  return [
    controlRoute("POST", "/messages", 'a user writes to the bot: {"user": {"id": 1, "first_name": "Ada"}, "text": "/start", "chat"?: {...}}; answers {updateId}', z.object({ user, text: z.string().min(1), chat: chat.optional() }), async ({ body }) => ({
      updateId: await sim.sendText(body.user, body.text, body.chat),
    })),
    controlRoute("POST", "/presses", 'a user presses an inline button: {"user", "messageId", "callbackData", "chatId"?}; answers {callbackQueryId, updateId}', z.object({ user, messageId: z.number().int(), callbackData: z.string(), chatId: z.number().int().optional() }), ({ body }) =>
      sim.pressButton(body.user, body.messageId, body.callbackData, body.chatId),
    ),
    controlRoute("GET", "/chats/:id/messages", "a chat's transcript, oldest first", ({ params }) => sim.messages(chatId(params)).map(messageJson)),
    controlRoute("PUT", "/chats/:id/blocked", 'the user blocks or unblocks the bot: {"blocked": true}', z.object({ blocked: z.boolean() }), ({ params, body }) =>
      body.blocked ? sim.blockBy(chatId(params)) : sim.unblockBy(chatId(params)),
    ),
    controlRoute("POST", "/chats", "a chat the bot may write to without the user writing first: a Chat object", chat, ({ body }) => sim.registerChat(body)),
    controlRoute(
      "POST",
      "/payments",
      'a user pays an invoice in Stars: {"user", "chatId", "messageId"} or {"user", "link"}; the bot gets a pre_checkout_query (10 s to answer); answers {paid, chargeId?, reason?}',
      z.object({ user, chatId: z.number().int().optional(), messageId: z.number().int().optional(), link: z.string().optional() }),
      ({ body }) => {
        if (body.link !== undefined) return sim.payInvoice(body.user, { link: body.link });
        if (body.messageId === undefined) throw new Error("messageId or link is required");
        return sim.payInvoice(body.user, { chatId: body.chatId ?? body.user.id, messageId: body.messageId });
      },
    ),
    controlRoute("GET", "/payments", "every payment in Stars made, and whether the bot refunded it", () => sim.starCharges()),
    controlRoute("POST", "/payments/:id/repeat", "the successful_payment of this charge delivered once more; answers {updateId}", async ({ params }) => ({ updateId: await sim.repeatPayment(params.id ?? "") })),
  ];
}
