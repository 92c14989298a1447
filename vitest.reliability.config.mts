import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/reliability/**/*.test.ts"],
    globalSetup: ["test/support/globalSetup.ts"],
    testTimeout: 240_000,
    pool: "forks",
  },
});
