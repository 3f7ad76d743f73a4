/**
 * The fulfilment worker: claims due orders (lease), places them at eSIM Go, reconciles unknown outcomes, stores the
 * eSIMs and delivers them. It writes orders only through the orders module and eSIMs only through the esims module.
 */
export { createFulfilment, type Fulfilment } from "./lane.ts";
export type { FailureReason, FulfilmentDeps, FulfilmentSettings } from "./tools.ts";
export { backoffMs } from "./backoff.ts";
