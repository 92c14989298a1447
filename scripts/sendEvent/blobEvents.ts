/**
 * Microsoft.Storage.BlobCreated as a storage account's system topic sends it, built for `--blob`.
 * Shape: https://learn.microsoft.com/azure/event-grid/event-schema-blob-storage (Event Grid and
 * CloudEvents examples, and the data properties table).
 */
import { randomBytes, randomUUID } from "node:crypto";

import { AZURE_EVENT_TYPES, PLACEHOLDER_STORAGE_ACCOUNT_ID } from "../../shared/constants";
import { UsageError } from "../cli/runCommand";
import { systemTopicEvent } from "./buildEvents";

const ACCOUNT_ID =
  /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.Storage\/storageAccounts\/([^/]+)$/i;

// https://learn.microsoft.com/rest/api/storageservices/naming-and-referencing-containers--blobs--and-metadata
const ACCOUNT_NAME = /^[a-z0-9]{3,24}$/;
const CONTAINER_NAME = /^(?:[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){2,62}|\$root|\$web)$/;
const BLOB_NAME_LIMIT = 1024;

/** The account's name from a storage account ARM id, or undefined when the id is not one. */
export function storageAccountName(id: string): string | undefined {
  const name = ACCOUNT_ID.exec(id)?.[1]?.toLowerCase();
  return name !== undefined && ACCOUNT_NAME.test(name) ? name : undefined;
}

/** `--account`, else the first storage account in EVENT_SOURCES, else the dry run's placeholder account. */
export function blobAccount(
  flag: string | undefined,
  eventSources: readonly string[],
): { id: string; name: string } {
  if (flag !== undefined) {
    const name = storageAccountName(flag);
    if (name === undefined)
      throw new UsageError(
        `--account "${flag}" must be a storage account's ARM id: /subscriptions/<id>/resourceGroups/<group>/providers/Microsoft.Storage/storageAccounts/<name>`,
      );
    return { id: flag, name };
  }
  const id =
    eventSources.find((source) => storageAccountName(source) !== undefined) ??
    PLACEHOLDER_STORAGE_ACCOUNT_ID;
  return { id, name: storageAccountName(id) ?? "" };
}

/** Parses `<container>/<path>`: the first "/" splits, the path may hold more. */
export function parseBlob(text: string): { container: string; path: string } {
  const at = text.indexOf("/");
  const container = at < 0 ? text : text.slice(0, at);
  const path = at < 0 ? "" : text.slice(at + 1);
  if (container === "" || path === "")
    throw new UsageError(`--blob "${text}" must be <container>/<path>`);
  if (!CONTAINER_NAME.test(container))
    throw new UsageError(
      `--blob "${text}": container "${container}" is not a container name (3-63 lowercase letters, digits and single hyphens)`,
    );
  if (path.endsWith("/"))
    throw new UsageError(`--blob "${text}" names a folder: give the blob's path`);
  if (path.length > BLOB_NAME_LIMIT)
    throw new UsageError(
      `--blob "${text.slice(0, 80)}…": a blob's path holds at most ${BLOB_NAME_LIMIT} characters`,
    );
  return { container, path };
}

const CONTENT_TYPES: Record<string, string> = {
  csv: "text/csv",
  json: "application/json",
  parquet: "application/octet-stream",
};

/** The content type an upload tool would set, guessed from the blob's extension. */
export function blobContentType(path: string): string {
  const name = path.slice(path.lastIndexOf("/") + 1);
  const dot = name.lastIndexOf(".");
  const extension = dot <= 0 ? "" : name.slice(dot + 1).toLowerCase();
  return CONTENT_TYPES[extension] ?? "application/octet-stream";
}

/** The blob's URL at the account's blob endpoint, each path segment percent-encoded. */
export function blobUrl(account: string, container: string, path: string): string {
  return `https://${account}.blob.core.windows.net/${container}/${path.split("/").map(encodeURIComponent).join("/")}`;
}

let lastSequence = 0n;

/** Opaque, and increasing within this process, as Storage's sequencer is per blob name. */
function sequencer(): string {
  const now = BigInt(Date.now()) * 1000n;
  lastSequence = now > lastSequence ? now : lastSequence + 1n;
  return lastSequence.toString(16).toUpperCase().padStart(32, "0");
}

/** An ETag in the documented form: quoted, `0x8D` and 13 more hex digits. */
function eTag(): string {
  return `"0x8D${randomBytes(7).toString("hex").slice(0, 13).toUpperCase()}"`;
}

/** A BlobCreated event for a blob just written with PutBlob, with a fresh id and time. */
export function blobCreatedEvent(
  blob: { container: string; path: string },
  account: { id: string; name: string },
  cloudEvents: boolean,
): Record<string, unknown> {
  const id = randomUUID();
  return systemTopicEvent({
    type: AZURE_EVENT_TYPES.blobCreated,
    subject: `/blobServices/default/containers/${blob.container}/blobs/${blob.path}`,
    data: {
      api: "PutBlob",
      clientRequestId: randomUUID(),
      // In the documented examples the event id extends the request id, whose last group ends in zeros.
      requestId: `${id.slice(0, -6)}000000`,
      eTag: eTag(),
      contentType: blobContentType(blob.path),
      contentLength: 0,
      blobType: "BlockBlob",
      url: blobUrl(account.name, blob.container, blob.path),
      sequencer: sequencer(),
      storageDiagnostics: { batchId: randomUUID() },
    },
    dataVersion: "",
    source: account.id,
    cloudEvents,
    id,
  });
}
