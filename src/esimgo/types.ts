import type { Logger } from "pino";

export interface EsimGoClientOptions {
  /** e.g. https://api.esim-go.com/v2.4 (a trailing slash is fine) */
  baseUrl: string;
  apiKey: string;
  /** Per HTTP attempt, response body included. Default 15000. */
  timeoutMs?: number;
  /** Client-side cap shared by every call of one client. Default 10 (the API's per-IP limit). */
  requestsPerSecond?: number;
  logger?: Logger;
  /** Told of every HTTP attempt (metrics): endpoint like "GET /orders/{reference}", status code or "error", duration. */
  onResponse?(endpoint: string, code: string, seconds: number): void;
}

export interface CatalogueBundle {
  name: string;
  description: string;
  groups: string[];
  countries: { iso: string; name: string; region: string }[];
  /** null when unlimited */
  dataMb: number | null;
  durationDays: number;
  speed: string[];
  autostart: boolean;
  unlimited: boolean;
  /** ISO2, [] when unknown */
  roamingCountries: string[];
  /** integer minor units of the organisation currency */
  priceMinor: number;
  imageUrl?: string;
}

export interface EsimInstall {
  iccid: string;
  matchingId: string;
  /** bare host, no scheme */
  smdpAddress: string;
  /** LPA:1$host$matchingId */
  lpa: string;
  appleInstallUrl?: string;
  bundle?: string;
  reference?: string;
}

export interface OrderItem {
  bundle: string;
  quantity: number;
  iccids?: string[];
  allowReassign?: boolean;
}

export interface OrderResult {
  /** null for validate */
  orderReference: string | null;
  totalMinor: number;
  currency: string;
  status: string;
  valid: boolean;
  createdAt?: string;
  esims: EsimInstall[];
  items: { bundle: string; quantity: number; pricePerUnitMinor: number; iccids: string[] }[];
}

export interface OrderSummary {
  orderReference: string;
  createdAt: string;
  status: string;
  totalMinor: number;
  currency: string;
  items: { bundle: string; quantity: number; iccids: string[] }[];
}

export interface EsimBundleUsage {
  name: string;
  description?: string;
  state: "processing" | "queued" | "active" | "depleted" | "expired" | "revoked" | "lapsed" | (string & {});
  initialBytes: number | null;
  remainingBytes: number | null;
  unlimited: boolean;
  startTime?: string;
  endTime?: string;
  assignmentReference?: string;
}

export interface EsimDetails {
  iccid: string;
  matchingId?: string;
  smdpAddress?: string;
  firstInstalledAt?: string;
  profileStatus?: string;
}

export interface CatalogueFilter {
  countries?: string[];
  region?: string;
  group?: string;
  description?: string;
  perPage?: number;
}

export interface OrdersQuery {
  createdFrom?: Date;
  createdTo?: Date;
  page?: number;
  perPage?: number;
}

export interface AssignmentsZip {
  installs: EsimInstall[];
  qrPngs: { fileName: string; iccid?: string; png: Uint8Array }[];
}

export interface EsimGoClient {
  /** Every page, in API order. */
  listCatalogue(filter?: CatalogueFilter): Promise<CatalogueBundle[]>;
  getBundle(name: string): Promise<CatalogueBundle>;
  getOrganisation(): Promise<{ name: string; balanceMinor: number; currency: string }>;
  validateOrder(items: OrderItem[]): Promise<OrderResult>;
  /** Repeated only after a 429; a lost response, timeout or 5xx after sending is EsimGoError "outcome_unknown". */
  placeOrder(items: OrderItem[]): Promise<OrderResult>;
  /** One page when `page` is given, otherwise every page. */
  listOrders(q?: OrdersQuery): Promise<OrderSummary[]>;
  getOrder(reference: string): Promise<OrderSummary>;
  getAssignments(reference: string): Promise<EsimInstall[]>;
  getAssignmentsCsv(reference: string): Promise<EsimInstall[]>;
  getAssignmentsZip(reference: string): Promise<AssignmentsZip>;
  getEsim(iccid: string): Promise<EsimDetails>;
  listEsimBundles(iccid: string): Promise<EsimBundleUsage[]>;
  checkCompatibility(iccid: string, bundle: string): Promise<boolean>;
  close(): Promise<void>;
}
