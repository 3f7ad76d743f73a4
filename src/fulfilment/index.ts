export { createFulfilment, type FailureReason, type Fulfilment, type FulfilmentDeps, type FulfilmentSettings } from "./fulfilment.ts";
export { backoffMs } from "./backoff.ts";
