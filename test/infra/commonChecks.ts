import { expect } from "vitest";

import {
  AML_EVENT_TYPES,
  FUNCTION_NAMES,
  SETTING_NAMES,
  STORAGE_QUEUES,
} from "../../shared/constants";
import { DEPLOYED_FUNCTION_ID, type RegisteredResource, SUBSCRIPTION } from "./pulumiMocks";

const ROLE = (guid: string) =>
  `/subscriptions/${SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/${guid}`;

/** Checks both configurations share: storage, function app, roles, code deployment, subscriptions. */
export function checkCommonGraph(resources: RegisteredResource[], workspaceId: string): void {
  const ofType = (type: string) => resources.filter((r) => r.type === type);
  const one = (type: string) => {
    const found = ofType(type);
    expect(found, type).toHaveLength(1);
    return found[0]!.inputs as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  };

  for (const account of ofType("azure-native:storage:StorageAccount")) {
    expect(account.inputs, account.name).toMatchObject({
      allowSharedKeyAccess: false,
      allowBlobPublicAccess: false,
      minimumTlsVersion: "TLS1_2",
    });
  }
  expect(
    ofType("azure-native:storage:BlobContainer")
      .map((c) => c.inputs.containerName)
      .sort(),
  ).toEqual([
    "app-package",
    "coalesce-state",
    "deadletter",
    "event-archive",
    "rejected-events",
    "superseded-events",
    "watcher-state",
  ]);
  // The queue that closes coalescing windows and the one the host moves its failures to, both in
  // the host's own account: the queue trigger's connection is AzureWebJobsStorage.
  const queues = ofType("azure-native:storage:Queue").map((q) => q.inputs);
  expect(queues.map((q) => q.queueName).sort()).toEqual([
    STORAGE_QUEUES.coalesceWindows,
    `${STORAGE_QUEUES.coalesceWindows}-poison`,
  ]);
  for (const queue of queues)
    expect(queue).toMatchObject({ resourceGroupName: "amlwf-rg", accountName: "amlwfhost" });
  // The host account's one lifecycle policy: the event archive's append blobs go after 30 days.
  expect(one("azure-native:storage:ManagementPolicy")).toEqual({
    resourceGroupName: "amlwf-rg",
    accountName: "amlwfhost",
    managementPolicyName: "default",
    policy: {
      rules: [
        {
          name: "event-archive-retention",
          enabled: true,
          type: "Lifecycle",
          definition: {
            filters: { blobTypes: ["appendBlob"], prefixMatch: ["event-archive/"] },
            actions: { baseBlob: { delete: { daysAfterModificationGreaterThan: 30 } } },
          },
        },
      ],
    },
  });

  expect(one("azure-native:web:AppServicePlan")).toMatchObject({
    kind: "functionapp",
    reserved: true,
    sku: { name: "FC1", tier: "FlexConsumption" },
  });
  // Exactly these inputs: any siteConfig would carry the SDK's defaults (netFrameworkVersion,
  // http20Enabled, localMySqlEnabled), which newer Flex Consumption stamps refuse (error 51021).
  expect(one("azure-native:web:WebApp")).toEqual({
    resourceGroupName: "amlwf-rg",
    kind: "functionapp,linux",
    serverFarmId: expect.stringMatching(/AppServicePlan\/amlwf-plan$/) as string,
    httpsOnly: true,
    identity: { type: "SystemAssigned" },
    functionAppConfig: {
      runtime: { name: "node", version: "22" },
      deployment: {
        storage: {
          type: "blobContainer",
          value: "https://amlwfhost.blob.core.windows.net/app-package",
          authentication: { type: "SystemAssignedIdentity" },
        },
      },
      scaleAndConcurrency: { instanceMemoryMB: 2048, maximumInstanceCount: 40 },
    },
    // The SDK's own defaults for a WebApp; none is a site-config property.
    clientAffinityEnabled: false,
    hyperV: false,
    isXenon: false,
    scmSiteAlsoStopped: false,
    // The stack's tags, on every resource that takes tags.
    tags: expect.objectContaining({ project: "aml-event-workflows" }) as unknown,
  });
  const appSettings = one("azure-native:web:WebAppApplicationSettings");
  expect(appSettings).toMatchObject({ name: "amlwf-func", resourceGroupName: "amlwf-rg" });
  const settings = appSettings.properties as Record<string, string>;
  expect(settings[SETTING_NAMES.amlWorkspaceId]).toBe(workspaceId);
  // The whole bucket for the deployment, not a fixed share per instance: instances read what is left.
  expect(settings[SETTING_NAMES.armWritesPerSecond]).toBe("10");
  expect(settings[SETTING_NAMES.armWriteBurst]).toBe("200");
  // The watcher's timer reads its schedule as %WATCH_SCHEDULE%: once a minute unless the stack says otherwise.
  expect(settings[SETTING_NAMES.watchSchedule]).toBe("0 */1 * * * *");
  expect(settings[SETTING_NAMES.watchMaxReads]).toBe("1000");
  // No storage accounts or event sources: the function believes no other Azure service's events.
  expect(settings).not.toHaveProperty(SETTING_NAMES.eventSources);
  expect(settings.AzureWebJobsStorage__accountName).toMatch(/host/);
  for (const forbidden of [
    "FUNCTIONS_WORKER_RUNTIME",
    "FUNCTIONS_EXTENSION_VERSION",
    "WEBSITE_RUN_FROM_PACKAGE",
    "AzureWebJobsStorage",
  ])
    expect(settings).not.toHaveProperty(forbidden);
  for (const value of Object.values(settings))
    expect(value).not.toMatch(/AccountKey=|SharedAccessSignature|[?&]sig=|sv=20/i);

  const roles = ofType("azure-native:authorization:RoleAssignment").map(
    (r) =>
      r.inputs as {
        principalId: string;
        roleDefinitionId: string;
        scope: string;
        principalType: string;
      },
  );
  const appPrincipal = "principal-of-amlwf-func";
  expect(roles).toContainEqual(
    expect.objectContaining({
      principalId: appPrincipal,
      // In the workspace's subscription, which may not be the provider's.
      roleDefinitionId: `/subscriptions/${workspaceId.split("/")[2] ?? ""}/providers/Microsoft.Authorization/roleDefinitions/f6c7c914-8db3-469d-8ca1-694a8f32e121`,
      scope: workspaceId,
    }),
  );
  expect(roles).toContainEqual(
    expect.objectContaining({
      principalId: appPrincipal,
      roleDefinitionId: ROLE("b7e6dc6d-f1e8-4753-8033-0f276bb0955b"),
      scope: expect.stringMatching(/StorageAccount\/amlwfhost$/) as string,
    }),
  );
  // Storage Queue Data Contributor on the whole host account: the trigger takes and deletes window
  // messages and makes or fills the poison queue; the code sends window messages.
  expect(roles).toContainEqual(
    expect.objectContaining({
      principalId: appPrincipal,
      roleDefinitionId: ROLE("974c5e8b-45b9-4653-ba55-5f855dd0fb88"),
      scope: expect.stringMatching(/StorageAccount\/amlwfhost$/) as string,
    }),
  );
  expect(roles).toContainEqual(
    expect.objectContaining({
      principalId: appPrincipal,
      roleDefinitionId: ROLE("ba92f5b4-2d11-453d-a403-e96b0029c9fe"),
      scope: expect.stringMatching(/BlobContainer\/amlwf-rejected-events$/) as string,
    }),
  );
  for (const topic of ["principal-of-amlwf-events", "principal-of-amlwf-aml-topic"]) {
    expect(roles).toContainEqual(
      expect.objectContaining({
        principalId: topic,
        roleDefinitionId: ROLE("ba92f5b4-2d11-453d-a403-e96b0029c9fe"),
        scope: expect.stringMatching(/BlobContainer\/amlwf-deadletter$/) as string,
      }),
    );
  }
  // The role definition names the subscription of the scope it is granted on.
  for (const role of roles)
    expect(role.roleDefinitionId.split("/")[2]).toBe(role.scope.split("/")[2]);
  const services = roles.filter((r) => !r.principalId.startsWith("me"));
  expect(services.every((r) => r.principalType === "ServicePrincipal")).toBe(true);
  // With local auth off (the default), the app also publishes its telemetry with its identity.
  expect(roles).toContainEqual(
    expect.objectContaining({
      principalId: appPrincipal,
      roleDefinitionId: ROLE("3913510d-42f4-4e42-8a64-420c390055eb"),
      scope: expect.stringMatching(/Component\/amlwf-insights$/) as string,
    }),
  );
  expect(services.filter((r) => !r.principalId.includes("compute-identity"))).toHaveLength(7);

  const deploy = one("command:local:Command");
  // Relative paths: the same command line from another checkout does not redeploy.
  expect(deploy.create).toMatch(
    new RegExp(
      `^node dist/scripts/deployPackage\\.js --app-id /subscriptions/.*/amlwf-func --zip build/stacks/\\w+/function-app\\.zip --function ${FUNCTION_NAMES.triggerPipelines}$`,
    ),
  );
  expect(deploy).not.toHaveProperty("dir");
  expect(deploy.triggers).toEqual([expect.stringMatching(/^[0-9a-f]{64}$/)]);

  expect(one("azure-native:eventgrid:Domain")).toMatchObject({
    inputSchema: "EventGridSchema",
    identity: { type: "SystemAssigned" },
    autoDeleteTopicWithLastSubscription: false,
  });
  expect(one("azure-native:eventgrid:DomainTopic")).toMatchObject({ domainTopicName: "ml-events" });
  expect(ofType("azure-native:eventgrid:Topic")).toHaveLength(0);
  expect(one("azure-native:eventgrid:SystemTopic")).toMatchObject({
    source: workspaceId,
    topicType: "Microsoft.MachineLearningServices.Workspaces",
    identity: { type: "SystemAssigned" },
  });

  const expectedSubscription = {
    eventSubscriptionName: "trigger-pipelines",
    // The destination is the deployment step's output: no subscription before the code is live.
    destination: {
      endpointType: "AzureFunction",
      resourceId: DEPLOYED_FUNCTION_ID,
      maxEventsPerBatch: 1,
      preferredBatchSizeInKilobytes: 64,
    },
    filter: { includedEventTypes: [AML_EVENT_TYPES.modelRegistered] },
    eventDeliverySchema: "EventGridSchema",
    // 30, not Event Grid's 3: a cold start's refusals must not dead-letter within a minute.
    retryPolicy: { maxDeliveryAttempts: 30, eventTimeToLiveInMinutes: 1440 },
    deadLetterWithResourceIdentity: {
      identity: { type: "SystemAssigned" },
      deadLetterDestination: { endpointType: "StorageBlob", blobContainerName: "deadletter" },
    },
  };
  expect(one("azure-native:eventgrid:EventSubscription")).toMatchObject({
    ...expectedSubscription,
    scope: expect.stringMatching(/DomainTopic\/amlwf-ml-events$/) as string,
  });
  expect(one("azure-native:eventgrid:SystemTopicEventSubscription")).toMatchObject(
    expectedSubscription,
  );
  const order = resources.map((r) => r.type);
  // The deployment container exists before the app (Flex checks it), the settings before the code.
  expect(order.indexOf("azure-native:web:WebApp")).toBeGreaterThan(
    resources.findIndex((r) => r.name === "amlwf-app-package"),
  );
  expect(order.indexOf("command:local:Command")).toBeGreaterThan(
    order.indexOf("azure-native:web:WebAppApplicationSettings"),
  );
  expect(order.indexOf("azure-native:eventgrid:EventSubscription")).toBeGreaterThan(
    order.indexOf("command:local:Command"),
  );
  expect(order.indexOf("azure-native:eventgrid:SystemTopicEventSubscription")).toBeGreaterThan(
    order.indexOf("command:local:Command"),
  );
}
