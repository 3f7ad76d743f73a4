/**
 * Prometheus metrics: the `Metrics` port the counting parts take, its prom-client implementation (one registry per
 * app), the `/metrics` route, and the balance observer.
 */
export { noMetrics, type Metrics, type WebhookCount, type WebhookSource } from "./port.ts";
export { createPrometheusMetrics, type PrometheusMetrics } from "./prometheus.ts";
export { metricsApp } from "./http.ts";
export { observeBalance, refreshBalance } from "./balance.ts";
