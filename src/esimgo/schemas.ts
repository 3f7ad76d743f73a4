import { z } from "zod";
import { bareHost, lpaString } from "./lpa.ts";
import { balanceToMinor, toMinor } from "./money.ts";
import type { CatalogueBundle, EsimBundleUsage, EsimDetails, EsimInstall, OrderResult, OrderSummary } from "./types.ts";

/*
 * Sources disagree on key casing (`AllowReassign` vs `allowReassign`, `Order`, CSV headers such as
 * "Matching ID"), so every payload is read through one rule: keys are lower-cased and stripped of
 * anything but letters and digits. The schemas below are written against those normalised keys.
 */
export function normaliseKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normaliseKeys);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(Object.entries(value).map(([key, inner]) => [normalKey(key), normaliseKeys(inner)]));
}

export function normalKey(key: string): string {
  return key.toLowerCase().replace(/[^a-z0-9]/g, "");
}

// ---- shared pieces ------------------------------------------------------------------------------

/** ICCIDs are strings; one notification example sends a JSON number. */
export const iccidSchema = z.union([z.string(), z.number(), z.bigint()]).transform((v) => (typeof v === "string" ? v.trim() : digitsOf(v)));

/** The digits as the sender wrote them (String keeps a double's shortest form; no exponent below 1e21). */
function digitsOf(value: number | bigint): string {
  const text = String(value);
  return /e/i.test(text) ? BigInt(Math.round(Number(value))).toString() : text;
}

/** Money arrives as decimals (the spec says integer), occasionally as strings. */
const decimal = z.union([z.number(), z.string().trim().regex(/^-?\d+(\.\d+)?$/).transform(Number)]).pipe(z.number());
const minor = decimal.transform((value, ctx) => {
  try {
    return toMinor(value);
  } catch {
    ctx.addIssue({ code: "custom", message: `invalid amount ${value}` });
    return z.NEVER;
  }
});
const optionalText = z.string().optional().catch(undefined);
const textList = z.array(z.string()).nullable().catch([]).transform((list) => list ?? []);
const nonNegativeInt = z.union([z.number(), z.string().regex(/^\d+$/).transform(Number)]).pipe(z.number().int().nonnegative());

// ---- catalogue ----------------------------------------------------------------------------------

const country = z.object({ iso: z.string().catch(""), name: z.string().catch(""), region: z.string().catch("") });

/** roamingEnabled: array of countries (spec), boolean (observed) or {country, networks} objects (observed). */
function roamingIsos(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  const isos = value.map((entry): unknown => {
    if (typeof entry === "string") return entry;
    if (entry && typeof entry === "object") {
      const record = entry as Record<string, unknown>;
      const nested = record.country as Record<string, unknown> | undefined;
      return record.iso ?? nested?.iso;
    }
    return undefined;
  });
  return [...new Set(isos.filter((iso): iso is string => typeof iso === "string" && /^[A-Za-z]{2}$/.test(iso)).map((iso) => iso.toUpperCase()))];
}

const wireBundle = z
  .object({
    name: z.string().min(1),
    description: z.string().catch(""),
    groups: z.union([z.array(z.string()), z.string().transform((g) => [g])]).optional(),
    group: z.union([z.array(z.string()), z.string().transform((g) => [g])]).optional(),
    countries: z.array(country).catch([]),
    dataamount: z.number().nullable().optional().catch(undefined),
    duration: nonNegativeInt.pipe(z.number().positive()),
    speed: textList.optional(),
    autostart: z.boolean().catch(false),
    unlimited: z.boolean().catch(false),
    roamingenabled: z.unknown(),
    // Strict: a bundle without a real price is rejected rather than sold at 0.
    price: minor,
    imageurl: optionalText,
  })
  .transform((b): CatalogueBundle => {
    const unlimited = b.unlimited;
    const dataMb = unlimited || b.dataamount == null || b.dataamount < 0 ? null : Math.round(b.dataamount);
    return {
      name: b.name,
      description: b.description,
      groups: b.groups ?? b.group ?? [],
      countries: b.countries.filter((c) => c.iso !== "").map((c) => ({ iso: c.iso.toUpperCase(), name: c.name, region: c.region })),
      dataMb,
      durationDays: b.duration,
      speed: b.speed ?? [],
      autostart: b.autostart,
      unlimited: unlimited || dataMb === null,
      roamingCountries: roamingIsos(b.roamingenabled),
      priceMinor: b.price,
      ...(b.imageurl ? { imageUrl: b.imageurl } : {}),
    };
  });

