import { seedCatalogue, type SimBundle } from "./catalogue.ts";
import { IccidSequence, matchingId, nanoTimestamp, orderReference, pin, puk } from "./ids.ts";

/** An error the simulator answers with `{"message": ...}`. */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

const SMDP_BY_PROVIDER: Record<SimBundle["provider"], string> = { A: "rsp-3104.esimgo-sim.test", B: "smdp-7201.esimgo-sim.test" };
// Utilisation at 50/80/100 % used; eSIM Go's FirstUse (about 1 kB used) replaces the 1 % notice.
const UTILISATION_THRESHOLDS = [50, 80, 100];
const FIRST_USE_BYTES = 1_000;
const DAY_MS = 86_400_000;

export interface SimAssignment {
  id: string;
  bundle: SimBundle;
  reference: string;
  assignedAt: number;
  readyAt: number;
  usedPercent: number;
  startedAt?: number;
}

export interface SimEsim {
  iccid: string;
  matchingId: string;
  smdpAddress: string;
  provider: SimBundle["provider"];
  pin: string;
  puk: string;
  createdAt: number;
  assignments: SimAssignment[];
}

export interface SimOrderItem {
  bundle: SimBundle;
  quantity: number;
  pricePerUnitCents: number;
  allowReassign: boolean;
  esims: SimEsim[];
}

export interface SimOrder {
  reference: string;
  createdAt: number;
  createdDate: string;
  items: SimOrderItem[];
  totalCents: number;
  assigned: boolean;
}

export interface OrderLine {
  item: string;
  quantity: number;
  iccids: string[];
  allowReassign: boolean;
}

/** A usage notice as eSIM Go sends it: what was left at the moment the threshold was crossed. */
export interface UsageNotice {
  alertType: "FirstUse" | "Utilisation";
  esim: SimEsim;
  assignment: SimAssignment;
  remainingBytes: number;
}

export interface StateOptions {
  balance: number;
  currency: string;
  catalogueSize: "full" | "small";
  processingDelayMs: number;
}

export class SimulatorState {
  readonly currency: string;
  private readonly seeded: SimBundle[];
  private readonly withdrawn = new Set<string>();
  private readonly priceOverrides = new Map<string, number>();
  private readonly esimsByIccid = new Map<string, SimEsim>();
  private readonly ordersByReference = new Map<string, SimOrder>();
  private readonly iccids = new IccidSequence();
  private balanceCents: number;
  processingDelayMs: number;

  constructor(options: StateOptions) {
    this.currency = options.currency;
    this.seeded = seedCatalogue(options.catalogueSize);
    this.balanceCents = cents(options.balance);
    this.processingDelayMs = options.processingDelayMs;
  }

  // ---- catalogue --------------------------------------------------------------------------------

  catalogue(): SimBundle[] {
    return this.seeded.filter((b) => !this.withdrawn.has(b.name)).map((b) => this.priced(b));
  }

  bundle(name: string): SimBundle | undefined {
    const found = this.seeded.find((b) => b.name === name);
    return found && !this.withdrawn.has(name) ? this.priced(found) : undefined;
  }

  withdraw(name: string): void {
    this.withdrawn.add(name);
  }

  setPrice(name: string, decimal: number): void {
    if (!this.seeded.some((b) => b.name === name)) throw new Error(`no bundle ${name}`);
    this.priceOverrides.set(name, decimal);
  }

  private priced(bundle: SimBundle): SimBundle {
    const price = this.priceOverrides.get(bundle.name);
    return price === undefined ? bundle : { ...bundle, price };
  }

  // ---- balance ----------------------------------------------------------------------------------

  get balance(): number {
    return this.balanceCents / 100;
  }

  set balance(decimal: number) {
    this.balanceCents = cents(decimal);
  }

  // ---- orders -----------------------------------------------------------------------------------

  /** Prices and checks an order; throws HttpProblem for anything the API refuses. */
  quote(lines: readonly OrderLine[], assign: boolean): { items: Omit<SimOrderItem, "esims">[]; totalCents: number } {
    if (lines.length === 0) throw new HttpProblem(400, "Order must contain Order Items");
    const items = lines.map((line) => this.checkLine(line, assign));
    const totalCents = items.reduce((sum, item) => sum + item.pricePerUnitCents * item.quantity, 0);
    return { items, totalCents };
  }

  canAfford(totalCents: number): boolean {
    return totalCents <= this.balanceCents;
  }

  /** Charges the balance and assigns bundles; the caller has already quoted the order. */
  commit(lines: readonly OrderLine[], assign: boolean): SimOrder {
    const { items, totalCents } = this.quote(lines, assign);
    if (!this.canAfford(totalCents)) throw new HttpProblem(400, "Failed to process Order. No payment taken.");
    this.balanceCents -= totalCents;
    const now = Date.now();
    const reference = orderReference();
    let sequence = 0;
    const placed = items.map((item, index): SimOrderItem => {
      const targets = assign ? this.targets(lines[index]!, item.bundle, item.quantity) : [];
      for (const esim of targets) esim.assignments.push(this.newAssignment(item.bundle, `${reference}-${sequence++}`, now));
      return { ...item, esims: targets };
    });
    const order: SimOrder = { reference, createdAt: now, createdDate: nanoTimestamp(now), items: placed, totalCents, assigned: assign };
    this.ordersByReference.set(reference, order);
    return order;
  }

  orders(): SimOrder[] {
    return [...this.ordersByReference.values()];
  }

  order(reference: string): SimOrder | undefined {
    return this.ordersByReference.get(reference);
  }

