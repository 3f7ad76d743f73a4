import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: "forks",
    reporters: ["default"],
    // The product's tests, and each stand-in package's own (packages/*/vitest.config.ts): one run, one report.
    projects: [{ extends: true, test: { name: "product", include: ["test/**/*.test.ts"], globalSetup: ["test/global-setup.ts"] } }, "packages/*"],
  },
});
