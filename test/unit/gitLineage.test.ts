import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { describe, expect, it } from "vitest";

import { gitLineage } from "../../shared/compile/pipeline/gitLineage";

function repo(): string {
  const dir = mkdtempSync(join(tmpdir(), "lineage-"));
  const git = (...args: string[]) =>
    execFileSync("git", ["-C", dir, ...args], {
      stdio: "ignore",
      env: { ...process.env, GIT_CONFIG_NOSYSTEM: "1" },
    });
  git("init", "-q", "-b", "release");
  git("config", "user.email", "ci@example.org");
  git("config", "user.name", "ci");
  git("remote", "add", "origin", "https://deploy-bot:s3cret-token@example.org/team/config.git");
  writeFileSync(join(dir, "workflows.yaml"), "workflows: []\n");
  git("add", ".");
  git("commit", "-q", "-m", "config");
  return dir;
}

describe("the config's git lineage, as azure-ai-ml writes it into a job's properties", () => {
  it("names the commit, branch and remote of the folder, without the credentials a remote URL may hold", () => {
    const dir = repo();
    const commit = execFileSync("git", ["-C", dir, "rev-parse", "HEAD"], {
      encoding: "utf8",
    }).trim();
    expect(gitLineage(dir, {})).toEqual({
      "mlflow.source.git.repoURL": "https://example.org/team/config.git",
      "mlflow.source.git.branch": "release",
      "mlflow.source.git.commit": commit,
      "azureml.git.dirty": "False",
    });
  });

  it("says when the folder has uncommitted changes", () => {
    const dir = repo();
    writeFileSync(join(dir, "workflows.yaml"), "workflows: [] # edited\n");
    expect(gitLineage(dir, {})["azureml.git.dirty"]).toBe("True");
  });

  it("takes CI's AZUREML_GIT_* variables over git, and gives nothing outside a checkout without them", () => {
    const outside = mkdtempSync(join(tmpdir(), "no-git-"));
    expect(gitLineage(outside, {})).toEqual({});
    expect(
      gitLineage(outside, {
        AZUREML_GIT_COMMIT: "abc123",
        AZUREML_GIT_DIRTY: "1",
        AZUREML_GIT_BUILD_ID: "42",
      }),
    ).toEqual({
      "mlflow.source.git.commit": "abc123",
      "azureml.git.dirty": "True",
      "azureml.git.build_id": "42",
    });
  });
});
