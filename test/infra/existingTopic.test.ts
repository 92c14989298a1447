import { beforeAll, describe, expect, it } from "vitest";

import { installMocks, loadProgram, type RegisteredResource, settle, valueOf } from "./pulumiMocks";

const WORKSPACE =
  "/subscriptions/88888888-2222-3333-4444-555555555555/resourceGroups/ml-team/providers/Microsoft.MachineLearningServices/workspaces/team-ws";
let resources: RegisteredResource[];

beforeAll(async () => {
  // A stack of its own: its package is built in build/stacks/existing-topic/.
  resources = installMocks(
    {
      "aml-event-workflows:amlWorkspaceId": WORKSPACE,
      "aml-event-workflows:amlSystemTopicName": "ws-topic-1234",
      // Stack config for the default provider, which the workspace's provider must carry too.
      "azure-native:clientId": "00000000-aaaa-bbbb-cccc-000000000001",
      "azure-native:tenantId": "00000000-aaaa-bbbb-cccc-000000000002",
      "azure-native:useOidc": "true",
      // A platform team's own resource group and choices.
      "aml-event-workflows:resourceGroupName": "platform-ml-rg",
      "aml-event-workflows:localAuth": "true",
      "aml-event-workflows:diagnostics": "false",
    },
    "existing-topic",
  );
  const program = await loadProgram();
  await valueOf(program.system_topic_subscription_id);
  await settle();
}, 60_000);

describe("amlSystemTopicName: the existing workspace's own system topic", () => {
  it("gets the subscription instead of a second topic, and its identity writes the dead letters", () => {
    expect(resources.filter((r) => r.type === "azure-native:eventgrid:SystemTopic")).toEqual([]);
    expect(
      resources.find((r) => r.type === "azure-native:eventgrid:SystemTopicEventSubscription")
        ?.inputs,
    ).toMatchObject({
      resourceGroupName: "ml-team",
      systemTopicName: "ws-topic-1234",
      eventSubscriptionName: "trigger-pipelines",
    });
    expect(resources.find((r) => r.name === "amlwf-aml-topic-deadletter")?.inputs).toMatchObject({
      principalId: "principal-of-existing-topic",
      scope: expect.stringMatching(/BlobContainer\/amlwf-deadletter$/) as string,
    });
  });
});

describe("the provider for the workspace's subscription", () => {
  it("carries the stack's azure-native settings (credentials, location), not only the subscription", () => {
    const provider = resources.find((r) => r.type === "pulumi:providers:azure-native");
    // The provider's schema marks credentials secret: the mocks see them wrapped.
    const plain = Object.fromEntries(
      Object.entries(provider?.inputs ?? {}).map(([key, value]) => [
        key,
        typeof value === "object" && value !== null && "value" in value ? value.value : value,
      ]),
    );
    expect(plain).toMatchObject({
      subscriptionId: "88888888-2222-3333-4444-555555555555",
      clientId: "00000000-aaaa-bbbb-cccc-000000000001",
      tenantId: "00000000-aaaa-bbbb-cccc-000000000002",
      location: "westeurope",
    });
    expect(String(plain.useOidc)).toBe("true");
  });
});

describe("resourceGroupName, localAuth and diagnostics set by the stack", () => {
  it("deploys into the existing resource group instead of creating one", () => {
    expect(resources.filter((r) => r.type === "azure-native:resources:ResourceGroup")).toEqual([]);
    for (const type of [
      "azure-native:storage:StorageAccount",
      "azure-native:web:WebApp",
      "azure-native:eventgrid:Domain",
    ])
      expect(resources.find((r) => r.type === type)?.inputs.resourceGroupName, type).toBe(
        "platform-ml-rg",
      );
  });

  it("keeps local auth when asked, and makes no diagnostic settings when they are off", () => {
    expect(
      resources.find((r) => r.type === "azure-native:eventgrid:Domain")?.inputs.disableLocalAuth,
    ).toBe(false);
    expect(resources.filter((r) => r.type === "azure-native:monitor:DiagnosticSetting")).toEqual(
      [],
    );
    expect(resources.find((r) => r.name === "amlwf-func-telemetry")).toBeUndefined();
  });
});

describe("alerts without alertEmails", () => {
  it("are made all the same, with no action group; an existing topic's dead letters are not ours to watch", () => {
    expect(resources.filter((r) => r.type === "azure-native:monitor:ActionGroup")).toEqual([]);
    const deadLetters = resources.filter((r) => r.type === "azure-native:monitor:MetricAlert");
    expect(deadLetters.map((a) => String((a.inputs.scopes as string[])[0]))).toEqual([
      expect.stringMatching(/Domain\/amlwf-events$/),
    ]);
    expect(deadLetters[0]?.inputs.actions).toEqual([]);
    const rule = resources.find((r) => r.type === "azure-native:monitor:ScheduledQueryRule");
    expect(rule?.inputs.actions).toBeUndefined();
  });
});
