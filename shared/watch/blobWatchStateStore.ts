import type { BlobServiceClient } from "@azure/storage-blob";

import { STORAGE_CONTAINERS } from "../constants";
import { errorMessage } from "../errors";
import {
  createGuardedBlobDocuments,
  DocumentConflict,
  storageFailureOf,
} from "../storage/guardedBlobDocuments";
import { parseWatchState, watchStateEntryName } from "./parseWatchState";
import { WatchStateConflict, type WatchStateStore } from "./watchState";

/**
 * Keeps watch states as blobs in the `watcher-state` container of the service `service` reaches,
 * one per workspace, writes guarded by the blob's ETag. The service (and the SDK behind it) is
 * made on first use.
 */
export function createBlobWatchStateStore(
  service: () => BlobServiceClient,
  location: string,
): WatchStateStore {
  const documents = createGuardedBlobDocuments(
    service,
    location,
    STORAGE_CONTAINERS.watcherState,
    parseWatchState,
  );
  return {
    location: documents.location,
    async read(workspaceId) {
      let stored;
      try {
        stored = await documents.read(watchStateEntryName(workspaceId));
      } catch (error) {
        // A state that does not parse names the workspace it is for; storage errors go as they are.
        if (storageFailureOf(error).status !== undefined) throw error;
        throw new Error(`${errorMessage(error)} (the watch state of ${workspaceId})`, {
          cause: error,
        });
      }
      return stored === undefined ? undefined : { state: stored.value, etag: stored.etag };
    },
    async write(workspaceId, state, etag) {
      try {
        return await documents.write(watchStateEntryName(workspaceId), state, etag);
      } catch (error) {
        if (error instanceof DocumentConflict)
          throw new WatchStateConflict(`the watch state of ${workspaceId}: ${error.message}`, {
            cause: error,
          });
        throw error;
      }
    },
  };
}
