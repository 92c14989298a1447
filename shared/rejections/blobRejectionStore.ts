import type { TokenCredential } from "@azure/core-auth";
import type { BlobServiceClient, ContainerClient } from "@azure/storage-blob";

import { abortable } from "../abortable";
import { STORAGE_CONTAINERS } from "../constants";
import type { RejectionStoreSettings } from "../settings";
import { serviceLocationOf, STORAGE_CLIENT_OPTIONS } from "../storage/serviceLocation";
import {
  DISCARDED_FOLDER,
  discardedEntryName,
  discardedText,
  isEntryName,
  readStoredRejection,
  type RejectionDiscarder,
  rejectionEntryName,
  type RejectionStore,
  serializeRejection,
} from "./rejectionStore";

type BlobSettings = Exclude<RejectionStoreSettings, { kind: "folder" }>;

/**
 * The host storage's blob service, reached the way the Functions host reaches it. The SDK is
 * loaded on first use: most invocations never reject anything, and it is heavy to load at start.
 */
export function blobServiceFor(
  settings: BlobSettings,
  credential: TokenCredential,
): BlobServiceClient {
  // A deferred require; the deploy bundle resolves it to dist/vendor/storage.js (scripts/packaging).
  const { BlobServiceClient } =
    require("@azure/storage-blob") as typeof import("@azure/storage-blob");
  const options = STORAGE_CLIENT_OPTIONS;
  return settings.kind === "blob-identity"
    ? new BlobServiceClient(settings.serviceUrl, credential, options)
    : BlobServiceClient.fromConnectionString(settings.connectionString, options);
}

/** Where the blob service is, for messages: never the account key. */
export function blobServiceLocation(settings: BlobSettings): string {
  return settings.kind === "blob-identity"
    ? settings.serviceUrl.replace(/\/?$/, "/")
    : serviceLocationOf(settings.connectionString, "blob");
}

function isContainerNotFound(error: unknown): boolean {
  const code = (error as { code?: unknown; details?: { errorCode?: unknown } } | null) ?? {};
  return code.code === "ContainerNotFound" || code.details?.errorCode === "ContainerNotFound";
}

async function readText(container: ContainerClient, name: string): Promise<string> {
  const buffer = await container.getBlobClient(name).downloadToBuffer();
  return buffer.toString("utf8");
}

/** Keeps rejections as blobs in the `rejected-events` container of the service `connect` reaches. */
export function createBlobRejectionStore(
  connect: () => BlobServiceClient,
  serviceLocation: string,
): RejectionStore {
  let container: ContainerClient | undefined;
  let created: Promise<unknown> | undefined;
  // The blob service (and the SDK behind it) is made on first use.
  const containerClient = () =>
    (container ??= connect().getContainerClient(STORAGE_CONTAINERS.rejectedEvents));
  return {
    location: `${serviceLocation}${STORAGE_CONTAINERS.rejectedEvents}`,
    async record(rejection, options = {}) {
      // tryTimeoutInMs is the service's timeout, not ours: the abort signal bounds the wait here.
      const { abortSignal } = options;
      const client = containerClient();
      const ensureContainer = () =>
        (created ??= client.createIfNotExists({ abortSignal }).catch((error: unknown) => {
          created = undefined;
          throw error;
        }));
      const body = serializeRejection(rejection);
      const upload = () =>
        client
          .getBlockBlobClient(
            rejectionEntryName(rejection.eventId, rejection.workflow, rejection.event),
          )
          .upload(body, Buffer.byteLength(body), {
            abortSignal,
            blobHTTPHeaders: { blobContentType: "application/json" },
            metadata: { workflow: rejection.workflow ?? "_event", rejectedat: rejection.time },
          });
      const made = ensureContainer();
      await abortable(made, abortSignal);
      try {
        await upload();
      } catch (error) {
        if (!isContainerNotFound(error)) throw error;
        // The container was deleted after we made it: make it again (one shared attempt), then write.
        if (created === made) created = undefined;
        await abortable(ensureContainer(), abortSignal);
        await upload();
      }
    },
    async *list() {
      const client = containerClient();
      if (!(await client.exists())) return;
      for await (const blob of client.listBlobsFlat()) {
        if (blob.name.startsWith(`${DISCARDED_FOLDER}/`)) continue;
        yield readStoredRejection(blob.name, await readText(client, blob.name));
      }
    },
    async remove(name) {
      await containerClient().deleteBlob(name, { deleteSnapshots: "include" });
    },
  };
}

const statusOf = (error: unknown) => (error as { statusCode?: unknown } | null)?.statusCode;

/**
 * Discards entries of the `rejected-events` container, keeping each under `discarded/` in the
 * same container (the one the function's identity may write). The removal is conditional on the
 * ETag read, so a rejection the function rewrote meanwhile is not dropped unseen.
 */
export function createBlobRejectionDiscarder(
  service: BlobServiceClient,
  serviceLocation: string,
): RejectionDiscarder {
  const container = service.getContainerClient(STORAGE_CONTAINERS.rejectedEvents);
  return {
    location: `${serviceLocation}${STORAGE_CONTAINERS.rejectedEvents}`,
    async read(name) {
      if (!isEntryName(name)) return undefined;
      let answer;
      try {
        answer = await container.getBlobClient(name).download();
      } catch (error) {
        // BlobNotFound, or ContainerNotFound when nothing was ever rejected.
        if (statusOf(error) === 404) return undefined;
        throw error;
      }
      const chunks: Buffer[] = [];
      for await (const chunk of answer.readableStreamBody ?? [])
        chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
      // The removal is guarded by this ETag; without one it would be unconditional.
      if (answer.etag === undefined) throw new Error(`${name}: storage returned no ETag`);
      return { name, text: Buffer.concat(chunks).toString("utf8"), version: answer.etag };
    },
    async discard(entry, audit) {
      const keptAs = discardedEntryName(entry.name, audit.at);
      const copy = container.getBlockBlobClient(keptAs);
      const body = discardedText(entry, audit);
      await copy.upload(body, Buffer.byteLength(body), {
        conditions: { ifNoneMatch: "*" },
        blobHTTPHeaders: { blobContentType: "application/json" },
      });
      try {
        await container.deleteBlob(entry.name, {
          deleteSnapshots: "include",
          conditions: { ifMatch: entry.version },
        });
      } catch (error) {
        // 412: rewritten since it was read; 404: removed meanwhile (by a replay, say).
        if (statusOf(error) !== 412 && statusOf(error) !== 404) throw error;
        await copy.delete();
        return { kind: "changed" };
      }
      return { kind: "discarded", keptAs };
    },
  };
}
