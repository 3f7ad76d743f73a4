import QRCode from "qrcode";
import { zipSync } from "fflate";
import { csvLine } from "./csv.ts";
import { appleInstallUrl, lpaString } from "./lpa.ts";
import type { SimBundle } from "./catalogue.ts";
import { assignmentState, endTime, initialBytes, remainingBytes, type SimAssignment, type SimEsim, type SimOrder, type UsageNotice } from "./state.ts";

/** Catalogue bundle exactly as the API lists it (the upstream provider stays internal). */
export function bundleJson(bundle: SimBundle): Record<string, unknown> {
  const { provider: _provider, ...wire } = bundle;
  return wire;
}

const money = (cents: number) => Math.round(cents) / 100;

function esimRef(esim: SimEsim) {
  return { iccid: esim.iccid, matchingId: esim.matchingId, smdpAddress: esim.smdpAddress };
}

/** POST /orders (transaction) and GET /orders/{ref}: OrderResponseTransaction. */
export function orderTransactionJson(order: SimOrder, currency: string, sourceIp?: string): Record<string, unknown> {
  const count = order.items.reduce((sum, item) => sum + item.esims.length, 0);
  return {
    order: order.items.map((item) => ({
      esims: item.esims.map(esimRef),
      type: "bundle",
      item: item.bundle.name,
      iccids: item.esims.map((e) => e.iccid),
      quantity: item.quantity,
      subTotal: money(item.pricePerUnitCents * item.quantity),
      pricePerUnit: money(item.pricePerUnitCents),
      AllowReassign: item.allowReassign,
    })),
    total: money(order.totalCents),
    currency,
    status: "completed",
    statusMessage: order.assigned ? `Order completed: ${count} eSIMs assigned` : "Order completed",
    orderReference: order.reference,
    createdDate: order.createdDate,
    assigned: order.assigned,
    ...(sourceIp ? { sourceIP: sourceIp } : {}),
  };
}

/** GET /orders list entry: the `Order` schema (note `createDate`). */
export function orderListEntryJson(order: SimOrder, currency: string, includeIccids: boolean): Record<string, unknown> {
  return {
    order: order.items.map((item) => ({
      type: "bundle",
      item: item.bundle.name,
      quantity: item.quantity,
      subTotal: money(item.pricePerUnitCents * item.quantity),
      pricePerUnit: money(item.pricePerUnitCents),
      ...(includeIccids ? { esims: item.esims.map(esimRef), iccids: item.esims.map((e) => e.iccid) } : {}),
    })),
    total: money(order.totalCents),
    currency,
    status: "completed",
    statusMessage: "Order completed",
    orderReference: order.reference,
    createDate: order.createdDate,
  };
}

export interface InstallRow {
  esim: SimEsim;
  bundle: string;
  reference: string;
}

export function installJson(row: InstallRow, withAppleUrl: boolean): Record<string, unknown> {
  const { esim } = row;
  return {
    iccid: esim.iccid,
    matchingId: esim.matchingId,
    smdpAddress: esim.smdpAddress,
    profileStatus: "Released",
    pin: esim.pin,
    puk: esim.puk,
    bundle: row.bundle,
    reference: row.reference,
    ...(withAppleUrl ? { appleInstallUrl: appleInstallUrl(lpaString(esim.smdpAddress, esim.matchingId)) } : {}),
  };
}

export function installsCsv(rows: readonly InstallRow[], withAppleUrl: boolean): string {
  const header = ["ICCID", "Matching ID", "RSP URL", "Bundle", "Reference", ...(withAppleUrl ? ["Apple Install URL"] : [])];
  const lines = rows.map(({ esim, bundle, reference }) => {
    const cells = [esim.iccid, esim.matchingId, esim.smdpAddress, bundle, reference];
    if (withAppleUrl) cells.push(appleInstallUrl(lpaString(esim.smdpAddress, esim.matchingId)));
    return csvLine(cells);
  });
  return `${csvLine(header)}\n${lines.join("\n")}\n`;
}

/** One PNG QR per eSIM (content LPA:1$smdp$matchingId) plus the CSV. */
export async function installsZip(rows: readonly InstallRow[], reference: string, withAppleUrl: boolean): Promise<Buffer> {
  const files: Record<string, Uint8Array> = {};
  for (const { esim } of rows) {
    const png = await QRCode.toBuffer(lpaString(esim.smdpAddress, esim.matchingId), { type: "png", errorCorrectionLevel: "M", margin: 4, scale: 8 });
    files[`${esim.iccid}.png`] = new Uint8Array(png);
  }
  files[`${reference}.csv`] = new TextEncoder().encode(installsCsv(rows, withAppleUrl));
  return Buffer.from(zipSync(files, { level: 0 }));
}

/** The v2.4 Assignment: no startTime/endTime (v2.5 added them). */
export function assignmentJson(a: SimAssignment): Record<string, unknown> {
  return {
    id: a.id,
    callTypeGroup: "data",
    initialQuantity: initialBytes(a),
    remainingQuantity: remainingBytes(a),
    assignmentDateTime: new Date(a.assignedAt).toISOString(),
    assignmentReference: a.reference,
    bundleState: assignmentState(a),
    unlimited: a.bundle.unlimited,
  };
}

/** V3 Utilisation or FirstUse callback body (they share one shape). */
export function usageNoticeJson(notice: UsageNotice): Record<string, unknown> {
  const { esim, assignment: a } = notice;
  const end = endTime(a);
  return {
    iccid: esim.iccid,
    alertType: notice.alertType,
    bundle: {
      id: a.id,
      reference: a.reference,
      name: a.bundle.name,
      description: a.bundle.description,
      initialQuantity: initialBytes(a),
      remainingQuantity: notice.remainingBytes,
      startTime: new Date(a.startedAt ?? a.assignedAt).toISOString(),
      endTime: new Date(end ?? a.assignedAt + a.bundle.duration * 86_400_000).toISOString(),
      unlimited: a.bundle.unlimited,
    },
  };
}
