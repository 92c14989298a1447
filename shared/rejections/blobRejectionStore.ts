import type { TokenCredential } from "@azure/core-auth";
import { BlobServiceClient, type ContainerClient } from "@azure/storage-blob";

import { STORAGE_CONTAINERS } from "../constants";
import type { RejectionStoreSettings } from "../settings";
import {
  parseRejection,
  rejectionEntryName,
  type RejectionStore,
  serializeRejection,
} from "./rejectionStore";

/** The host storage's blob service, reached the way the Functions host reaches it. */
export function blobServiceFor(
  settings: Exclude<RejectionStoreSettings, { kind: "folder" }>,
  credential: TokenCredential,
): BlobServiceClient {
  // The SDK's default retries can outlast Event Grid's 30 s; fail fast and let Event Grid redeliver.
  const options = {
    retryOptions: {
      maxTries: 3,
      tryTimeoutInMs: 5000,
      retryDelayInMs: 200,
      maxRetryDelayInMs: 1000,
    },
  };
  return settings.kind === "blob-identity"
    ? new BlobServiceClient(settings.serviceUrl, credential, options)
    : BlobServiceClient.fromConnectionString(settings.connectionString, options);
}

async function readText(container: ContainerClient, name: string): Promise<string> {
  const buffer = await container.getBlobClient(name).downloadToBuffer();
  return buffer.toString("utf8");
}

/** Keeps rejections as blobs in the `rejected-events` container. */
export function createBlobRejectionStore(service: BlobServiceClient): RejectionStore {
  const container = service.getContainerClient(STORAGE_CONTAINERS.rejectedEvents);
  let ready: Promise<unknown> | undefined;
  return {
    location: `${service.url.replace(/\?.*$/, "").replace(/\/?$/, "/")}${STORAGE_CONTAINERS.rejectedEvents}`,
    async record(rejection) {
      ready ??= container.createIfNotExists().catch((error: unknown) => {
        ready = undefined;
        throw error;
      });
      await ready;
      const body = serializeRejection(rejection);
      await container
        .getBlockBlobClient(
          rejectionEntryName(rejection.eventId, rejection.workflow, rejection.event),
        )
        .upload(body, Buffer.byteLength(body), {
          blobHTTPHeaders: { blobContentType: "application/json" },
          metadata: { workflow: rejection.workflow ?? "_event", rejectedat: rejection.time },
        });
    },
    async *list() {
      if (!(await container.exists())) return;
      for await (const blob of container.listBlobsFlat())
        yield { name: blob.name, rejection: parseRejection(await readText(container, blob.name)) };
    },
    async remove(name) {
      await container.deleteBlob(name, { deleteSnapshots: "include" });
    },
  };
}
