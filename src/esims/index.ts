export { createEsims, deliverableEsim, eraseEsimsOf, installsOfOrder, knownIccids, recordInstalls, storeUsage, type EsimSummary, type Esims, type OwnedEsim, type EsimsDeps, type UsageView } from "./esims.ts";
export { createCallbackHandler, usageThreshold, type CallbackDeps, type CallbackOutcome } from "./callbacks.ts";
export { appleInstallUrlOf, lpaOf, qrPng } from "./qr.ts";
