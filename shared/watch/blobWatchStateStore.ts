import type { BlobServiceClient, ContainerClient } from "@azure/storage-blob";

import { STORAGE_CONTAINERS } from "../constants";
import { parseWatchState, watchStateEntryName } from "./parseWatchState";
import { WatchStateConflict, type WatchStateStore } from "./watchState";

interface StorageFailure {
  statusCode?: unknown;
  code?: unknown;
  details?: { errorCode?: unknown };
}

const failureOf = (error: unknown): { status: unknown; code: unknown } => {
  const failure = (error ?? {}) as StorageFailure;
  return { status: failure.statusCode, code: failure.code ?? failure.details?.errorCode };
};

/**
 * Another writer got there first: the ETag moved (412), the blob appeared (409 on If-None-Match: *),
 * or the state read was removed since (404 on If-Match).
 */
function isLostRace(error: unknown, etag: string | undefined): boolean {
  const { status, code } = failureOf(error);
  return (
    (status === 412 && code === "ConditionNotMet") ||
    (status === 409 && code === "BlobAlreadyExists") ||
    (status === 404 && etag !== undefined)
  );
}

/**
 * Keeps watch states as blobs in the `watcher-state` container of the service `service` reaches,
 * one per workspace, writes guarded by the blob's ETag. The service (and the SDK behind it) is
 * made on first use.
 */
export function createBlobWatchStateStore(
  service: () => BlobServiceClient,
  location: string,
): WatchStateStore {
  let container: ContainerClient | undefined;
  const containerClient = () =>
    (container ??= service().getContainerClient(STORAGE_CONTAINERS.watcherState));
  const containerLocation = `${location}${STORAGE_CONTAINERS.watcherState}`;
  const where = (workspaceId: string, name: string) =>
    `${containerLocation}/${name} (the watch state of ${workspaceId})`;

  return {
    location: containerLocation,
    async read(workspaceId) {
      const name = watchStateEntryName(workspaceId);
      let answer;
      try {
        answer = await containerClient().getBlobClient(name).download();
      } catch (error) {
        // BlobNotFound before the first run; ContainerNotFound before any workspace's first run.
        if (failureOf(error).status === 404) return undefined;
        throw error;
      }
      const chunks: Buffer[] = [];
      for await (const chunk of answer.readableStreamBody ?? [])
        chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
      const at = where(workspaceId, name);
      // The next write is guarded by this ETag; without one it would be unconditional.
      if (answer.etag === undefined) throw new Error(`${at}: storage returned no ETag`);
      return {
        state: parseWatchState(Buffer.concat(chunks).toString("utf8"), at),
        etag: answer.etag,
      };
    },
    async write(workspaceId, state, etag) {
      const name = watchStateEntryName(workspaceId);
      const client = containerClient();
      const body = JSON.stringify(state);
      const upload = () =>
        client.getBlockBlobClient(name).upload(body, Buffer.byteLength(body), {
          conditions: etag === undefined ? { ifNoneMatch: "*" } : { ifMatch: etag },
          blobHTTPHeaders: { blobContentType: "application/json" },
        });
      try {
        const answer = await upload().catch(async (error: unknown) => {
          // Before any workspace's first write there is no container: make it (another run may
          // make it first) and write again.
          if (etag !== undefined || failureOf(error).code !== "ContainerNotFound") throw error;
          await client.createIfNotExists();
          return upload();
        });
        if (answer.etag === undefined)
          throw new Error(`${where(workspaceId, name)}: storage returned no ETag`);
        return answer.etag;
      } catch (error) {
        if (isLostRace(error, etag))
          throw new WatchStateConflict(`${where(workspaceId, name)} was written by another run`, {
            cause: error,
          });
        throw error;
      }
    },
  };
}
