/** One request a stand-in received. */
export interface LoggedRequest<Detail = unknown> {
  /** 1, 2, 3… in arrival order. */
  seq: number;
  /** Milliseconds since the epoch, at arrival. */
  at: number;
  method: string;
  /** The path as the stand-in names it (its README says, e.g. below the API version prefix). */
  path: string;
  /** The template of the route it matched, e.g. "/esims/{iccid}"; unset when none did. */
  route?: string;
  /** The answer's status; 0 when the connection was dropped; unset while in flight. */
  status?: number;
  /** What the stand-in keeps about the request (Telegram: the payload; Stripe: the idempotency key). */
  detail?: Detail;
}

export interface RequestFilter {
  method?: string;
  /** A literal path or a route template. */
  path?: string;
  status?: number;
}

/** Every API request a stand-in received, in order (the control API's own calls are not in it). */
export class RequestLog<Detail = unknown> {
  private entries: LoggedRequest<Detail>[] = [];
  private seq = 0;

  /** Records an arrival; set `status` on the returned entry once it is answered. */
  add(request: Omit<LoggedRequest<Detail>, "seq" | "at">): LoggedRequest<Detail> {
    const entry: LoggedRequest<Detail> = { seq: ++this.seq, at: Date.now(), ...request };
    this.entries.push(entry);
    return entry;
  }

  list(filter: RequestFilter = {}): LoggedRequest<Detail>[] {
    return this.entries.filter((entry) => matches(entry, filter));
  }

  count(filter: RequestFilter = {}): number {
    let count = 0;
    for (const entry of this.entries) if (matches(entry, filter)) count += 1;
    return count;
  }

  clear(): void {
    this.entries = [];
  }
}

function matches(entry: LoggedRequest<unknown>, filter: RequestFilter): boolean {
  if (filter.method && filter.method.toUpperCase() !== entry.method.toUpperCase()) return false;
  if (filter.path && filter.path !== entry.path && filter.path !== entry.route) return false;
  return filter.status === undefined || filter.status === entry.status;
}
