import { unzipSync } from "fflate";
import { z } from "zod";
import { csvRecords } from "./csv.ts";
import { EsimGoError } from "./errors.ts";
import {
  assignmentsJson,
  cataloguePage,
  compatibility,
  esimBundles,
  esimDetails,
  installSchema,
  normaliseKeys,
  orderList,
  orderResult,
  orderSummary,
  organisationResponse,
  parseCatalogueBundle,
} from "./schemas.ts";
import { Transport, type Call } from "./transport.ts";
import type { AssignmentsZip, CatalogueBundle, CatalogueFilter, EsimGoClient, EsimGoClientOptions, EsimInstall, OrderItem, OrdersQuery } from "./types.ts";

const CATALOGUE_PAGE_SIZE = 500;
const ORDERS_PAGE_SIZE = 100;
const MAX_PAGES = 1000;

export function createEsimGoClient(opts: EsimGoClientOptions): EsimGoClient {
  const transport = new Transport({
    baseUrl: opts.baseUrl,
    apiKey: opts.apiKey,
    timeoutMs: opts.timeoutMs ?? 15_000,
    requestsPerSecond: opts.requestsPerSecond ?? 10,
    ...(opts.logger ? { logger: opts.logger } : {}),
    onResponse: opts.onResponse,
  });
  const logger = opts.logger;
  const json = "application/json";

  function toBundles(raw: readonly unknown[]): CatalogueBundle[] {
    const bundles: CatalogueBundle[] = [];
    for (const item of raw) {
      const parsed = parseCatalogueBundle(item);
      if (parsed.ok) bundles.push(parsed.bundle);
      else logger?.warn({ bundle: parsed.name, problem: parsed.problem }, "eSIM Go catalogue bundle rejected");
    }
    return bundles;
  }

  async function listCatalogue(filter: CatalogueFilter = {}): Promise<CatalogueBundle[]> {
    const perPage = filter.perPage ?? CATALOGUE_PAGE_SIZE;
    const all: CatalogueBundle[] = [];
    for (let page = 1; page <= MAX_PAGES; page++) {
      const query = [
        ["page", page],
        ["perPage", perPage],
        ["countries", filter.countries?.length ? filter.countries.join(",") : undefined],
        ["region", filter.region],
        ["group", filter.group],
        ["description", filter.description],
      ] as const;
      const result = await transport.json({ method: "GET", path: "/catalogue", query, accept: json }, cataloguePage);
      all.push(...toBundles(result.bundles));
      const lastPage = result.pageCount !== undefined ? page >= result.pageCount : result.bundles.length < perPage;
      if (lastPage || result.bundles.length === 0) return all;
    }
    throw new EsimGoError("transient", `eSIM Go catalogue has more than ${MAX_PAGES} pages`);
  }

  async function getBundle(name: string): Promise<CatalogueBundle> {
    const raw = await transport.json({ method: "GET", path: `/catalogue/bundle/${encodeURIComponent(name)}`, accept: json }, z.unknown());
    const parsed = parseCatalogueBundle(raw);
    if (parsed.ok) return parsed.bundle;
    logger?.warn({ bundle: name, problem: parsed.problem }, "eSIM Go bundle rejected");
    throw new EsimGoError("invalid_request", `eSIM Go bundle ${name} is not sellable: ${parsed.problem}`);
  }

  async function order(type: "validate" | "transaction", items: OrderItem[]) {
    checkOrderItems(items);
    const body = {
      type,
      assign: true,
      order: items.map((item) => ({
        type: "bundle",
        item: item.bundle,
        quantity: item.quantity,
        ...(item.iccids?.length ? { iccids: item.iccids } : {}),
        allowReassign: item.allowReassign ?? false,
      })),
    };
    const call: Call = { method: "POST", path: "/orders", accept: json, body, delivery: type === "transaction" ? "once" : "retry" };
    return transport.json(call, orderResult);
  }

  async function listOrders(q: OrdersQuery = {}) {
    const perPage = q.perPage ?? ORDERS_PAGE_SIZE;
    const fetchPage = (page: number) => {
      const query = [
        ["includeIccids", true],
        ["page", page],
        ["limit", perPage],
        ["createdAt", q.createdFrom ? `gte:${q.createdFrom.toISOString()}` : undefined],
        ["createdAt", q.createdTo ? `lte:${q.createdTo.toISOString()}` : undefined],
      ] as const;
      return transport.json({ method: "GET", path: "/orders", query, accept: json }, orderList);
    };
    if (q.page !== undefined) return fetchPage(q.page);
    const all = [];
    for (let page = 1; page <= MAX_PAGES; page++) {
      const batch = await fetchPage(page);
      all.push(...batch);
      if (batch.length < perPage) return all;
    }
    throw new EsimGoError("transient", `eSIM Go order list has more than ${MAX_PAGES} pages`);
  }

  function assignmentsCall(reference: string, accept: string): Call {
    return { method: "GET", path: "/esims/assignments", query: [["reference", reference], ["additionalFields", "appleInstallUrl"]], accept };
  }

  async function getAssignmentsCsv(reference: string): Promise<EsimInstall[]> {
    const reply = await transport.send(assignmentsCall(reference, "text/csv"));
    return installsFromCsv(reply.body.toString("utf8"));
  }

  async function getAssignmentsZip(reference: string): Promise<AssignmentsZip> {
    const reply = await transport.send(assignmentsCall(reference, "application/zip"));
    let entries: Record<string, Uint8Array>;
    try {
      entries = unzipSync(new Uint8Array(reply.body));
    } catch (cause) {
      throw new EsimGoError("transient", `eSIM Go GET /esims/assignments: response is not a ZIP archive`, { cause });
    }
    const installs: EsimInstall[] = [];
    const qrPngs: AssignmentsZip["qrPngs"] = [];
    for (const [fileName, content] of Object.entries(entries)) {
      if (/\.png$/i.test(fileName)) qrPngs.push({ fileName, ...iccidInName(fileName), png: content });
      else if (/\.csv$/i.test(fileName)) installs.push(...installsFromCsv(Buffer.from(content).toString("utf8")));
    }
    return { installs, qrPngs };
  }

  const esimPath = (iccid: string) => `/esims/${encodeURIComponent(iccid)}`;

  return {
    listCatalogue,
    getBundle,
    getOrganisation: () => transport.json({ method: "GET", path: "/organisation", accept: json }, organisationResponse),
    validateOrder: (items) => order("validate", items),
    placeOrder: (items) => order("transaction", items),
    listOrders,
    getOrder: (reference) => transport.json({ method: "GET", path: `/orders/${encodeURIComponent(reference)}`, query: [["includeIccids", true]], accept: json }, orderSummary),
    getAssignments: (reference) => transport.json(assignmentsCall(reference, json), assignmentsJson),
    getAssignmentsCsv,
    getAssignmentsZip,
    getEsim: (iccid) => transport.json({ method: "GET", path: esimPath(iccid), accept: json }, esimDetails),
    listEsimBundles: (iccid) =>
      transport.json({ method: "GET", path: `${esimPath(iccid)}/bundles`, query: [["includeUsed", true], ["limit", 200]], accept: json }, esimBundles),
    checkCompatibility: (iccid, bundle) =>
      transport.json({ method: "GET", path: `${esimPath(iccid)}/compatible/${encodeURIComponent(bundle)}`, accept: json }, compatibility),
    close: () => transport.close(),
  };
}

