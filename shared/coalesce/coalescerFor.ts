import type { TokenCredential } from "@azure/core-auth";

import { HOST_STORAGE_SETTINGS, STORAGE_CONTAINERS } from "../constants";
import { blobServiceFor, blobServiceLocation } from "../rejections/blobRejectionStore";
import type { Settings } from "../settings";
import { createGuardedBlobDocuments } from "../storage/guardedBlobDocuments";
import { createBlobSupersededStore } from "./blobSupersededStore";
import { type Coalescer, createCoalescer } from "./coalescer";
import { parseCoalesceState } from "./coalesceStateStore";
import { createStorageWindowQueue } from "./storageWindowQueue";
import type { WindowQueue } from "./windowMessage";

/** Coalescing for these settings: it needs the host's Blob Storage and its queues. */
export type Coalescing =
  | { kind: "available"; coalescer: Coalescer; queue: WindowQueue }
  | { kind: "unavailable"; why: string };

/** The coalescer on the host storage account, or why there is none (no storage, or no queue service). */
export function createCoalescerFor(settings: Settings, credential: TokenCredential): Coalescing {
  const store = settings.rejectionStore;
  if (store.kind === "folder")
    return {
      kind: "unavailable",
      why: `set ${HOST_STORAGE_SETTINGS.connectionString} (amlwf start sets it to its Azurite) or ${HOST_STORAGE_SETTINGS.accountName}`,
    };
  if (settings.queueService === undefined)
    return {
      kind: "unavailable",
      why: `set ${HOST_STORAGE_SETTINGS.queueServiceUri} beside ${HOST_STORAGE_SETTINGS.blobServiceUri}`,
    };
  const service = () => blobServiceFor(store, credential);
  const location = blobServiceLocation(store);
  const queue = createStorageWindowQueue(settings.queueService, credential);
  return {
    kind: "available",
    queue,
    coalescer: createCoalescer({
      states: createGuardedBlobDocuments(
        service,
        location,
        STORAGE_CONTAINERS.coalesceState,
        parseCoalesceState,
      ),
      queue,
      superseded: createBlobSupersededStore(service, location),
    }),
  };
}
