import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

import {
  AML_EVENT_TYPES,
  AZURE_EVENT_TYPES,
  SETTING_NAMES,
  WATCHED_EVENT_TYPES,
} from "../../shared/constants";
import {
  DEPLOYED_FUNCTION_ID,
  installMocks,
  invoked,
  loadProgram,
  type RegisteredResource,
  settle,
  valueOf,
} from "./pulumiMocks";
import { tempWorkflows } from "./tempWorkflows";

const LANDING =
  "/subscriptions/22222222-0000-0000-0000-000000000000/resourceGroups/landing-rg/providers/Microsoft.Storage/storageAccounts/landingzone";
const ARCHIVE =
  "/subscriptions/22222222-0000-0000-0000-000000000000/resourceGroups/archive-rg/providers/Microsoft.Storage/storageAccounts/archivedata";
const HUB =
  "/subscriptions/33333333-0000-0000-0000-000000000000/resourceGroups/iot-rg/providers/Microsoft.Devices/IotHubs/plant-hub";
const REGISTRY =
  "/subscriptions/33333333-0000-0000-0000-000000000000/resourceGroups/iot-rg/providers/Microsoft.ContainerRegistry/registries/plantacr";
const BLOBS = "/blobServices/default/containers/landing/blobs/";

// Full type names: the packaging step may run an older build of the compiler than the one under test.
const WORKFLOWS = `
workflows:
  - name: validate-registered-model
    on: ModelRegistered
    pipeline: pipelines/validate-model.yml
  - name: promote-approved
    on: ${WATCHED_EVENT_TYPES.modelTagsChanged}
    when: { tags: { approved: "true" } }
    pipeline: pipelines/validate-model.yml
  - name: retrain-on-landing
    on: ${AZURE_EVENT_TYPES.blobCreated}
    when: { subject: "${BLOBS}churn/*.csv" }
    pipeline: pipelines/validate-model.yml
    inputs: { model_name: "{{ data.url }}" }
  - name: retrain-on-history
    on: ${AZURE_EVENT_TYPES.blobCreated}
    when: { subject: "${BLOBS}churn-history/**/*.csv" }
    pipeline: pipelines/validate-model.yml
  - name: score-telemetry
    on: ${AZURE_EVENT_TYPES.deviceTelemetry}
    when: { subject: "devices/sensor-*" }
    pipeline: pipelines/validate-model.yml
`;

let resources: RegisteredResource[];
let workflows: ReturnType<typeof tempWorkflows>;
const warnings: string[] = [];
const named = (name: string) => resources.find((r) => r.name === name)?.inputs;
const ofType = (type: string) => resources.filter((r) => r.type === type);

beforeAll(async () => {
  workflows = tempWorkflows(WORKFLOWS);
  vi.spyOn(console, "warn").mockImplementation((message: unknown) => {
    warnings.push(String(message));
  });
  resources = installMocks(
    {
      "aml-event-workflows:workflowsFile": workflows.file,
      "aml-event-workflows:watchSchedule": "0 */5 * * * *",
      "aml-event-workflows:watchMaxReads": "250",
      "aml-event-workflows:archiveRetentionDays": "90",
      "aml-event-workflows:storageAccounts": JSON.stringify([
        LANDING,
        { id: ARCHIVE, systemTopic: { name: "archivedata-events" } },
      ]),
      "aml-event-workflows:eventSources": JSON.stringify([
        { id: HUB, topicType: "Microsoft.Devices.IoTHubs", location: "northeurope" },
        {
          id: REGISTRY,
          topicType: "Microsoft.ContainerRegistry.Registries",
          location: "westeurope",
        },
      ]),
    },
    "event-sources",
  );
  const program = await loadProgram();
  await valueOf(program.system_topic_subscription_id);
  await settle();
}, 60_000);

afterAll(() => {
  vi.restoreAllMocks();
  workflows.remove();
});

describe("the watcher's settings and state", () => {
  it("reach the app as WATCH_SCHEDULE and WATCH_MAX_READS, and every source's id as EVENT_SOURCES", () => {
    const settings = ofType("azure-native:web:WebAppApplicationSettings")[0]?.inputs
      .properties as Record<string, string>;
    expect(settings[SETTING_NAMES.watchSchedule]).toBe("0 */5 * * * *");
    expect(settings[SETTING_NAMES.watchMaxReads]).toBe("250");
    expect(settings[SETTING_NAMES.eventSources]).toBe([LANDING, ARCHIVE, HUB, REGISTRY].join(","));
  });

  it("keeps the event archive for archiveRetentionDays: the host account's lifecycle rule", () => {
    const [policy] = ofType("azure-native:storage:ManagementPolicy");
    expect(policy?.inputs).toMatchObject({
      accountName: "amlwfhost",
      managementPolicyName: "default",
    });
    expect(policy?.inputs.policy).toMatchObject({
      rules: [
        {
          definition: {
            filters: { blobTypes: ["appendBlob"], prefixMatch: ["event-archive/"] },
            actions: { baseBlob: { delete: { daysAfterModificationGreaterThan: 90 } } },
          },
        },
      ],
    });
    expect(named("amlwf-event-archive")).toMatchObject({ containerName: "event-archive" });
  });

  it("keeps its state in the watcher-state container of the host storage account", () => {
    expect(named("amlwf-watcher-state")).toMatchObject({
      containerName: "watcher-state",
      accountName: "amlwfhost",
      publicAccess: "None",
    });
  });
});

