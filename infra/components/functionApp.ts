import * as web from "@pulumi/azure-native/web";
import * as pulumi from "@pulumi/pulumi";

import { HOST_STORAGE_SETTINGS, SETTING_NAMES } from "../../shared/constants";
import { CONTAINERS } from "./storage";

/** What the function app needs from the rest of the stack. */
export interface FunctionAppInputs {
  prefix: string;
  resourceGroupName: pulumi.Input<string>;
  storageAccountName: pulumi.Input<string>;
  blobEndpoint: pulumi.Input<string>;
  insightsConnectionString: pulumi.Input<string>;
  workspaceId: pulumi.Input<string>;
  /** The other workspaces it serves (AML_WORKSPACES). */
  otherWorkspaceIds: string[];
  /** WORKFLOWS_FILE: the config the package holds, relative to the app root. */
  workflowsFile: string;
  nodeVersion: string;
  instanceMemoryMB: number;
  maximumInstanceCount: number;
  /** Whether Application Insights takes its connection string's key (else the app's identity). */
  localAuth: boolean;
  /** ARM_WRITES_PER_SECOND and ARM_WRITE_BURST: how much of the principal's write bucket the deployment may use. */
  armWritesPerSecond: number;
  armWriteBurst: number;
  /** WATCH_SCHEDULE (the watcher's timer reads it as `%WATCH_SCHEDULE%`) and WATCH_MAX_READS. */
  watchSchedule: string;
  watchMaxReads: number;
  /** EVENT_SOURCES: the storage accounts and other resources whose system topics the stack subscribes. */
  eventSourceIds: string[];
  /** The subnet the app joins (private networking): its outbound traffic goes through the network. */
  virtualNetworkSubnetId?: pulumi.Input<string>;
  /** The deployment container: Flex checks it when the app is created. */
  deploymentContainer: pulumi.Resource;
}

/**
 * A Flex Consumption (FC1) Linux function app with a system-assigned identity and identity-based
 * host storage. It gets no `siteConfig`: the SDK fills defaults into any siteConfig it is given
 * (netFrameworkVersion, http20Enabled, ...) that newer Flex stamps refuse (ARM error 51021), so the
 * app settings go through their own resource.
 */
export function functionApp(inputs: FunctionAppInputs, opts: pulumi.CustomResourceOptions) {
  const plan = new web.AppServicePlan(
    `${inputs.prefix}-plan`,
    {
      resourceGroupName: inputs.resourceGroupName,
      kind: "functionapp",
      reserved: true,
      sku: { name: "FC1", tier: "FlexConsumption" },
    },
    opts,
  );
  // No FUNCTIONS_WORKER_RUNTIME, FUNCTIONS_EXTENSION_VERSION or WEBSITE_RUN_FROM_PACKAGE on Flex.
  const appSettings: Record<string, pulumi.Input<string>> = {
    [HOST_STORAGE_SETTINGS.accountName]: inputs.storageAccountName,
    APPLICATIONINSIGHTS_CONNECTION_STRING: inputs.insightsConnectionString,
    // With local auth off, telemetry goes with the app's system-assigned identity.
    ...(inputs.localAuth ? {} : { APPLICATIONINSIGHTS_AUTHENTICATION_STRING: "Authorization=AAD" }),
    [SETTING_NAMES.amlWorkspaceId]: inputs.workspaceId,
    [SETTING_NAMES.workflowsFile]: inputs.workflowsFile,
    ...(inputs.otherWorkspaceIds.length > 0
      ? { [SETTING_NAMES.amlWorkspaces]: inputs.otherWorkspaceIds.join(",") }
      : {}),
    // The deployment's share of the principal's ARM write bucket; every instance reads what is left of it.
    [SETTING_NAMES.armWritesPerSecond]: String(inputs.armWritesPerSecond),
    [SETTING_NAMES.armWriteBurst]: String(inputs.armWriteBurst),
    [SETTING_NAMES.watchSchedule]: inputs.watchSchedule,
    [SETTING_NAMES.watchMaxReads]: String(inputs.watchMaxReads),
    // Other Azure services' events are believed only from these topics (Event Grid sets `topic`).
    ...(inputs.eventSourceIds.length > 0
      ? { [SETTING_NAMES.eventSources]: inputs.eventSourceIds.join(",") }
      : {}),
  };
  const app = new web.WebApp(
    `${inputs.prefix}-func`,
    {
      resourceGroupName: inputs.resourceGroupName,
      kind: "functionapp,linux",
      serverFarmId: plan.id,
      httpsOnly: true,
      identity: { type: web.ManagedServiceIdentityType.SystemAssigned },
      // Inbound stays public: Event Grid cannot deliver to a private endpoint
      // (learn.microsoft.com/azure/event-grid/consume-private-endpoints); it presents the
      // function's system key.
      ...(inputs.virtualNetworkSubnetId === undefined
        ? {}
        : { virtualNetworkSubnetId: inputs.virtualNetworkSubnetId }),
      functionAppConfig: {
        deployment: {
          storage: {
            type: "blobContainer",
            value: pulumi.interpolate`${inputs.blobEndpoint}${CONTAINERS.appPackage}`,
            authentication: { type: "SystemAssignedIdentity" },
          },
        },
        runtime: { name: "node", version: inputs.nodeVersion },
        scaleAndConcurrency: {
          instanceMemoryMB: inputs.instanceMemoryMB,
          maximumInstanceCount: inputs.maximumInstanceCount,
        },
      },
    },
    { ...opts, dependsOn: [inputs.deploymentContainer] },
  );
  const settings = new web.WebAppApplicationSettings(
    `${inputs.prefix}-func-settings`,
    { name: app.name, resourceGroupName: inputs.resourceGroupName, properties: appSettings },
    opts,
  );
  return { plan, app, settings };
}