  private checkLine(line: OrderLine, assign: boolean): Omit<SimOrderItem, "esims"> {
    const bundle = this.bundle(line.item);
    if (!bundle) throw new HttpProblem(400, `Bundle ${line.item} does not exist`);
    if (!Number.isInteger(line.quantity) || line.quantity < 1) throw new HttpProblem(400, `Invalid quantity for ${line.item}`);
    if (line.iccids.length > 0) {
      if (!assign) throw new HttpProblem(400, "ICCIDs can only be specified when assign is true");
      if (line.iccids.length !== line.quantity) throw new HttpProblem(400, `Quantity of ${line.item} must match the number of ICCIDs`);
      for (const iccid of line.iccids) this.checkTarget(iccid, bundle, line.allowReassign);
    }
    return { bundle, quantity: line.quantity, pricePerUnitCents: cents(bundle.price), allowReassign: line.allowReassign };
  }

  private checkTarget(iccid: string, bundle: SimBundle, allowReassign: boolean): void {
    const esim = this.esimsByIccid.get(iccid);
    if (!esim) throw new HttpProblem(400, `eSIM ${iccid} does not belong to this organisation`);
    if (esim.provider !== bundle.provider && !allowReassign) {
      throw new HttpProblem(400, `Bundle ${bundle.name} is not compatible with eSIM ${iccid}`);
    }
  }

  private targets(line: OrderLine, bundle: SimBundle, quantity: number): SimEsim[] {
    if (line.iccids.length === 0) return Array.from({ length: quantity }, () => this.newEsim(bundle.provider));
    return line.iccids.map((iccid) => {
      const esim = this.esimsByIccid.get(iccid)!;
      return esim.provider === bundle.provider ? esim : this.newEsim(bundle.provider);
    });
  }

  private newEsim(provider: SimBundle["provider"]): SimEsim {
    const esim: SimEsim = {
      iccid: this.iccids.take(),
      matchingId: matchingId(),
      smdpAddress: SMDP_BY_PROVIDER[provider],
      provider,
      pin: pin(),
      puk: puk(),
      createdAt: Date.now(),
      assignments: [],
    };
    this.esimsByIccid.set(esim.iccid, esim);
    return esim;
  }

  private newAssignment(bundle: SimBundle, reference: string, now: number): SimAssignment {
    const id = String(200_000_000 + this.esimsByIccid.size * 10 + Math.floor(Math.random() * 10));
    return { id, bundle, reference, assignedAt: now, readyAt: now + this.processingDelayMs, usedPercent: 0 };
  }

  // ---- eSIMs ------------------------------------------------------------------------------------

  esim(iccid: string): SimEsim | undefined {
    return this.esimsByIccid.get(iccid);
  }

  esims(): SimEsim[] {
    return [...this.esimsByIccid.values()];
  }

  isCompatible(esim: SimEsim, bundle: SimBundle): boolean {
    return esim.provider === bundle.provider;
  }

  /**
   * Uses `percent` more of the eSIM's current bundle (of its daily allowance when unlimited). Usage is continuous: a
   * jump crosses its thresholds one after the other, each notice telling what was left at that moment.
   */
  advanceUsage(iccid: string, percent: number): UsageNotice[] {
    const esim = this.esimsByIccid.get(iccid);
    if (!esim) throw new Error(`no eSIM ${iccid}`);
    const now = Date.now();
    const assignment = esim.assignments.find((a) => ["processing", "queued", "active"].includes(assignmentState(a, now)));
    if (!assignment) throw new Error(`eSIM ${iccid} has no usable bundle`);
    assignment.readyAt = Math.min(assignment.readyAt, now);
    assignment.startedAt ??= now;
    const before = assignment.usedPercent;
    assignment.usedPercent = Math.min(100, before + Math.max(0, percent));
    const initial = initialBytes(assignment);
    const notices: UsageNotice[] = [];
    if (before === 0 && assignment.usedPercent > 0) notices.push({ alertType: "FirstUse", esim, assignment, remainingBytes: Math.max(0, initial - FIRST_USE_BYTES) });
    for (const threshold of UTILISATION_THRESHOLDS) {
      if (before < threshold && assignment.usedPercent >= threshold) {
        notices.push({ alertType: "Utilisation", esim, assignment, remainingBytes: Math.round((initial * (100 - threshold)) / 100) });
      }
    }
    return notices;
  }
}

export function assignmentState(a: SimAssignment, now = Date.now()): string {
  if (now < a.readyAt) return "processing";
  if (a.startedAt !== undefined && now > a.startedAt + a.bundle.duration * DAY_MS) return "expired";
  if (a.usedPercent >= 100 && !a.bundle.unlimited) return "depleted";
  return a.startedAt === undefined ? "queued" : "active";
}

/**
 * Bytes, base 10. An unlimited bundle reports its daily high-speed allowance (Unlimited Lite and Essential 1 GB,
 * Plus 2 GB: the spec's bundle groups), after which it is throttled, never depleted.
 */
export function initialBytes(a: SimAssignment): number {
  if (!a.bundle.unlimited) return a.bundle.dataAmount * 1_000_000;
  return /_ULP_/.test(a.bundle.name) ? 2_000_000_000 : 1_000_000_000;
}

export function remainingBytes(a: SimAssignment): number {
  return Math.round((initialBytes(a) * (100 - a.usedPercent)) / 100);
}

export function endTime(a: SimAssignment): number | undefined {
  return a.startedAt === undefined ? undefined : a.startedAt + a.bundle.duration * DAY_MS;
}

function cents(decimal: number): number {
  if (!Number.isFinite(decimal)) throw new Error(`not an amount: ${decimal}`);
  return Math.round(decimal * 100);
}
