import { join } from "node:path";

import * as prettier from "prettier";
import { describe, expect, it } from "vitest";

import { REPO_ROOT } from "../support/samples";

describe("npm test and the user's own workflows", () => {
  it("leaves workflows/ to `npm run validate`: Prettier does not check the user's config", async () => {
    const info = (path: string) =>
      prettier.getFileInfo(join(REPO_ROOT, path), {
        ignorePath: join(REPO_ROOT, ".prettierignore"),
      });
    // A valid `tags: {stage: staging}` in the user's file used to fail `npm run lint`.
    expect((await info("workflows/workflows.yaml")).ignored).toBe(true);
    expect((await info("workflows/pipelines/validate-model.yml")).ignored).toBe(true);
    // The project's own YAML is still formatted.
    expect((await info("test/fixtures/example/workflows.yaml")).ignored).toBe(false);
  });
});
