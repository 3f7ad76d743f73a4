/**
 * Runs the Stripe stand-in on its own port: `tsx src/stripe-sim/cli.ts`.
 * STRIPE_SIM_PORT (default 12111), STRIPE_WEBHOOK_SECRET (required), STRIPE_SIM_WEBHOOK_URL (optional),
 * STRIPE_SIM_PUBLIC_URL (optional base of the hosted page URLs).
 */
import pino from "pino";
import { startStripeSim } from "./index.ts";

const logger = pino({ name: "stripe-sim" });
const webhookSecret = process.env.STRIPE_WEBHOOK_SECRET;
if (!webhookSecret) {
  logger.error("STRIPE_WEBHOOK_SECRET is required (the secret the shop verifies webhooks with)");
  process.exit(1);
}
const sim = await startStripeSim({
  webhookSecret,
  port: Number(process.env.STRIPE_SIM_PORT ?? 12111),
  logger,
  ...(process.env.STRIPE_SIM_WEBHOOK_URL ? { webhookUrl: process.env.STRIPE_SIM_WEBHOOK_URL } : {}),
  ...(process.env.STRIPE_SIM_PUBLIC_URL ? { publicBaseUrl: process.env.STRIPE_SIM_PUBLIC_URL } : {}),
});
logger.info({ apiUrl: sim.apiUrl, webhookUrl: process.env.STRIPE_SIM_WEBHOOK_URL ?? null }, "Stripe stand-in listening (set STRIPE_API_URL to apiUrl)");
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    void sim.close().then(() => process.exit(0));
  });
}
