import type { ReceivedMessage, SentMessage, TranscriptEntry } from "./types.ts";

/** Every message either way, by user and by id, and who listens for the business's sends. */
export interface MessageStore {
  addSent(message: SentMessage): void;
  addReceived(message: ReceivedMessage, rawBody: string): void;
  sentById(id: string): SentMessage | undefined;
  sent(userId?: string): SentMessage[];
  transcript(userId: string): TranscriptEntry[];
  /** Marks an inbound message read; false when there is none with this id. */
  markRead(inboundId: string): boolean;
  /** The body that carried an inbound message, byte for byte (for a duplicate delivery). */
  bodyOf(inboundId: string): string | undefined;
  onSend(listener: (message: SentMessage) => void): () => void;
  counts(): { sent: number; received: number };
}

export function createMessageStore(): MessageStore {
  const entries: TranscriptEntry[] = [];
  const sentIndex = new Map<string, SentMessage>();
  const bodies = new Map<string, string>();
  const listeners = new Set<(message: SentMessage) => void>();

  return {
    addSent(message) {
      entries.push(message);
      sentIndex.set(message.id, message);
      for (const listener of listeners) {
        try {
          listener(message);
        } catch {
          // A listener's failure (the terminal chat) is never the API's.
        }
      }
    },
    addReceived(message, rawBody) {
      entries.push(message);
      bodies.set(message.id, rawBody);
    },
    sentById: (id) => sentIndex.get(id),
    sent: (userId) => entries.filter((e): e is SentMessage => e.direction === "out" && (userId === undefined || e.userId === userId)),
    transcript: (userId) => entries.filter((e) => e.userId === userId),
    markRead(id) {
      const entry = entries.find((e): e is ReceivedMessage => e.direction === "in" && e.id === id);
      if (entry) entry.markedRead = true;
      return entry !== undefined;
    },
    bodyOf: (id) => bodies.get(id),
    onSend(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    counts: () => ({ sent: sentIndex.size, received: bodies.size }),
  };
}
