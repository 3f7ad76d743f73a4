import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    // Most tests wait on sockets and timers, not the CPU: more files at once than cores keeps both busy.
    maxWorkers: 6,
    // Every test builds what it uses through factories (no module mocks, no import-time state), so a worker
    // may keep its loaded modules from one file to the next instead of importing grammY, Kysely and PGlite again.
    isolate: false,
    reporters: ["default"],
    // The product's tests, and each stand-in package's own (packages/*/vitest.config.ts): one run, one report.
    projects: [{ extends: true, test: { name: "product", include: ["test/**/*.test.ts"], globalSetup: ["test/global-setup.ts"] } }, "packages/*"],
  },
});
