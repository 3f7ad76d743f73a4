import { z } from "zod";
import { BSUID_PATTERN, bsuid, WA_ID_PATTERN } from "./ids.ts";
import type { NewUser, SimUser, UndeliverableReport } from "./types.ts";

export const WINDOW_MS = 24 * 60 * 60_000;

export const newUserSchema = z
  .strictObject({
    name: z.string().min(1).max(256),
    waId: z.string().regex(WA_ID_PATTERN, "a wa_id is the phone number in digits (6 to 15)").optional(),
    withUsername: z.boolean().optional(),
    userId: z.string().regex(BSUID_PATTERN, 'a BSUID looks like "US.13491208655302741918"').optional(),
  })
  .refine((user) => !(user.withUsername && user.waId), "a user with a username has no phone number: give waId or withUsername, not both");

export interface UserDirectory {
  create(user: NewUser): SimUser;
  /** By BSUID or wa_id. */
  find(id: string): SimUser | undefined;
  /** Like find, but an unknown id is an error (for control calls). */
  get(id: string): SimUser;
  list(): SimUser[];
  /** A message from the user (re)opens the 24-hour window. */
  wrote(user: SimUser, at: number): void;
  windowOpen(user: SimUser, now: number): boolean;
  age(id: string, hours: number): SimUser;
  setUndeliverable(id: string, report: UndeliverableReport | false): SimUser;
}

export function createUserDirectory(): UserDirectory {
  const users: SimUser[] = [];
  let nextPhone = 447_700_900_001;

  const find = (id: string) => users.find((u) => u.userId === id || u.waId === id);
  const get = (id: string) => {
    const user = find(id);
    if (!user) throw new Error(`whatsapp-sim: no user ${id} (create one with POST /__control/users)`);
    return user;
  };
  const freePhone = () => {
    while (find(String(nextPhone))) nextPhone += 1;
    return String(nextPhone++);
  };

  return {
    create(spec) {
      const checked = newUserSchema.safeParse(spec);
      if (!checked.success) throw new Error(`whatsapp-sim: ${z.prettifyError(checked.error)}`);
      const { name, waId: given, withUsername, userId: givenId } = checked.data;
      const waId = withUsername ? undefined : (given ?? freePhone());
      if (waId && find(waId)) throw new Error(`whatsapp-sim: a user with wa_id ${waId} exists`);
      if (givenId && find(givenId)) throw new Error(`whatsapp-sim: a user with BSUID ${givenId} exists`);
      const user: SimUser = { userId: givenId ?? bsuid(waId), name, ...(waId ? { waId } : {}) };
      users.push(user);
      return user;
    },
    find,
    get,
    list: () => [...users],
    wrote(user, at) {
      user.lastInboundAt = Math.max(user.lastInboundAt ?? 0, at);
    },
    windowOpen: (user, now) => user.lastInboundAt !== undefined && now - user.lastInboundAt < WINDOW_MS,
    age(id, hours) {
      const user = get(id);
      if (user.lastInboundAt !== undefined) user.lastInboundAt -= hours * 60 * 60_000;
      return user;
    },
    setUndeliverable(id, report) {
      const user = get(id);
      if (report) user.undeliverable = report;
      else delete user.undeliverable;
      return user;
    },
  };
}