/** Refuses, before anything is sent, orders the API would reject anyway. */
function checkOrderItems(items: readonly OrderItem[]): void {
  if (items.length === 0) throw new EsimGoError("invalid_request", "an order needs at least one item");
  for (const item of items) {
    if (!item.bundle) throw new EsimGoError("invalid_request", "order item without a bundle name");
    if (!Number.isInteger(item.quantity) || item.quantity < 1) throw new EsimGoError("invalid_request", `invalid quantity ${item.quantity} for ${item.bundle}`);
    if (item.iccids?.length && item.iccids.length !== item.quantity) {
      throw new EsimGoError("invalid_request", `${item.bundle}: quantity ${item.quantity} must equal the number of ICCIDs (${item.iccids.length})`);
    }
  }
}

function installsFromCsv(text: string): EsimInstall[] {
  const parsed = z.array(installSchema).safeParse(csvRecords(text).map(normaliseKeys));
  if (parsed.success) return parsed.data;
  throw new EsimGoError("transient", `eSIM Go assignments CSV unreadable: ${parsed.error.issues[0]?.message ?? "bad rows"}`);
}

function iccidInName(fileName: string): { iccid?: string } {
  const match = /(?:^|[^0-9])(89\d{17,18})(?:[^0-9]|$)/.exec(fileName);
  return match?.[1] ? { iccid: match[1] } : {};
}