export function parseCatalogueBundle(raw: unknown): { ok: true; bundle: CatalogueBundle } | { ok: false; name: string; problem: string } {
  const parsed = wireBundle.safeParse(raw);
  if (parsed.success) return { ok: true, bundle: parsed.data };
  const name = raw && typeof raw === "object" && "name" in raw && typeof raw.name === "string" ? raw.name : "(no name)";
  return { ok: false, name, problem: z.prettifyError(parsed.error) };
}

/** Paging counts as a list answer may carry them; absent when the answer is a bare array. */
export interface PageCounts {
  pageCount?: number;
  rows?: number;
  pageSize?: number;
}

const count = z.number().int().nonnegative().optional().catch(undefined);
const counts = { pagecount: count, rows: count, pagesize: count };
const countsOf = (page: { pagecount?: number | undefined; rows?: number | undefined; pagesize?: number | undefined }): PageCounts => ({
  ...(page.pagecount !== undefined ? { pageCount: page.pagecount } : {}),
  ...(page.rows !== undefined ? { rows: page.rows } : {}),
  ...(page.pagesize !== undefined ? { pageSize: page.pagesize } : {}),
});

/** The live API wraps pages as {bundles,pageCount,rows,pageSize}; the spec says a bare array. */
export const cataloguePage = z.union([
  z.array(z.unknown()).transform((bundles): { bundles: unknown[] } & PageCounts => ({ bundles })),
  z.object({ bundles: z.array(z.unknown()).nullable().transform((b) => b ?? []), ...counts }).transform((page): { bundles: unknown[] } & PageCounts => ({
    bundles: page.bundles,
    ...countsOf(page),
  })),
]);

// ---- organisation -------------------------------------------------------------------------------

const organisationBody = z.object({ name: z.string().catch(""), balance: decimal, currency: z.string().min(1) });

/** Observed live as {organisations:[{...}]}; the v2.4 spec documents the bare object. */
export const organisationResponse = z
  .union([z.object({ organisations: z.array(organisationBody).min(1) }).transform((o) => o.organisations[0]!), organisationBody])
  .transform((org) => ({ name: org.name, balanceMinor: balanceToMinor(org.balance), currency: org.currency.toUpperCase() }));

// ---- installs -----------------------------------------------------------------------------------

export const installSchema = z
  .object({
    iccid: iccidSchema,
    matchingid: z.string().min(1),
    smdpaddress: z.string().optional(),
    rspurl: z.string().optional(),
    bundle: optionalText,
    reference: optionalText,
    appleinstallurl: optionalText,
  })
  .refine((install) => Boolean(install.smdpaddress || install.rspurl), "smdpAddress missing")
  .transform((install): EsimInstall => {
    const smdpAddress = bareHost(install.smdpaddress || install.rspurl || "");
    return {
      iccid: install.iccid,
      matchingId: install.matchingid.trim(),
      smdpAddress,
      lpa: lpaString(smdpAddress, install.matchingid.trim()),
      ...(install.appleinstallurl ? { appleInstallUrl: install.appleinstallurl } : {}),
      ...(install.bundle ? { bundle: install.bundle } : {}),
      ...(install.reference ? { reference: install.reference } : {}),
    };
  });

/** Documented as one object; several eSIMs may come as an array (or wrapped). */
export const assignmentsJson = z.union([
  z.array(installSchema),
  z.object({ assignments: z.array(installSchema) }).transform((a) => a.assignments),
  z.object({ esims: z.array(installSchema) }).transform((a) => a.esims),
  installSchema.transform((one) => [one]),
]);

// ---- orders -------------------------------------------------------------------------------------

const wireOrderItem = z.object({
  item: z.string(),
  quantity: nonNegativeInt,
  priceperunit: minor.optional(),
  subtotal: minor.optional(),
  esims: z.array(installSchema).nullable().optional(),
  iccids: z.array(iccidSchema).nullable().optional(),
});

const wireOrder = z.object({
  order: z.array(wireOrderItem).nullable().transform((items) => items ?? []),
  total: minor,
  currency: z.string().catch(""),
  status: optionalText,
  statusmessage: optionalText,
  orderreference: z.string().min(1).optional(),
  createddate: optionalText,
  createdate: optionalText,
  valid: z.boolean().optional().catch(undefined),
});
type WireOrder = z.infer<typeof wireOrder>;

function itemIccids(item: z.infer<typeof wireOrderItem>): string[] {
  if (item.iccids && item.iccids.length > 0) return item.iccids;
  return (item.esims ?? []).map((esim) => esim.iccid);
}

