import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // The fault-injection and bad-input suites run with `npm run test:reliability`.
    exclude: ["test/reliability/**", "node_modules/**"],
    globalSetup: ["test/support/globalSetup.ts"],
    testTimeout: 20_000,
    pool: "forks",
    // GitHub's workflow parser imports its JSON schema without an import attribute, which only a
    // bundler resolves: let Vite transform it instead of Node loading it.
    server: { deps: { inline: ["@actions/workflow-parser"] } },
  },
});
