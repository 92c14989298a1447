import { beforeAll, describe, expect, it } from "vitest";

import { checkCommonGraph } from "./commonChecks";
import { installMocks, type RegisteredResource, settle, valueOf } from "./pulumiMocks";

const WORKSPACE =
  "/subscriptions/99999999-2222-3333-4444-555555555555/resourceGroups/ml-prod/providers/Microsoft.MachineLearningServices/workspaces/prod-ws";
let resources: RegisteredResource[];
let program: typeof import("../../infra/index");

beforeAll(async () => {
  resources = installMocks({ "aml-event-workflows:amlWorkspaceId": WORKSPACE });
  program = await import("../../infra/index");
  await valueOf(program.system_topic_subscription_id);
  await settle();
}, 60_000);

describe("infra with amlWorkspaceId: uses the existing workspace", () => {
  it("creates no workspace, compute or key vault", () => {
    for (const type of [
      "azure-native:machinelearningservices:Workspace",
      "azure-native:machinelearningservices:Compute",
      "azure-native:keyvault:Vault",
    ]) {
      expect(
        resources.filter((r) => r.type === type),
        type,
      ).toHaveLength(0);
    }
    expect(resources.filter((r) => r.type === "azure-native:storage:StorageAccount")).toHaveLength(
      1,
    );
  });

  it("points the function, its role and the system topic at that workspace, in its resource group and region", async () => {
    checkCommonGraph(resources, WORKSPACE);
    expect(
      resources.find((r) => r.type === "azure-native:eventgrid:SystemTopic")?.inputs,
    ).toMatchObject({ resourceGroupName: "ml-prod", location: "northeurope" });
    expect(
      resources.find((r) => r.type === "azure-native:eventgrid:SystemTopicEventSubscription")
        ?.inputs,
    ).toMatchObject({ resourceGroupName: "ml-prod" });
    expect(await valueOf(program.workspace_id)).toBe(WORKSPACE);
  });
});
