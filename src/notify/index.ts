/**
 * The domain's only way to reach people: the `Notifier` port. The routing notifier implements it for every channel
 * (each customer is told on their own channel); `RecordingNotifier` remembers what it was told, for tests.
 */
export type { AdminAlert, CustomerNotice, DeliveredEsim, DeliveryOutcome, Notifier } from "./notifier.ts";
export { RecordingNotifier } from "./notifier.ts";
export { createRoutingNotifier, type ChannelOutbox, type DeliveryContext, type RoutingNotifierDeps } from "./routing.ts";
