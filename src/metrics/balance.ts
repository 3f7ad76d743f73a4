import type { EsimGoClient } from "../esimgo/index.ts";
import type { Logger } from "../logger.ts";
import type { Metrics } from "./port.ts";

/** The same client, with every balance it reads (checkout, `/balance`, the worker) recorded. */
export function observeBalance(client: EsimGoClient, metrics: Pick<Metrics, "balance">): EsimGoClient {
  return {
    ...client,
    getOrganisation: async () => {
      const organisation = await client.getOrganisation();
      metrics.balance(organisation.balanceMinor / 100);
      return organisation;
    },
  };
}

/**
 * Reads the balance now and then, so the gauge also follows top-ups and a quiet shop: reads otherwise happen only at
 * checkout. One request per interval and instance, far under eSIM Go's limit.
 */
export function refreshBalance(client: Pick<EsimGoClient, "getOrganisation">, intervalMs: number, logger: Logger): { stop(): void } {
  const read = () => void client.getOrganisation().catch((error: unknown) => logger.warn({ err: error }, "metrics: the eSIM Go balance could not be read"));
  read();
  const timer = setInterval(read, intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
