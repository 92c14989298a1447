import * as authorization from "@pulumi/azure-native/authorization";
import * as keyvault from "@pulumi/azure-native/keyvault";
import * as ml from "@pulumi/azure-native/machinelearningservices";
import * as pulumi from "@pulumi/pulumi";

import { parseWorkspaceId } from "../../shared/aml/workspace";
import { identityOnlyStorageAccount } from "./storage";

/** The workspace jobs go to: its id, its resource group and its region (for the system topic). */
export interface WorkspaceRef {
  id: pulumi.Output<string>;
  resourceGroupName: pulumi.Output<string>;
  location: pulumi.Output<string>;
}

/** An existing workspace, named by its ARM id; its region is read from Azure. */
export function existingWorkspace(id: string): WorkspaceRef {
  const parsed = parseWorkspaceId(id);
  if (!parsed.ok) throw new Error(`amlWorkspaceId: ${parsed.errors.join("; ")}`);
  const found = ml.getWorkspaceOutput({
    resourceGroupName: parsed.value.resourceGroup,
    workspaceName: parsed.value.name,
  });
  const location = found.apply((w) => {
    if (w.location === undefined) throw new Error(`workspace ${parsed.value.id} has no location`);
    return w.location;
  });
  return {
    id: pulumi.output(parsed.value.id),
    resourceGroupName: pulumi.output(parsed.value.resourceGroup),
    location,
  };
}

/** A new workspace with its storage (identity only), key vault, Application Insights and a CPU cluster that scales from 0. */
export function newWorkspace(
  prefix: string,
  resourceGroupName: pulumi.Input<string>,
  location: string,
  applicationInsightsId: pulumi.Input<string>,
  compute: { name: string; vmSize: string; maxNodes: number },
): WorkspaceRef & { workspace: ml.Workspace; cluster: ml.Compute } {
  const tenantId = authorization.getClientConfigOutput().tenantId;
  const storage = identityOnlyStorageAccount(`${prefix}ml`, resourceGroupName);
  const vault = new keyvault.Vault(`${prefix}-kv`, {
    resourceGroupName,
    properties: {
      tenantId,
      sku: { family: "A", name: "standard" },
      enableRbacAuthorization: true,
      enableSoftDelete: true,
    },
  });
  const workspace = new ml.Workspace(`${prefix}-ws`, {
    resourceGroupName,
    identity: { type: "SystemAssigned" },
    sku: { name: "Basic", tier: "Basic" },
    storageAccount: storage.id,
    keyVault: vault.id,
    applicationInsights: applicationInsightsId,
    // The workspace reaches its storage through identity, so the account can keep shared keys off.
    systemDatastoresAuthMode: "identity",
  });
  const cluster = new ml.Compute(`${prefix}-${compute.name}`, {
    resourceGroupName,
    workspaceName: workspace.name,
    computeName: compute.name,
    identity: { type: "SystemAssigned" },
    properties: {
      computeType: "AmlCompute",
      properties: {
        vmSize: compute.vmSize,
        vmPriority: "Dedicated",
        scaleSettings: {
          minNodeCount: 0,
          maxNodeCount: compute.maxNodes,
          nodeIdleTimeBeforeScaleDown: "PT120S",
        },
      },
    },
  });
  return {
    workspace,
    cluster,
    id: workspace.id,
    resourceGroupName: pulumi.output(resourceGroupName),
    location: pulumi.output(location),
  };
}