describe("the workspace's system topic subscription", () => {
  it("lists only Azure ML's types: Event Grid refuses the watcher's and other services' there", () => {
    // The SDK's default isSubjectCaseSensitive: false comes along; there is no subject filter.
    expect(named("amlwf-aml-to-function")?.filter).toEqual({
      includedEventTypes: [AML_EVENT_TYPES.modelRegistered],
      isSubjectCaseSensitive: false,
    });
  });

  it("while the domain's still lists every type the workflows listen to", () => {
    expect(
      (named("amlwf-domain-to-function")?.filter as { includedEventTypes: string[] })
        .includedEventTypes,
    ).toContain(WATCHED_EVENT_TYPES.modelTagsChanged);
  });
});

describe("storageAccounts", () => {
  it("gives an account a system topic in its resource group and region, through a provider for its subscription", () => {
    const topic = resources.find((r) => r.name === "amlwf-landingzone-storage-topic");
    expect(topic?.inputs).toMatchObject({
      source: LANDING,
      topicType: "Microsoft.Storage.StorageAccounts",
      resourceGroupName: "landing-rg",
      // Looked up: the mocks answer swedencentral for any account.
      location: "swedencentral",
      identity: { type: "SystemAssigned" },
    });
    expect(topic?.provider).toMatch(/amlwf-sources-22222222-0000-0000-0000-000000000000::/);
    expect(invoked.find((i) => i.token === "azure-native:storage:getStorageAccount")).toMatchObject(
      {
        inputs: { resourceGroupName: "landing-rg", accountName: "landingzone" },
        provider: expect.stringMatching(/amlwf-sources-22222222/) as string,
      },
    );
  });

  it("subscribes the function to the BlobCreated events the workflows' subjects allow, with the workspace's delivery", () => {
    expect(named("amlwf-landingzone-storage-to-function")).toMatchObject({
      resourceGroupName: "landing-rg",
      eventSubscriptionName: "trigger-pipelines",
      destination: { endpointType: "AzureFunction", resourceId: DEPLOYED_FUNCTION_ID },
      filter: {
        includedEventTypes: [AZURE_EVENT_TYPES.blobCreated],
        subjectBeginsWith: `${BLOBS}churn`,
        subjectEndsWith: ".csv",
      },
      retryPolicy: { maxDeliveryAttempts: 30, eventTimeToLiveInMinutes: 1440 },
      deadLetterWithResourceIdentity: {
        identity: { type: "SystemAssigned" },
        deadLetterDestination: { endpointType: "StorageBlob", blobContainerName: "deadletter" },
      },
    });
    expect(named("amlwf-landingzone-storage-topic-deadletter")).toMatchObject({
      principalId: "principal-of-amlwf-landingzone-storage-topic",
      scope: expect.stringMatching(/BlobContainer\/amlwf-deadletter$/) as string,
    });
  });

  it("attaches to an account's existing system topic when named, whose identity writes the dead letters", () => {
    expect(resources.find((r) => r.name === "amlwf-archivedata-storage-topic")).toBeUndefined();
    expect(named("amlwf-archivedata-storage-to-function")).toMatchObject({
      resourceGroupName: "archive-rg",
      systemTopicName: "archivedata-events",
      filter: { includedEventTypes: [AZURE_EVENT_TYPES.blobCreated] },
    });
    expect(named("amlwf-archivedata-storage-topic-deadletter")?.principalId).toBe(
      "principal-of-existing-topic",
    );
  });
});

describe("eventSources", () => {
  it("gives an IoT hub a system topic and a subscription for the device types workflows listen to", () => {
    expect(named("amlwf-plant-hub-devices-topic")).toMatchObject({
      source: HUB,
      topicType: "Microsoft.Devices.IoTHubs",
      location: "northeurope",
      resourceGroupName: "iot-rg",
    });
    // Case-insensitive (the SDK's default): wider than the function's globs, so it drops nothing they match.
    expect(named("amlwf-plant-hub-devices-to-function")?.filter).toEqual({
      includedEventTypes: [AZURE_EVENT_TYPES.deviceTelemetry],
      subjectBeginsWith: "devices/sensor-",
      isSubjectCaseSensitive: false,
    });
  });

  it("makes nothing for a source no workflow listens to, and says so", () => {
    expect(resources.filter((r) => r.name.startsWith("amlwf-plantacr-"))).toEqual([]);
    expect(warnings).toContainEqual(
      expect.stringContaining(
        `eventSources[1]: no workflow listens to a Microsoft.ContainerRegistry.* event, so ${REGISTRY} gets no Event Grid subscription`,
      ),
    );
  });

  it("watches each new topic's dead letters and sends its logs to the stack's workspace", () => {
    const alerted = ofType("azure-native:monitor:MetricAlert").map((a) =>
      String((a.inputs.scopes as string[])[0]),
    );
    expect(alerted).toContainEqual(expect.stringMatching(/amlwf-landingzone-storage-topic$/));
    expect(alerted).toContainEqual(expect.stringMatching(/amlwf-plant-hub-devices-topic$/));
    expect(named("amlwf-diag-plant-hub-devices-topic")?.resourceUri).toMatch(
      /amlwf-plant-hub-devices-topic$/,
    );
  });
});
