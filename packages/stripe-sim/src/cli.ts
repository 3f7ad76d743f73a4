import { runCli } from "@esim-shop/sim-kit";
import { startStripeSim } from "./index.ts";

await runCli({
  name: "stripe-sim",
  title: "Stripe stand-in (Checkout Sessions, refunds, webhooks, hosted checkout page)",
  envPrefix: "STRIPE_SIM",
  defaultPort: 12111,
  webhookUrl: "where events are posted (the product's /webhooks/stripe)",
  options: {
    secretKey: { type: "string", help: "the account's secret key, the one API key it accepts besides --restricted-key", default: "sk_test_stripeSimLocal" },
    restrictedKey: { type: "string", help: "a restricted key (rk_test_…) it accepts too" },
    webhookSecret: { type: "string", help: "the whsec_ secret webhooks are signed with", default: "whsec_stripe_sim_local" },
    publicUrl: { type: "string", help: "base of the payment links (default: this server's URL)" },
  },
  start: (values) =>
    startStripeSim({
      port: values.port,
      host: values.host,
      webhookSecret: values.webhookSecret,
      secretKey: values.secretKey,
      ...(values.restrictedKey ? { restrictedKey: values.restrictedKey } : {}),
      ...(values.controlToken ? { controlToken: values.controlToken } : {}),
      ...(values.webhookUrl ? { webhookUrl: values.webhookUrl } : {}),
      ...(values.publicUrl ? { publicBaseUrl: values.publicUrl } : {}),
      logger: { warn: (details, message) => console.error(`${message} ${JSON.stringify(details)}`) },
    }),
  notes: (sim) => [`Payment links: ${sim.url}/pay/<session id>; Pay and Cancel post the webhooks.`],
});
