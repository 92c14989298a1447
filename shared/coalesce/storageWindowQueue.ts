import type { TokenCredential } from "@azure/core-auth";
import type { QueueClient } from "@azure/storage-queue";

import { STORAGE_QUEUES } from "../constants";
import type { QueueServiceSettings } from "../settings";
import { storageFailureOf } from "../storage/guardedBlobDocuments";
import { serviceLocationOf, STORAGE_CLIENT_OPTIONS } from "../storage/serviceLocation";
import { encodeWindowMessage, type WindowQueue } from "./windowMessage";

/** Where the queue service is, for messages: never the account key. */
export function queueServiceLocation(settings: QueueServiceSettings): string {
  return settings.kind === "identity"
    ? settings.serviceUrl.replace(/\/?$/, "/")
    : serviceLocationOf(settings.connectionString, "queue");
}

/** The queue that closes windows, reached as the Functions host reaches it; the SDK loads on first use. */
function windowQueueClient(
  settings: QueueServiceSettings,
  credential: TokenCredential,
): QueueClient {
  // A deferred require; the deploy bundle resolves it to dist/vendor/storage.js (scripts/packaging).
  const { QueueServiceClient } =
    require("@azure/storage-queue") as typeof import("@azure/storage-queue");
  const options = STORAGE_CLIENT_OPTIONS;
  const service =
    settings.kind === "identity"
      ? new QueueServiceClient(settings.serviceUrl, credential, options)
      : QueueServiceClient.fromConnectionString(settings.connectionString, options);
  return service.getQueueClient(STORAGE_QUEUES.coalesceWindows);
}

/** The window queue in the host storage account. */
export function createStorageWindowQueue(
  settings: QueueServiceSettings,
  credential: TokenCredential,
): WindowQueue {
  let queue: QueueClient | undefined;
  const client = () => (queue ??= windowQueueClient(settings, credential));
  return {
    location: `${queueServiceLocation(settings)}${STORAGE_QUEUES.coalesceWindows}`,
    async schedule(message, delaySeconds, options = {}) {
      const send = () =>
        client().sendMessage(encodeWindowMessage(message), {
          visibilityTimeout: Math.max(0, Math.ceil(delaySeconds)),
          // A message must outlive its delay; -1: it never expires (service version 2017-07-29 on).
          messageTimeToLive: -1,
          abortSignal: options.abortSignal,
        });
      await send().catch(async (error: unknown) => {
        // The stack makes the queue; a local Azurite starts without it.
        if (storageFailureOf(error).code !== "QueueNotFound") throw error;
        await client().createIfNotExists({ abortSignal: options.abortSignal });
        return send();
      });
    },
  };
}
