import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

import { AZURE_EVENT_TYPES, SETTING_NAMES } from "../../shared/constants";
import { installMocks, loadProgram, type RegisteredResource, settle, valueOf } from "./pulumiMocks";
import { tempWorkflows } from "./tempWorkflows";

const LANDING =
  "/subscriptions/22222222-0000-0000-0000-000000000000/resourceGroups/landing-rg/providers/Microsoft.Storage/storageAccounts/landingzone";

let resources: RegisteredResource[];
let workflows: ReturnType<typeof tempWorkflows>;
let subscriptionId: string | undefined;
const warnings: string[] = [];

// Only device telemetry, and a storage account listed that no workflow wants.
beforeAll(async () => {
  workflows = tempWorkflows(`
workflows:
  - name: score-telemetry
    on: ${AZURE_EVENT_TYPES.deviceTelemetry}
    pipeline: pipelines/validate-model.yml
`);
  vi.spyOn(console, "warn").mockImplementation((message: unknown) => {
    warnings.push(String(message));
  });
  resources = installMocks(
    {
      "aml-event-workflows:workflowsFile": workflows.file,
      "aml-event-workflows:storageAccounts": JSON.stringify([LANDING]),
    },
    "no-workspace-events",
  );
  const program = await loadProgram();
  subscriptionId = await valueOf(program.system_topic_subscription_id);
  await settle();
}, 60_000);

afterAll(() => {
  vi.restoreAllMocks();
  workflows.remove();
});

describe("workflows that listen to no Azure ML event type", () => {
  it("give the workspace no subscription: an empty type list would pass every event", () => {
    expect(
      resources.filter((r) =>
        [
          "azure-native:eventgrid:SystemTopic",
          "azure-native:eventgrid:SystemTopicEventSubscription",
        ].includes(r.type),
      ),
    ).toEqual([]);
    expect(subscriptionId).toBeUndefined();
  });
});

describe("storageAccounts no workflow listens to", () => {
  it("get no topic or subscription, with a warning, and stay in EVENT_SOURCES", () => {
    expect(warnings).toContainEqual(
      expect.stringContaining(
        `storageAccounts[0]: no workflow listens to a Microsoft.Storage.* event, so ${LANDING} gets no Event Grid subscription`,
      ),
    );
    const settings = resources.find((r) => r.type === "azure-native:web:WebAppApplicationSettings")
      ?.inputs.properties as Record<string, string>;
    expect(settings[SETTING_NAMES.eventSources]).toBe(LANDING);
  });

  it("and a workflow on an Azure service's event that no listed source publishes is named", () => {
    expect(warnings).toContainEqual(
      expect.stringContaining(
        `a workflow listens to ${AZURE_EVENT_TYPES.deviceTelemetry}, but no source in storageAccounts or eventSources is subscribed to it`,
      ),
    );
  });
});
