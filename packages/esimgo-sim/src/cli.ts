import { runCli } from "@esim-shop/sim-kit";
import { startEsimGoSim } from "./index.ts";

await runCli({
  name: "esimgo-sim",
  title: "eSIM Go v2.4 simulator",
  envPrefix: "ESIMGO_SIM",
  defaultPort: 4010,
  webhookUrl: "where callbacks are posted (the product's /webhooks/esimgo)",
  options: {
    apiKey: { type: "string", help: "the API key it accepts and signs callbacks with", default: "sim-key" },
    balance: { type: "number", help: "starting balance", default: 500 },
    currency: { type: "string", help: "account currency", default: "USD" },
    rateLimit: { type: "number", help: "requests per second per IP; 0 = no limit", default: 10 },
    latency: { type: "number", help: "milliseconds added to every request", default: 0 },
    processingDelay: { type: "number", help: "milliseconds new bundle assignments stay \"processing\"", default: 0 },
    maxPageSize: { type: "number", help: "most bundles (perPage) or orders (limit) per page; more is capped", default: 50 },
    notFoundStatus: { type: "number", help: "status for an unknown order/assignment reference: 403 (access denied) or 404", default: 403 },
    signatureEncoding: { type: "string", help: "X-Signature-SHA256 encoding: base64 or hex", default: "base64" },
    small: { type: "boolean", help: "a small catalogue (a few countries, Europe, global)" },
  },
  start: (values) =>
    startEsimGoSim({
      port: values.port,
      host: values.host,
      apiKey: values.apiKey,
      ...(values.controlToken ? { controlToken: values.controlToken } : {}),
      ...(values.webhookUrl ? { webhookUrl: values.webhookUrl } : {}),
      balance: values.balance,
      currency: values.currency,
      rateLimitPerSecond: values.rateLimit,
      latencyMs: values.latency,
      processingDelayMs: values.processingDelay,
      maxPageSize: values.maxPageSize,
      notFoundStatus: notFoundStatusOf(values.notFoundStatus),
      callbackSignatureEncoding: values.signatureEncoding === "hex" ? "hex" : "base64",
      catalogueSize: values.small ? "small" : "full",
    }),
  notes: (sim) => [`Catalogue: ${sim.control.catalogue().length} bundles; balance ${sim.control.getBalance()}.`],
});

function notFoundStatusOf(status: number): 403 | 404 {
  if (status !== 403 && status !== 404) throw new Error(`esimgo-sim: --not-found-status must be 403 or 404, not ${status}`);
  return status;
}
