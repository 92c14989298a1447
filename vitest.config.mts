import { fileURLToPath } from "node:url";

import { defineConfig } from "vitest/config";

// Tests pin the example under test/fixtures, never the user's workflows/ (which teams edit).
const EXAMPLE_WORKFLOWS = fileURLToPath(
  new URL("./test/fixtures/example/workflows.yaml", import.meta.url),
);

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // The fault-injection and bad-input suites run with `npm run test:reliability`.
    exclude: ["test/reliability/**", "node_modules/**"],
    globalSetup: ["test/support/globalSetup.ts"],
    env: { WORKFLOWS_FILE: EXAMPLE_WORKFLOWS },
    testTimeout: 20_000,
    pool: "forks",
  },
});
