import { z } from "zod";
import { iccidSchema, normaliseKeys } from "./schemas.ts";

export type EsimGoCallback =
  | {
      alertType: "Utilisation" | "FirstUse";
      iccid: string;
      bundle: {
        id?: string;
        reference?: string;
        name: string;
        description?: string;
        initialBytes: number | null;
        remainingBytes: number | null;
        unlimited: boolean;
        startTime?: string;
        endTime?: string;
      };
    }
  | { alertType: "LowBalance" | "InsufficientBalance"; balance: number; threshold?: number }
  | { alertType: string; iccid?: string; raw: unknown };

const text = z.union([z.string(), z.number()]).transform(String).optional().catch(undefined);
const quantity = z.number().nonnegative().nullable().optional().catch(undefined);

const usageAlert = z.object({
  alerttype: z.enum(["Utilisation", "FirstUse"]),
  iccid: iccidSchema,
  bundle: z.object({
    id: text,
    reference: text,
    name: z.string(),
    description: text,
    initialquantity: quantity,
    remainingquantity: quantity,
    unlimited: z.boolean().catch(false),
    starttime: text,
    endtime: text,
  }),
});

const amount = z.union([z.number(), z.string().regex(/^-?\d+(\.\d+)?$/).transform(Number)]).pipe(z.number());

const balanceAlert = z.object({
  alerttype: z.enum(["LowBalance", "InsufficientBalance"]),
  balanceinfo: z.object({ balance: amount, threshold: amount.optional().catch(undefined) }).optional(),
  balance: amount.optional(),
  threshold: amount.optional().catch(undefined),
});

const anyAlert = z.object({ alerttype: z.string().min(1), iccid: iccidSchema.optional().catch(undefined) });

/** Parses a callback body (after its signature was verified); unknown alert types are kept raw. */
export function parseEsimGoCallback(json: unknown): EsimGoCallback {
  const body = normaliseKeys(json);
  const usage = usageAlert.safeParse(body);
  if (usage.success) return usageCallback(usage.data);
  const balance = balanceAlert.safeParse(body);
  if (balance.success) {
    const info = balance.data.balanceinfo;
    const value = info?.balance ?? balance.data.balance;
    const threshold = info?.threshold ?? balance.data.threshold;
    if (value !== undefined) return { alertType: balance.data.alerttype, balance: value, ...(threshold !== undefined ? { threshold } : {}) };
  }
  const other = anyAlert.safeParse(body);
  if (!other.success) throw new Error("not an eSIM Go callback: alertType missing");
  const { alerttype, iccid } = other.data;
  return { alertType: alerttype, ...(iccid ? { iccid } : {}), raw: json };
}

function usageCallback(alert: z.infer<typeof usageAlert>): EsimGoCallback {
  const b = alert.bundle;
  const optional = { id: b.id, reference: b.reference, description: b.description, startTime: b.starttime, endTime: b.endtime };
  return {
    alertType: alert.alerttype,
    iccid: alert.iccid,
    bundle: {
      name: b.name,
      ...Object.fromEntries(Object.entries(optional).filter(([, value]) => value !== undefined)),
      initialBytes: b.unlimited ? null : (b.initialquantity ?? null),
      remainingBytes: b.unlimited ? null : (b.remainingquantity ?? null),
      unlimited: b.unlimited,
    },
  };
}
