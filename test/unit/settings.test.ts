import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { describe, expect, it } from "vitest";

import { PLACEHOLDER_WORKSPACE_ID } from "../../shared/constants";
import { loadSettings, workflowsFileProblem } from "../../shared/settings";

const WS =
  "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/ml-rg/providers/Microsoft.MachineLearningServices/workspaces/ml-ws";

describe("loadSettings", () => {
  it("defaults to dry-run against the placeholder workspace and the public ARM endpoint", () => {
    const result = loadSettings({}, "/app");
    expect(result).toMatchObject({
      ok: true,
      value: {
        target: { kind: "dry-run", dir: "/app/.local/dry-run" },
        armEndpoint: "https://management.azure.com",
        armScope: "https://management.azure.com/.default",
        workflowsFile: "/app/workflows/workflows.yaml",
        submitBudgetMs: 20000,
      },
    });
    expect(result.ok && result.value.target.workspace.id).toBe(PLACEHOLDER_WORKSPACE_ID);
  });

  it("reads a workspace and a sovereign-cloud endpoint; the token scope follows the endpoint", () => {
    const result = loadSettings(
      { AML_WORKSPACE_ID: `${WS}/`, ARM_ENDPOINT: "https://management.chinacloudapi.cn/" },
      "/app",
    );
    expect(result).toMatchObject({
      ok: true,
      value: {
        target: { kind: "azure", workspace: { id: WS, name: "ml-ws", resourceGroup: "ml-rg" } },
        armScope: "https://management.chinacloudapi.cn/.default",
      },
    });
  });

  it("names every bad setting and why", () => {
    const result = loadSettings(
      {
        AML_WORKSPACE_ID: "ml-ws",
        ARM_ENDPOINT: "http://management.azure.com",
        SUBMIT_BUDGET_MS: "60000",
      },
      "/app",
    );
    expect(result.ok).toBe(false);
    const errors = !result.ok ? result.errors : [];
    expect(errors).toHaveLength(3);
    expect(errors[0]).toMatch(/^AML_WORKSPACE_ID: "ml-ws" is not an Azure ML workspace id/);
    expect(errors[1]).toMatch(/^ARM_ENDPOINT: .* must be an https:\/\/ origin/);
    expect(errors[2]).toMatch(/^SUBMIT_BUDGET_MS: "60000" must be a whole number/);
  });

  it("refuses a DRY_RUN_DIR or REJECTED_DIR that is a file", () => {
    const app = mkdtempSync(join(tmpdir(), "app-"));
    writeFileSync(join(app, "notes.txt"), "");
    const result = loadSettings({ DRY_RUN_DIR: "notes.txt", REJECTED_DIR: "notes.txt" }, app);
    expect(!result.ok && result.errors).toEqual([
      `DRY_RUN_DIR: "notes.txt" resolves to ${join(app, "notes.txt")}, a file, not a folder`,
      `REJECTED_DIR: "notes.txt" resolves to ${join(app, "notes.txt")}, a file, not a folder`,
    ]);
  });
});

describe("workflowsFileProblem", () => {
  it("names WORKFLOWS_FILE and the path it resolves to when nothing is there", () => {
    const app = mkdtempSync(join(tmpdir(), "app-"));
    expect(workflowsFileProblem({ WORKFLOWS_FILE: "workflows/workflow.yaml" }, app)).toBe(
      `WORKFLOWS_FILE: "workflows/workflow.yaml" resolves to ${join(app, "workflows", "workflow.yaml")}, which does not exist`,
    );
    expect(workflowsFileProblem({ WORKFLOWS_FILE: "." }, app)).toMatch(
      /resolves to .*, a folder, not a workflows file$/,
    );
    writeFileSync(join(app, "w.yaml"), "");
    expect(workflowsFileProblem({ WORKFLOWS_FILE: "w.yaml" }, app)).toBeUndefined();
    // Unset, the default is left to the workflows loader.
    expect(workflowsFileProblem({}, app)).toBeUndefined();
  });
});
