import { defineConfig } from "vitest/config";
import { BaseSequencer, type TestSpecification } from "vitest/node";

/**
 * Files that take longest (child processes, many journeys), started first so that none of them begins near the end
 * of the run: on a fresh clone vitest has no timings yet and would start them by file size.
 */
const SLOW_FILES = [
  "test/startup.test.ts",
  "test/db.test.ts",
  "test/catalogue/catalogue.test.ts",
  "test/fulfilment/money-path.test.ts",
  "test/production-start.test.ts",
  "test/esimgo/client.test.ts",
  "test/payments/webhook.test.ts",
  "test/esims/esims.test.ts",
  "test/fulfilment/reconcile.test.ts",
];

class SlowFilesFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (file: TestSpecification) => {
      const index = SLOW_FILES.findIndex((slow) => file.moduleId.endsWith(slow));
      return index === -1 ? SLOW_FILES.length : index;
    };
    return (await super.sort(files)).sort((a, b) => rank(a) - rank(b));
  }
}

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    // Most tests wait on sockets and timers, not the CPU: more files at once than cores keeps both busy. Measured on
    // two cores: 4 beats 3 (idle cores) and 6 (each worker loads its own modules and PGlite: CPU contention).
    maxWorkers: 4,
    // Every test builds what it uses through factories (no module mocks, no import-time state), so a worker
    // may keep its loaded modules from one file to the next instead of importing grammY, Kysely and PGlite again.
    isolate: false,
    sequence: { sequencer: SlowFilesFirst },
    reporters: ["default"],
    // The product's tests, and each stand-in package's own (packages/*/vitest.config.ts): one run, one report.
    projects: [{ extends: true, test: { name: "product", include: ["test/**/*.test.ts"], globalSetup: ["test/global-setup.ts"] } }, "packages/*"],
  },
});
