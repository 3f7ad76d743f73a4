import { wamid } from "./ids.ts";
import { type Business, inboundBody, metaJson } from "./payloads.ts";
import type { MessageStore } from "./store.ts";
import type { BatchItem, BatchSplit, InboundContent, InboundResult, ReceivedMessage, SimUser } from "./types.ts";
import type { UserDirectory } from "./users.ts";
import type { WebhookPoster } from "./webhooks.ts";

export interface InboundDeps {
  business: Business;
  users: UserDirectory;
  store: MessageStore;
  poster: WebhookPoster;
  now(): number;
}

export interface Inbound {
  text(user: string, text: string): Promise<InboundResult>;
  press(user: string, messageId: string, id: string): Promise<InboundResult>;
  batch(items: BatchItem[], split: BatchSplit): Promise<{ messageIds: string[]; status: number }>;
  redeliver(messageId: string, options: { times?: number; concurrently?: boolean }): Promise<number[]>;
  /** A body Meta never sent: signed with the wrong secret, or not at all. */
  unverified(user: string, text: string, signing: "wrong" | "missing"): Promise<number>;
}

type Pair = { message: ReceivedMessage; user: SimUser };

/** What users do, as webhooks to the product: each inbound message (re)opens its sender's 24-hour window. */
export function createInbound(deps: InboundDeps): Inbound {
  const { users, store, poster } = deps;

  const received = (user: SimUser, content: InboundContent): Pair => ({ user, message: { direction: "in", id: wamid(), userId: user.userId, at: deps.now(), content } });

  function textOf(user: SimUser, text: string): Pair {
    if (text.length === 0) throw new Error("whatsapp-sim: a text message needs some text");
    return received(user, { type: "text", body: text });
  }

  /** A press must name a message the business sent this user, and a button or row it really had. */
  function pressOf(user: SimUser, messageId: string, id: string): Pair {
    const sent = store.sentById(messageId);
    if (!sent || sent.userId !== user.userId) throw new Error(`whatsapp-sim: the business sent no message ${messageId} to ${user.userId}`);
    const { content } = sent;
    if (content.type === "buttons") {
      const button = content.buttons.find((b) => b.id === id);
      if (!button) throw new Error(`whatsapp-sim: message ${messageId} has no reply button "${id}" (it has ${content.buttons.map((b) => `"${b.id}"`).join(", ")})`);
      return received(user, { type: "button_reply", id: button.id, title: button.title, replyTo: sent.id });
    }
    if (content.type === "list") {
      const rows = content.sections.flatMap((s) => s.rows);
      const row = rows.find((r) => r.id === id);
      if (!row) throw new Error(`whatsapp-sim: message ${messageId} has no list row "${id}" (it has ${rows.map((r) => `"${r.id}"`).join(", ")})`);
      return received(user, { type: "list_reply", id: row.id, title: row.title, ...(row.description !== undefined ? { description: row.description } : {}), replyTo: sent.id });
    }
    throw new Error(`whatsapp-sim: message ${messageId} is a ${content.type} message: it has no reply buttons or list rows`);
  }

  async function deliver(pairs: Pair[], split: BatchSplit): Promise<{ messageIds: string[]; status: number }> {
    poster.requireUrl();
    const body = metaJson(inboundBody(deps.business, pairs, split));
    for (const { message, user } of pairs) {
      store.addReceived(message, body);
      users.wrote(user, message.at);
    }
    const messageIds = pairs.map(({ message }) => message.id);
    return { messageIds, status: await poster.deliver(body, { kind: "messages", messageIds }) };
  }

  const one = async (pair: Pair): Promise<InboundResult> => {
    const { messageIds, status } = await deliver([pair], "messages");
    return { messageId: messageIds[0] ?? pair.message.id, status };
  };

  return {
    text: (user, text) => one(textOf(users.get(user), text)),
    press: (user, messageId, id) => one(pressOf(users.get(user), messageId, id)),
    batch(items, split) {
      if (items.length === 0) throw new Error("whatsapp-sim: a batch needs at least one message");
      const pairs = items.map((item) => ("text" in item ? textOf(users.get(item.user), item.text) : pressOf(users.get(item.user), item.press.messageId, item.press.id)));
      return deliver(pairs, split);
    },
    async redeliver(messageId, { times = 1, concurrently = false }) {
      const body = store.bodyOf(messageId);
      if (body === undefined) throw new Error(`whatsapp-sim: no inbound message ${messageId} was delivered`);
      const post = () => poster.postOnce(body, "valid", { kind: "redelivery", messageIds: [messageId] });
      if (concurrently) return Promise.all(Array.from({ length: times }, post));
      const statuses: number[] = [];
      for (let i = 0; i < times; i += 1) statuses.push(await post());
      return statuses;
    },
    unverified(user, text, signing) {
      const pair = textOf(users.get(user), text);
      return poster.postOnce(metaJson(inboundBody(deps.business, [pair])), signing, { kind: signing === "wrong" ? "forged" : "unsigned", messageIds: [pair.message.id] });
    },
  };
}
