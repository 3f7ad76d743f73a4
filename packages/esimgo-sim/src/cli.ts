import { parseArgs } from "node:util";
import { startEsimGoSimulator } from "./index.ts";

const { values } = parseArgs({
  options: {
    port: { type: "string" },
    host: { type: "string" },
    key: { type: "string" },
    balance: { type: "string" },
    currency: { type: "string" },
    "rate-limit": { type: "string" },
    latency: { type: "string" },
    "processing-delay": { type: "string" },
    "callback-url": { type: "string" },
    "signature-encoding": { type: "string" },
    small: { type: "boolean" },
    help: { type: "boolean", short: "h" },
  },
});

if (values.help) {
  console.log(`eSIM Go v2.4 simulator
  --port N               (PORT, default 4010)
  --host H               (HOST, default 127.0.0.1)
  --key K                (ESIMGO_SIM_API_KEY, default sim-key)
  --balance N            (ESIMGO_SIM_BALANCE, default 500)
  --currency C           (ESIMGO_SIM_CURRENCY, default USD)
  --rate-limit N         (ESIMGO_SIM_RATE_LIMIT, default 10, 0 = off)
  --latency MS           (ESIMGO_SIM_LATENCY_MS, default 0)
  --processing-delay MS  (ESIMGO_SIM_PROCESSING_DELAY_MS, default 0)
  --callback-url URL     (ESIMGO_SIM_CALLBACK_URL)
  --signature-encoding base64|hex
  --small                small catalogue`);
  process.exit(0);
}

const env = process.env;
const number = (value: string | undefined) => (value === undefined || value === "" ? undefined : Number(value));
const encoding = values["signature-encoding"] ?? env.ESIMGO_SIM_SIGNATURE_ENCODING;

const sim = await startEsimGoSimulator({
  port: number(values.port ?? env.PORT) ?? 4010,
  host: values.host ?? env.HOST ?? "127.0.0.1",
  apiKey: values.key ?? env.ESIMGO_SIM_API_KEY ?? "sim-key",
  balance: number(values.balance ?? env.ESIMGO_SIM_BALANCE) ?? 500,
  currency: values.currency ?? env.ESIMGO_SIM_CURRENCY ?? "USD",
  rateLimitPerSecond: number(values["rate-limit"] ?? env.ESIMGO_SIM_RATE_LIMIT) ?? 10,
  latencyMs: number(values.latency ?? env.ESIMGO_SIM_LATENCY_MS) ?? 0,
  processingDelayMs: number(values["processing-delay"] ?? env.ESIMGO_SIM_PROCESSING_DELAY_MS) ?? 0,
  ...((values["callback-url"] ?? env.ESIMGO_SIM_CALLBACK_URL) ? { callbackUrl: values["callback-url"] ?? env.ESIMGO_SIM_CALLBACK_URL } : {}),
  callbackSignatureEncoding: encoding === "hex" ? "hex" : "base64",
  catalogueSize: values.small ? "small" : "full",
});

console.log(`eSIM Go simulator listening
  ESIMGO_API_URL=${sim.baseUrl}
  ESIMGO_API_KEY=${sim.apiKey}
  catalogue: ${sim.control.catalogue().length} bundles, balance ${sim.control.getBalance()}
  control API: ${sim.adminUrl} (same X-API-Key; see src/esimgo/README.md)`);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    void sim.close().then(() => process.exit(0));
  });
}
