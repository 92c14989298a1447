import * as storage from "@pulumi/azure-native/storage";
import type * as pulumi from "@pulumi/pulumi";

import { STORAGE_CONTAINERS } from "../../shared/constants";

/** Container names in the host storage account: the function writes to them too. */
export const CONTAINERS = STORAGE_CONTAINERS;

/**
 * A storage account reachable only through Entra ID: shared keys and public blobs off. Private, it
 * takes no public traffic but from Azure's trusted services (Event Grid's dead letters, with the
 * topic's system identity: learn.microsoft.com/azure/storage/common/storage-network-security-overview).
 */
export function identityOnlyStorageAccount(
  name: string,
  resourceGroupName: pulumi.Input<string>,
  opts: pulumi.CustomResourceOptions,
  privateAccess = false,
): storage.StorageAccount {
  return new storage.StorageAccount(
    name,
    {
      resourceGroupName,
      kind: storage.Kind.StorageV2,
      sku: { name: storage.SkuName.Standard_LRS },
      allowSharedKeyAccess: false,
      allowBlobPublicAccess: false,
      defaultToOAuthAuthentication: true,
      minimumTlsVersion: storage.MinimumTlsVersion.TLS1_2,
      enableHttpsTrafficOnly: true,
      ...(privateAccess
        ? {
            publicNetworkAccess: storage.PublicNetworkAccess.Disabled,
            networkRuleSet: {
              defaultAction: storage.DefaultAction.Deny,
              bypass: storage.Bypass.AzureServices,
            },
          }
        : {}),
    },
    opts,
  );
}

/** The function app's storage: host state, the deployment package, dead letters, rejected events and the watcher's state. */
export function hostStorage(
  prefix: string,
  resourceGroupName: pulumi.Input<string>,
  opts: pulumi.CustomResourceOptions,
  privateAccess = false,
) {
  const account = identityOnlyStorageAccount(
    `${prefix}host`,
    resourceGroupName,
    opts,
    privateAccess,
  );
  const container = (key: keyof typeof CONTAINERS) =>
    new storage.BlobContainer(
      `${prefix}-${CONTAINERS[key]}`,
      {
        resourceGroupName,
        accountName: account.name,
        containerName: CONTAINERS[key],
        publicAccess: storage.PublicAccess.None,
      },
      opts,
    );
  return {
    account,
    appPackage: container("appPackage"),
    deadLetter: container("deadLetter"),
    rejectedEvents: container("rejectedEvents"),
    watcherState: container("watcherState"),
  };
}
