import { fileURLToPath } from "node:url";

import { defineConfig } from "vitest/config";

const EXAMPLE_WORKFLOWS = fileURLToPath(
  new URL("./test/fixtures/example/workflows.yaml", import.meta.url),
);

export default defineConfig({
  test: {
    include: ["test/reliability/**/*.test.ts"],
    globalSetup: ["test/support/globalSetup.ts"],
    env: { WORKFLOWS_FILE: EXAMPLE_WORKFLOWS },
    testTimeout: 240_000,
    pool: "forks",
  },
});
