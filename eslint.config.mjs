// @ts-check
import js from "@eslint/js";
import simpleImportSort from "eslint-plugin-simple-import-sort";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: [
      "dist/**",
      "build/**",
      "infra/bin/**",
      ".local/**",
      "node_modules/**",
      "eslint.config.mjs",
      // Checked where it belongs: in a project init makes (test/integration/init.test.ts).
      "templates/**",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { "simple-import-sort": simpleImportSort },
    rules: {
      eqeqeq: ["error", "always"],
      "simple-import-sort/imports": "error",
      "simple-import-sort/exports": "error",
      "@typescript-eslint/restrict-template-expressions": ["error", { allowNumber: true }],
    },
  },
  {
    // Deferred require() of heavy SDKs, so cold starts load them only when needed (scripts/packaging).
    files: [
      "shared/aml/lazyCredential.ts",
      "shared/rejections/blobRejectionStore.ts",
      "shared/coalesce/storageWindowQueue.ts",
    ],
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
  {
    files: ["test/**"],
    rules: { "@typescript-eslint/no-non-null-assertion": "off" },
  },
);
