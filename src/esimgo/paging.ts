import { EsimGoError } from "./errors.ts";
import type { PageCounts } from "./schemas.ts";

const MAX_PAGES = 1000;

/**
 * Every page of a list, paged by the counts the API returns (`pageCount`, else `rows` ÷ `pageSize`); an answer
 * without counts (a bare array) is paged until an empty page. Never by "the page was short": the server may hold
 * fewer per page than asked for.
 */
export async function allPages<T>(what: string, fetchPage: (page: number) => Promise<{ items: T[] } & PageCounts>): Promise<T[]> {
  const all: T[] = [];
  for (let page = 1; page <= MAX_PAGES; page++) {
    const result = await fetchPage(page);
    all.push(...result.items);
    const last = lastPageOf(result);
    if (result.items.length === 0 || (last !== undefined && page >= last)) return all;
  }
  throw new EsimGoError("transient", `eSIM Go ${what} has more than ${MAX_PAGES} pages`);
}

function lastPageOf(counts: PageCounts): number | undefined {
  if (counts.pageCount !== undefined) return counts.pageCount;
  if (counts.rows !== undefined && counts.pageSize) return Math.ceil(counts.rows / counts.pageSize);
  return undefined;
}
