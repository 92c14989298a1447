import * as authorization from "@pulumi/azure-native/authorization";
import * as keyvault from "@pulumi/azure-native/keyvault";
import * as ml from "@pulumi/azure-native/machinelearningservices";
import * as managedidentity from "@pulumi/azure-native/managedidentity";
import { Provider } from "@pulumi/azure-native/provider";
import * as pulumi from "@pulumi/pulumi";

import { parseWorkspaceId } from "../../shared/aml/workspace";
import { azureNativeStackConfig } from "../providerConfig";
import type { PrivateNetwork } from "./privateNetwork";
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

/** What a new workspace is made with. */
export interface NewWorkspaceInputs {
  resourceGroupName: pulumi.Input<string>;
  location: string;
  applicationInsightsId: pulumi.Input<string>;
  compute: { name: string; vmSize: string; maxNodes: number };
  /** Who runs `pulumi up`: a person ("User", the default) or a pipeline's service principal. */
  deployerType: pulumi.Input<PrincipalType>;
  purgeProtection: boolean;
  /** Private networking: the workspace, its storage and its vault are reached only through endpoints here. */
  network?: PrivateNetwork;
}

/** A new workspace with its storage (identity only), key vault, Application Insights and a CPU cluster that scales from 0. */
export function newWorkspace(
  prefix: string,
  inputs: NewWorkspaceInputs,
  opts: pulumi.CustomResourceOptions,
): WorkspaceRef & {
  workspace: ml.Workspace;
  cluster: ml.Compute;
  clusterIdentity: managedidentity.UserAssignedIdentity;
} {
  const tenantId = authorization.getClientConfigOutput({ parent: opts.parent }).tenantId;
  const { resourceGroupName, location, compute, network } = inputs;
  const storage = identityOnlyStorageAccount(
    `${prefix}ml`,
    resourceGroupName,
    opts,
    network !== undefined,
  );
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
        ...(inputs.purgeProtection ? { enablePurgeProtection: true } : {}),
        ...(network
          ? {
              publicNetworkAccess: "Disabled",
              networkAcls: { defaultAction: "Deny", bypass: "AzureServices" },
            }
          : {}),
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
      applicationInsights: inputs.applicationInsightsId,
      // The workspace reaches its storage through identity, so the account can keep shared keys off.
      systemDatastoresAuthMode: "identity",
      // Private: reached through its endpoint; jobs still go through ARM (v2 API), and clusters
      // run in the workspace's managed network (learn: how-to-configure-network-isolation-with-v2).
      ...(network
        ? {
            publicNetworkAccess: "Disabled",
            managedNetwork: { isolationMode: "AllowInternetOutbound" },
          }
        : {}),
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
    grantRole(`${prefix}-deployer-${role}`, role, deployer, storage.id, opts, inputs.deployerType),
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
          ...(network ? { enableNodePublicIp: false } : {}),
        },
      },
    },
    { ...opts, dependsOn: clusterRoles },
  );
  // `register` writes to the workspace's storage through these, from inside the network.
  const endpoints = network
    ? [
        network.privateEndpoint(`${prefix}-ws-pe`, workspace.id, "amlworkspace", opts),
        network.privateEndpoint(`${prefix}ml-blob-pe`, storage.id, "blob", opts),
        network.privateEndpoint(`${prefix}ml-file-pe`, storage.id, "file", opts),
        network.privateEndpoint(`${prefix}-kv-pe`, vault.id, "vault", opts),
      ].flatMap((e) => (e.zoneGroup ? [e.endpoint, e.zoneGroup] : [e.endpoint]))
    : [];
  return {
    workspace,
    cluster,
    clusterIdentity,
    ready: [workspace, ...deployerRoles, ...endpoints],
    id: workspace.id,
    resourceGroupName: pulumi.output(resourceGroupName),
    location: pulumi.output(location),
  };
}
