export { createEsims, deliverableEsim, storeUsage, type EsimSummary, type Esims, type EsimsDeps, type UsageView } from "./esims.ts";
export { createCallbackHandler, usageThreshold, type CallbackDeps, type HttpAnswer } from "./callbacks.ts";
export { appleInstallUrlOf, lpaOf, qrPng } from "./qr.ts";
