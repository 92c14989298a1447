import * as storage from "@pulumi/azure-native/storage";
import type * as pulumi from "@pulumi/pulumi";

import { STORAGE_CONTAINERS, STORAGE_QUEUES } from "../../shared/constants";

/** Container names in the host storage account: the function writes to them too. */
export const CONTAINERS = STORAGE_CONTAINERS;

/**
 * Where the Functions host moves a message that failed `maxDequeueCount` times: `<queue>-poison`
 * (https://learn.microsoft.com/azure/azure-functions/functions-bindings-storage-queue-trigger#poison-messages).
 */
export const poisonQueueOf = (queueName: string): string => `${queueName}-poison`;

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

/**
 * The account's lifecycle policy (an account has one, named `default`; the stack owns the host
 * account's): append blobs under `event-archive/` are deleted `days` days after their last write.
 * Delete is the only lifecycle action append blobs support, and a prefix starts with the container
 * name (https://learn.microsoft.com/azure/storage/blobs/lifecycle-management-overview); a run can
 * take up to 24 h to start after a change, and deletes are not billed.
 */
export function archiveRetention(
  name: string,
  resourceGroupName: pulumi.Input<string>,
  accountName: pulumi.Input<string>,
  days: number,
  opts: pulumi.CustomResourceOptions,
): storage.ManagementPolicy {
  return new storage.ManagementPolicy(
    name,
    {
      resourceGroupName,
      accountName,
      managementPolicyName: "default",
      policy: {
        rules: [
          {
            name: "event-archive-retention",
            enabled: true,
            type: storage.RuleType.Lifecycle,
            definition: {
              filters: {
                blobTypes: ["appendBlob"],
                prefixMatch: [`${CONTAINERS.eventArchive}/`],
              },
              // An hour's blob is last written within the hour: modification time is its age.
              actions: { baseBlob: { delete: { daysAfterModificationGreaterThan: days } } },
            },
          },
        ],
      },
    },
    opts,
  );
}

/**
 * The function app's storage: host state, the deployment package, dead letters, rejected events,
 * the watcher's state, the event archive (with its retention rule), the coalescing windows' state
 * and superseded events, and the queue that closes windows with its poison queue.
 */
export function hostStorage(
  prefix: string,
  resourceGroupName: pulumi.Input<string>,
  opts: pulumi.CustomResourceOptions,
  options: { privateAccess?: boolean; archiveRetentionDays: number },
) {
  const account = identityOnlyStorageAccount(
    `${prefix}host`,
    resourceGroupName,
    opts,
    options.privateAccess ?? false,
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
  const queue = (queueName: string) =>
    new storage.Queue(
      `${prefix}-${queueName}`,
      { resourceGroupName, accountName: account.name, queueName },
      opts,
    );
  return {
    account,
    appPackage: container("appPackage"),
    deadLetter: container("deadLetter"),
    rejectedEvents: container("rejectedEvents"),
    watcherState: container("watcherState"),
    eventArchive: container("eventArchive"),
    coalesceState: container("coalesceState"),
    supersededEvents: container("supersededEvents"),
    coalesceWindows: queue(STORAGE_QUEUES.coalesceWindows),
    // The host would make it on the first failure; made here, it is there to inspect and to watch.
    coalesceWindowsPoison: queue(poisonQueueOf(STORAGE_QUEUES.coalesceWindows)),
    archiveRetention: archiveRetention(
      `${prefix}host-lifecycle`,
      resourceGroupName,
      account.name,
      options.archiveRetentionDays,
      opts,
    ),
  };
}
