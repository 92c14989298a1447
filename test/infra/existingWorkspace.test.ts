import { beforeAll, describe, expect, it } from "vitest";

import { checkCommonGraph } from "./commonChecks";
import {
  installMocks,
  invoked,
  loadProgram,
  type RegisteredResource,
  settle,
  valueOf,
} from "./pulumiMocks";

const WORKSPACE =
  "/subscriptions/99999999-2222-3333-4444-555555555555/resourceGroups/ml-prod/providers/Microsoft.MachineLearningServices/workspaces/prod-ws";
let resources: RegisteredResource[];
let program: typeof import("../../infra/index");

beforeAll(async () => {
  // A stack of its own: its package is built in build/stacks/existing/, apart from the other suites'.
  resources = installMocks({ "aml-event-workflows:amlWorkspaceId": WORKSPACE }, "existing");
  program = await loadProgram();
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

describe("infra with a workspace in another subscription", () => {
  it("looks the workspace up and creates its system topic through a provider for the workspace's subscription", () => {
    const provider = resources.find((r) => r.type === "pulumi:providers:azure-native");
    expect(provider?.inputs).toMatchObject({
      subscriptionId: "99999999-2222-3333-4444-555555555555",
    });
    const viaProvider = (ref: string | undefined) =>
      ref?.includes(`pulumi:providers:azure-native::${provider?.name ?? "?"}::`) === true;
    expect(
      viaProvider(
        invoked.find((i) => i.token === "azure-native:machinelearningservices:getWorkspace")
          ?.provider,
      ),
    ).toBe(true);
    for (const type of [
      "azure-native:eventgrid:SystemTopic",
      "azure-native:eventgrid:SystemTopicEventSubscription",
    ])
      expect(viaProvider(resources.find((r) => r.type === type)?.provider), type).toBe(true);
    // The function app and the rest of the stack stay with the default provider.
    expect(viaProvider(resources.find((r) => r.type === "azure-native:web:WebApp")?.provider)).toBe(
      false,
    );
  });
});
