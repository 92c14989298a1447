import * as storage from "@pulumi/azure-native/storage";
import type * as pulumi from "@pulumi/pulumi";

import { STORAGE_CONTAINERS } from "../../shared/constants";

/** Container names in the host storage account: the function writes to them too. */
export const CONTAINERS = STORAGE_CONTAINERS;

/** A storage account reachable only through Entra ID: shared keys and public blobs off. */
export function identityOnlyStorageAccount(
  name: string,
  resourceGroupName: pulumi.Input<string>,
  opts: pulumi.CustomResourceOptions,
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
    },
    opts,
  );
}

/** The function app's storage: host state, the deployment package, dead letters and rejected events. */
export function hostStorage(
  prefix: string,
  resourceGroupName: pulumi.Input<string>,
  opts: pulumi.CustomResourceOptions,
) {
  const account = identityOnlyStorageAccount(`${prefix}host`, resourceGroupName, opts);
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
  };
}