export const orderResult = wireOrder.transform((order): OrderResult => {
  const createdAt = order.createddate ?? order.createdate;
  return {
    orderReference: order.orderreference ?? null,
    totalMinor: order.total,
    currency: order.currency,
    status: order.status ?? (order.valid === false ? "invalid" : order.orderreference ? "completed" : "valid"),
    valid: order.valid ?? true,
    ...(createdAt ? { createdAt } : {}),
    esims: order.order.flatMap((item) => (item.esims ?? []).map((esim) => ({ ...esim, bundle: esim.bundle ?? item.item }))),
    items: order.order.map((item) => ({
      bundle: item.item,
      quantity: item.quantity,
      pricePerUnitMinor: item.priceperunit ?? (item.subtotal !== undefined && item.quantity > 0 ? Math.round(item.subtotal / item.quantity) : 0),
      iccids: itemIccids(item),
    })),
  };
});

function toSummary(order: WireOrder): OrderSummary | undefined {
  if (!order.orderreference) return undefined;
  return {
    orderReference: order.orderreference,
    createdAt: order.createddate ?? order.createdate ?? "",
    status: order.status ?? "",
    totalMinor: order.total,
    currency: order.currency,
    items: order.order.map((item) => ({ bundle: item.item, quantity: item.quantity, iccids: itemIccids(item) })),
  };
}

export const orderSummary = wireOrder.transform((order, ctx) => {
  const summary = toSummary(order);
  if (!summary) {
    ctx.addIssue({ code: "custom", message: "order without orderReference" });
    return z.NEVER;
  }
  return summary;
});

const summaries = (orders: WireOrder[]) => orders.map(toSummary).filter((s): s is OrderSummary => s !== undefined);

/** The list envelope is unconfirmed: a bare array (v2.5 OrderList), {orders:[...]} with or without counts, or a single order. */
export const orderList = z.union([
  z.array(wireOrder).transform((orders): { orders: OrderSummary[] } & PageCounts => ({ orders: summaries(orders) })),
  z.object({ orders: z.array(wireOrder), ...counts }).transform((page): { orders: OrderSummary[] } & PageCounts => ({ orders: summaries(page.orders), ...countsOf(page) })),
  wireOrder.transform((order): { orders: OrderSummary[] } & PageCounts => ({ orders: summaries([order]) })),
]);

// ---- eSIMs --------------------------------------------------------------------------------------

export const esimDetails = z
  .object({
    iccid: iccidSchema,
    matchingid: optionalText,
    smdpaddress: optionalText,
    profilestatus: optionalText,
    // int64 ms here, an ISO string elsewhere; 0 means never installed.
    firstinstalleddatetime: z.union([z.number(), z.string()]).optional().catch(undefined),
  })
  .transform((e): EsimDetails => {
    const installed = e.firstinstalleddatetime;
    const firstInstalledAt = typeof installed === "number" ? (installed > 0 ? new Date(installed).toISOString() : undefined) : installed || undefined;
    return {
      iccid: e.iccid,
      ...(e.matchingid ? { matchingId: e.matchingid } : {}),
      ...(e.smdpaddress ? { smdpAddress: bareHost(e.smdpaddress) } : {}),
      ...(firstInstalledAt ? { firstInstalledAt } : {}),
      ...(e.profilestatus ? { profileStatus: e.profilestatus } : {}),
    };
  });

const bytes = z.number().nonnegative().nullable().optional().catch(undefined);

const wireAssignment = z.object({
  initialquantity: bytes,
  remainingquantity: bytes,
  bundlestate: z.string().catch("unknown"),
  unlimited: z.boolean().catch(false),
  assignmentreference: optionalText,
  assignmentdatetime: optionalText,
  starttime: optionalText,
  endtime: optionalText,
});

const wireEsimBundle = z.object({ name: z.string(), description: optionalText, assignments: z.array(wireAssignment).nullable().catch([]) });

function usageOf(name: string, description: string | undefined, a: z.infer<typeof wireAssignment>): EsimBundleUsage {
  return {
    name,
    ...(description ? { description } : {}),
    state: a.bundlestate.toLowerCase(),
    initialBytes: a.unlimited ? null : (a.initialquantity ?? null),
    remainingBytes: a.unlimited ? null : (a.remainingquantity ?? null),
    unlimited: a.unlimited,
    ...(a.starttime ? { startTime: a.starttime } : {}),
    ...(a.endtime ? { endTime: a.endtime } : {}),
    ...(a.assignmentreference ? { assignmentReference: a.assignmentreference } : {}),
  };
}

export const esimBundles = z
  .object({ bundles: z.array(wireEsimBundle).nullable().transform((b) => b ?? []) })
  .transform((list) => list.bundles.flatMap((bundle) => (bundle.assignments ?? []).map((a) => usageOf(bundle.name, bundle.description, a))));

export const compatibility = z.object({ compatible: z.boolean() }).transform((c) => c.compatible);

export const errorBody = z.object({ message: z.string() }).transform((e) => e.message);
