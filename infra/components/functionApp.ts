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
  /** WORKFLOWS_FILE: the config the package holds, relative to the app root. */
  workflowsFile: string;
  nodeVersion: string;
  instanceMemoryMB: number;
  maximumInstanceCount: number;
}

/** A Flex Consumption (FC1) Linux function app with a system-assigned identity and identity-based host storage. */
export function functionApp(inputs: FunctionAppInputs) {
  const plan = new web.AppServicePlan(`${inputs.prefix}-plan`, {
    resourceGroupName: inputs.resourceGroupName,
    kind: "functionapp",
    reserved: true,
    sku: { name: "FC1", tier: "FlexConsumption" },
  });
  // No FUNCTIONS_WORKER_RUNTIME, FUNCTIONS_EXTENSION_VERSION or WEBSITE_RUN_FROM_PACKAGE on Flex.
  const appSettings: { name: string; value: pulumi.Input<string> }[] = [
    { name: HOST_STORAGE_SETTINGS.accountName, value: inputs.storageAccountName },
    { name: "APPLICATIONINSIGHTS_CONNECTION_STRING", value: inputs.insightsConnectionString },
    { name: SETTING_NAMES.amlWorkspaceId, value: inputs.workspaceId },
    { name: SETTING_NAMES.workflowsFile, value: inputs.workflowsFile },
  ];
  const app = new web.WebApp(`${inputs.prefix}-func`, {
    resourceGroupName: inputs.resourceGroupName,
    kind: "functionapp,linux",
    serverFarmId: plan.id,
    httpsOnly: true,
    identity: { type: web.ManagedServiceIdentityType.SystemAssigned },
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
    siteConfig: { appSettings, minTlsVersion: "1.2", ftpsState: "Disabled" },
  });
  return { plan, app, appSettings };
}
