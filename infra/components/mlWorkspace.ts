import * as authorization from "@pulumi/azure-native/authorization";
import * as keyvault from "@pulumi/azure-native/keyvault";
import * as ml from "@pulumi/azure-native/machinelearningservices";
import * as managedidentity from "@pulumi/azure-native/managedidentity";
import { Provider } from "@pulumi/azure-native/provider";
import * as pulumi from "@pulumi/pulumi";

import { parseWorkspaceId } from "../../shared/aml/workspace";
import { azureNativeStackConfig } from "../providerConfig";
import { grantRole, type PrincipalType } from "./roles";
import { identityOnlyStorageAccount } from "./storage";

/** The workspace jobs go to: its id, its resource group and its region (for the system topic). */
export interface WorkspaceRef {
  id: pulumi.Output<string>;
  resourceGroupName: pulumi.Output<string>;
  location: pulumi.Output<string>;
  /** The provider for the workspace's subscription (look-ups and the system topic live there). */
  provider?: pulumi.ProviderResource;
  /** What `register` and the cluster depend on before they write to the workspace's storage. */
  ready: pulumi.Resource[];
}

/**
 * An existing workspace, named by its ARM id; its region is read from Azure. The look-up and the
 * system topic go through a provider for the workspace's own subscription: a system topic cannot
 * live in another subscription than its source, and the default provider looks only in its own.
 */
export function existingWorkspace(
  prefix: string,
  id: string,
  opts: pulumi.CustomResourceOptions,
): WorkspaceRef {
  const parsed = parseWorkspaceId(id);
  if (!parsed.ok) throw new Error(`amlWorkspaceId: ${parsed.errors.join("; ")}`);
  // The stack's azure-native settings (credentials, cloud, location), for the workspace's subscription.
  const provider = new Provider(
    `${prefix}-workspace-subscription`,
    { ...azureNativeStackConfig(), subscriptionId: parsed.value.subscriptionId },
    opts,
  );
  const found = ml.getWorkspaceOutput(
    {
      resourceGroupName: parsed.value.resourceGroup,
      workspaceName: parsed.value.name,
    },
    { provider },
  );
  const location = found.apply((w) => {
    if (w.location === undefined) throw new Error(`workspace ${parsed.value.id} has no location`);
    return w.location;
  });
  return {
    id: pulumi.output(parsed.value.id),
    resourceGroupName: pulumi.output(parsed.value.resourceGroup),
    location,
    provider,
    ready: [],
  };
}

/** A new workspace with its storage (identity only), key vault, Application Insights and a CPU cluster that scales from 0. */
export function newWorkspace(
  prefix: string,
  resourceGroupName: pulumi.Input<string>,
  location: string,
  applicationInsightsId: pulumi.Input<string>,
  compute: { name: string; vmSize: string; maxNodes: number },
  /** Who runs `pulumi up`: a person ("User", the default) or a pipeline's service principal. */
  deployerType: pulumi.Input<PrincipalType>,
  purgeProtection: boolean,
  opts: pulumi.CustomResourceOptions,
): WorkspaceRef & {
  workspace: ml.Workspace;
  cluster: ml.Compute;
  clusterIdentity: managedidentity.UserAssignedIdentity;
} {
  const tenantId = authorization.getClientConfigOutput({ parent: opts.parent }).tenantId;
  const storage = identityOnlyStorageAccount(`${prefix}ml`, resourceGroupName, opts);
  const vault = new keyvault.Vault(
    `${prefix}-kv`,
    {
      resourceGroupName,
      properties: {
        tenantId,
        sku: { family: "A", name: "standard" },
        enableRbacAuthorization: true,
        enableSoftDelete: true,
        // Once on it cannot be turned off; a deleted vault is kept 90 days either way.
        ...(purgeProtection ? { enablePurgeProtection: true } : {}),
      },
    },
    opts,
  );
  const workspace = new ml.Workspace(
    `${prefix}-ws`,
    {
      resourceGroupName,
      identity: { type: "SystemAssigned" },
      sku: { name: "Basic", tier: "Basic" },
      storageAccount: storage.id,
      keyVault: vault.id,
      applicationInsights: applicationInsightsId,
      // The workspace reaches its storage through identity, so the account can keep shared keys off.
      systemDatastoresAuthMode: "identity",
    },
    opts,
  );
  // With shared keys off, jobs read model inputs and write outputs as the cluster's identity: a
  // user-assigned one holding the storage data roles (learn: how-to-disable-local-auth-storage).
  const clusterIdentity = new managedidentity.UserAssignedIdentity(
    `${prefix}-compute-identity`,
    { resourceGroupName },
    opts,
  );
  const clusterRoles = (
    ["storageBlobDataContributor", "storageFileDataPrivilegedContributor"] as const
  ).map((role) =>
    grantRole(`${prefix}-compute-${role}`, role, clusterIdentity.principalId, storage.id, opts),
  );
  // `register` (run by `pulumi up` as you) uploads code and data to that storage too.
  const deployer = authorization.getClientConfigOutput({ parent: opts.parent }).objectId;
  const deployerRoles = (
    ["storageBlobDataContributor", "storageFileDataPrivilegedContributor"] as const
  ).map((role) =>
    grantRole(`${prefix}-deployer-${role}`, role, deployer, storage.id, opts, deployerType),
  );
  const cluster = new ml.Compute(
    `${prefix}-${compute.name}`,
    {
      resourceGroupName,
      workspaceName: workspace.name,
      computeName: compute.name,
      identity: { type: "UserAssigned", userAssignedIdentities: [clusterIdentity.id] },
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
    },
    { ...opts, dependsOn: clusterRoles },
  );
  return {
    workspace,
    cluster,
    clusterIdentity,
    ready: [workspace, ...deployerRoles],
    id: workspace.id,
    resourceGroupName: pulumi.output(resourceGroupName),
    location: pulumi.output(location),
  };
}
