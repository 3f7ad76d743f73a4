export { createShop, type Shop, type ShopDeps, type ShopSettings } from "./shop.ts";
export { bundleTitle, type CheckoutInput, type CheckoutOutcome } from "./checkout.ts";
export type { OrderStory, StatsRow } from "./operator.ts";
export type { HttpAnswer } from "./stripe-webhook.ts";
export type { EsimSummary, UsageView } from "../esims/index.ts";
export type { Order, OrderStatus } from "../db/schema.ts";
