import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "sim-kit",
    include: ["test/**/*.test.ts"],
  },
});
