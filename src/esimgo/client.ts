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
import { allPages } from "./paging.ts";
import { Transport, type Call } from "./transport.ts";
import type { AssignmentsZip, CatalogueBundle, CatalogueFilter, EsimGoClient, EsimGoClientOptions, EsimInstall, OrderItem, OrderSummary, OrdersQuery } from "./types.ts";

const CATALOGUE_PAGE_SIZE = 500;
const ORDERS_PAGE_SIZE = 100;

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
    const raw = await allPages("catalogue", async (page) => {
      const query = [
        ["page", page],
        ["perPage", perPage],
        ["countries", filter.countries?.length ? filter.countries.join(",") : undefined],
        ["region", filter.region],
        ["group", filter.group],
        ["description", filter.description],
      ] as const;
      const { bundles, ...counts } = await transport.json({ method: "GET", path: "/catalogue", query, accept: json }, cataloguePage);
      return { items: bundles, ...counts };
    });
    return toBundles(raw);
  }

  /**
   * A call about one order, reference, ICCID or bundle. eSIM Go answers 403 both for a bad key and for a resource
   * that is not (or no longer) ours, so a 403 here is not_found when the key still works (GET /organisation).
   */
  async function resource<T>(call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (!(error instanceof EsimGoError) || (error.status !== 401 && error.status !== 403)) throw error;
      throw await whyRefused(error);
    }
  }

  async function whyRefused(refusal: EsimGoError): Promise<EsimGoError> {
    try {
      await getOrganisation();
    } catch (probe) {
      if (probe instanceof EsimGoError && probe.kind === "unauthorized") return refusal;
      const why = probe instanceof Error ? probe.message : String(probe);
      return new EsimGoError("transient", `${refusal.message}; whether the key works could not be checked (${why})`, { status: refusal.status, cause: probe });
    }
    return new EsimGoError("not_found", `${refusal.message} (the key works: not found, or not ours)`, { status: refusal.status, cause: refusal });
  }

  const getOrganisation = () => transport.json({ method: "GET", path: "/organisation", accept: json }, organisationResponse);

  async function getBundle(name: string): Promise<CatalogueBundle> {
    const raw = await resource(() => transport.json({ method: "GET", path: `/catalogue/bundle/${encodeURIComponent(name)}`, accept: json }, z.unknown()));
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

  async function listOrders(q: OrdersQuery = {}): Promise<OrderSummary[]> {
    const perPage = q.perPage ?? ORDERS_PAGE_SIZE;
    const fetchPage = async (page: number) => {
      const query = [
        ["includeIccids", true],
        ["page", page],
        ["limit", perPage],
        ["createdAt", q.createdFrom ? `gte:${q.createdFrom.toISOString()}` : undefined],
        ["createdAt", q.createdTo ? `lte:${q.createdTo.toISOString()}` : undefined],
      ] as const;
      const { orders, ...counts } = await transport.json({ method: "GET", path: "/orders", query, accept: json }, orderList);
      return { items: orders, ...counts };
    };
    if (q.page !== undefined) return (await fetchPage(q.page)).items;
    return allPages("order list", fetchPage);
  }

  function assignmentsCall(reference: string, accept: string): Call {
    return { method: "GET", path: "/esims/assignments", query: [["reference", reference], ["additionalFields", "appleInstallUrl"]], accept };
  }

  async function getAssignmentsCsv(reference: string): Promise<EsimInstall[]> {
    const reply = await resource(() => transport.send(assignmentsCall(reference, "text/csv")));
    return installsFromCsv(reply.body.toString("utf8"));
  }

  async function getAssignmentsZip(reference: string): Promise<AssignmentsZip> {
    const reply = await resource(() => transport.send(assignmentsCall(reference, "application/zip")));
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
    getOrganisation,
    validateOrder: (items) => order("validate", items),
    placeOrder: (items) => order("transaction", items),
    listOrders,
    getOrder: (reference) =>
      resource(() => transport.json({ method: "GET", path: `/orders/${encodeURIComponent(reference)}`, query: [["includeIccids", true]], accept: json }, orderSummary)),
    getAssignments: (reference) => resource(() => transport.json(assignmentsCall(reference, json), assignmentsJson)),
    getAssignmentsCsv,
    getAssignmentsZip,
    getEsim: (iccid) => resource(() => transport.json({ method: "GET", path: esimPath(iccid), accept: json }, esimDetails)),
    listEsimBundles: (iccid) =>
      resource(() => transport.json({ method: "GET", path: `${esimPath(iccid)}/bundles`, query: [["includeUsed", true], ["limit", 200]], accept: json }, esimBundles)),
    checkCompatibility: (iccid, bundle) =>
      resource(() => transport.json({ method: "GET", path: `${esimPath(iccid)}/compatible/${encodeURIComponent(bundle)}`, accept: json }, compatibility)),
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
