import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // The fault-injection and bad-input suites run with `npm run test:reliability`.
    exclude: ["test/reliability/**", "node_modules/**"],
    globalSetup: ["test/support/globalSetup.ts"],
    testTimeout: 20_000,
    pool: "forks",
  },
});
