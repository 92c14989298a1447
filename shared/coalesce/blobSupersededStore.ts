import type { BlobServiceClient, ContainerClient } from "@azure/storage-blob";

import { STORAGE_CONTAINERS } from "../constants";
import { errorMessage } from "../errors";
import { isRecord } from "../guards";
import { storageFailureOf } from "../storage/guardedBlobDocuments";
import {
  type StoredSuperseded,
  supersededEntryName,
  type SupersededRecord,
  type SupersededStore,
} from "./supersededStore";

function readRecord(name: string, text: string): StoredSuperseded {
  try {
    const value: unknown = JSON.parse(text);
    if (
      !isRecord(value) ||
      typeof value.workflow !== "string" ||
      typeof value.eventId !== "string" ||
      !isRecord(value.supersededBy) ||
      typeof value.supersededBy.eventId !== "string"
    )
      return { name, corrupt: "not a superseded-event record" };
    return { name, record: value as unknown as SupersededRecord };
  } catch (error) {
    return { name, corrupt: errorMessage(error) };
  }
}

/** Superseded-event records as blobs in the host storage's `superseded-events` container. */
export function createBlobSupersededStore(
  service: () => BlobServiceClient,
  location: string,
): SupersededStore {
  let container: ContainerClient | undefined;
  const client = () =>
    (container ??= service().getContainerClient(STORAGE_CONTAINERS.supersededEvents));
  const write = async (record: SupersededRecord, abortSignal: AbortSignal | undefined) => {
    const body = JSON.stringify(record);
    const upload = () =>
      client()
        .getBlockBlobClient(supersededEntryName(record.workflow, record.eventId))
        .upload(body, Buffer.byteLength(body), {
          abortSignal,
          blobHTTPHeaders: { blobContentType: "application/json" },
        });
    await upload().catch(async (error: unknown) => {
      if (storageFailureOf(error).code !== "ContainerNotFound") throw error;
      await client().createIfNotExists({ abortSignal });
      return upload();
    });
  };
  return {
    location: `${location}${STORAGE_CONTAINERS.supersededEvents}`,
    async record(records, options = {}) {
      await Promise.all(records.map((r) => write(r, options.abortSignal)));
    },
    async *list() {
      const names: string[] = [];
      try {
        for await (const blob of client().listBlobsFlat()) names.push(blob.name);
      } catch (error) {
        if (storageFailureOf(error).code === "ContainerNotFound") return;
        throw error;
      }
      for (const name of names.sort()) {
        const buffer = await client().getBlobClient(name).downloadToBuffer();
        yield readRecord(name, buffer.toString("utf8"));
      }
    },
  };
}
