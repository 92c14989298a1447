import { describe, expect, it } from "vitest";

import { PLACEHOLDER_WORKSPACE_ID } from "../../shared/constants";
import { loadSettings } from "../../shared/settings";

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
});
