export { createEsimGoClient } from "./client.ts";
export { EsimGoError, type EsimGoErrorKind } from "./errors.ts";
export { verifyEsimGoSignature, signEsimGoBody } from "./signature.ts";
export { parseEsimGoCallback, type EsimGoCallback } from "./callbacks.ts";
export { toMinor } from "./money.ts";
export { lpaString, bareHost, appleInstallUrl } from "./lpa.ts";
export type {
  AssignmentsZip,
  CatalogueBundle,
  CatalogueFilter,
  EsimBundleUsage,
  EsimDetails,
  EsimGoClient,
  EsimGoClientOptions,
  EsimInstall,
  OrderItem,
  OrderResult,
  OrderSummary,
  OrdersQuery,
} from "./types.ts";
