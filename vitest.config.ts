import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    // Most tests wait on sockets and timers, not the CPU: more files at once than cores keeps both busy.
    maxWorkers: 4,
    reporters: ["default"],
    // The product's tests, and each stand-in package's own (packages/*/vitest.config.ts): one run, one report.
    projects: [{ extends: true, test: { name: "product", include: ["test/**/*.test.ts"], globalSetup: ["test/global-setup.ts"] } }, "packages/*"],
  },
});
