import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { describe, expect, it } from "vitest";

import { findProjectRoot, pinProjectPaths } from "../../scripts/cli/projectRoot";

function project(): string {
  const root = mkdtempSync(join(tmpdir(), "project-root-"));
  writeFileSync(join(root, "package.json"), "{}");
  mkdirSync(join(root, "workflows", "pipelines"), { recursive: true });
  return root;
}

describe("findProjectRoot", () => {
  it("is the nearest folder with a package.json at or above where the command runs", () => {
    const root = project();
    expect(findProjectRoot(join(root, "workflows", "pipelines"))).toBe(root);
    expect(findProjectRoot(root)).toBe(root);
  });

  it("is a nested package's own folder, not the outer one", () => {
    const root = project();
    const inner = join(root, "workflows");
    writeFileSync(join(inner, "package.json"), "{}");
    expect(findProjectRoot(join(inner, "pipelines"))).toBe(inner);
  });

  it("is the folder itself when nothing above holds a package.json", () => {
    const bare = mkdtempSync(join(tmpdir(), "no-package-"));
    expect(findProjectRoot(bare)).toBe(bare);
  });
});

describe("pinProjectPaths", () => {
  it("makes relative path settings, and the defaults of unset ones, absolute in the project", () => {
    const env: NodeJS.ProcessEnv = { WORKFLOWS_FILE: "config/flows.yaml", DRY_RUN_DIR: "" };
    pinProjectPaths(env, "/team");
    expect(env).toEqual({
      WORKFLOWS_FILE: join("/team", "config", "flows.yaml"),
      DRY_RUN_DIR: join("/team", ".local", "dry-run"),
      REJECTED_DIR: join("/team", ".local", "rejected-events"),
      WATCHER_STATE_DIR: join("/team", ".local", "watcher-state"),
      ARCHIVE_DIR: join("/team", ".local", "archive"),
      AZURITE_DATA_DIR: join("/team", ".local", "azurite"),
    });
  });

  it("leaves absolute paths as they are", () => {
    const env: NodeJS.ProcessEnv = { REJECTED_DIR: "/elsewhere/rejected" };
    pinProjectPaths(env, "/team");
    expect(env.REJECTED_DIR).toBe("/elsewhere/rejected");
  });
});
