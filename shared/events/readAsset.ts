import { isRecord } from "../guards";
import type { Result } from "../result";

/** The data asset version a DataVersionCreated event is about. */
export interface DataAssetVersion {
  name: string;
  version: string;
  uri: string;
  tags: Record<string, string>;
}

/** The blob a Microsoft.Storage.BlobCreated event is about, from its topic and subject. */
export interface CreatedBlob {
  /** The storage account's name. */
  account: string;
  container: string;
  /** The blob's path inside the container, as Azure writes it in the subject. */
  path: string;
  /** `data.url`: the blob's URL. */
  url: string;
}

const DATA_SUBJECT = /^data\/(.+):([^:/]+)$/;

/** Reads a DataVersionCreated event's data (the watcher's shape), falling back to the subject `data/{name}:{version}`. */
export function readDataAsset(data: unknown, subject: string): Result<DataAssetVersion> {
  const record = isRecord(data) ? data : {};
  const fromSubject = DATA_SUBJECT.exec(subject);
  const text = (v: unknown) => (typeof v === "string" && v.trim() !== "" ? v : undefined);
  const name = text(record.dataName) ?? fromSubject?.[1];
  const version = text(record.dataVersion) ?? fromSubject?.[2];
  if (name === undefined || version === undefined)
    return {
      ok: false,
      errors: [
        'DataVersionCreated event names no data asset: neither data.dataName and data.dataVersion nor a subject "data/<name>:<version>"',
      ],
    };
  const tags = isRecord(record.dataTags) ? record.dataTags : {};
  return {
    ok: true,
    value: {
      name,
      version,
      uri: text(record.dataUri) ?? "",
      tags: Object.fromEntries(
        Object.entries(tags).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]),
      ),
    },
  };
}

const BLOB_SUBJECT = /^\/blobServices\/default\/containers\/([^/]+)\/blobs\/(.+)$/;
const ACCOUNT = /\/providers\/Microsoft\.Storage\/storageAccounts\/([^/]+)$/i;

/** Reads the blob of a BlobCreated event (subject `/blobServices/default/containers/<c>/blobs/<path>`), or says what is missing. */
export function readBlob(topic: string, subject: string, data: unknown): Result<CreatedBlob> {
  const where = BLOB_SUBJECT.exec(subject);
  const account = ACCOUNT.exec(topic)?.[1];
  const url = isRecord(data) && typeof data.url === "string" ? data.url : undefined;
  const errors: string[] = [];
  if (!where)
    errors.push(
      `BlobCreated event's subject ${JSON.stringify(subject.slice(0, 200))} is not /blobServices/default/containers/<container>/blobs/<path>`,
    );
  if (account === undefined)
    errors.push(
      `BlobCreated event's topic ${JSON.stringify(topic.slice(0, 300))} is not a storage account`,
    );
  if (url === undefined) errors.push("BlobCreated event has no data.url");
  if (!where?.[1] || !where[2] || account === undefined || url === undefined)
    return { ok: false, errors };
  return { ok: true, value: { account, container: where[1], path: where[2], url } };
}
