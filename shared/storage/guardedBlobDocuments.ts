import type { BlobServiceClient, ContainerClient } from "@azure/storage-blob";

interface StorageFailure {
  statusCode?: unknown;
  code?: unknown;
  details?: { errorCode?: unknown };
}

/** A storage error's HTTP status and error code, whichever way the SDK carries them. */
export const storageFailureOf = (error: unknown): { status: unknown; code: unknown } => {
  const failure = (error ?? {}) as StorageFailure;
  return { status: failure.statusCode, code: failure.code ?? failure.details?.errorCode };
};

/**
 * Another writer got there first: the ETag moved (412), the blob appeared (409 on If-None-Match: *),
 * or the document read was removed since (404 on If-Match).
 */
export function isLostRace(error: unknown, etag: string | undefined): boolean {
  const { status, code } = storageFailureOf(error);
  return (
    (status === 412 && code === "ConditionNotMet") ||
    (status === 409 && code === "BlobAlreadyExists") ||
    (status === 404 && etag !== undefined)
  );
}

/** Another writer wrote the document between this one's read and write. */
export class DocumentConflict extends Error {
  override readonly name = "DocumentConflict";
}

/** JSON documents in one container, each write guarded by the ETag it read. */
export interface GuardedDocuments<T> {
  /** The container's URL, for messages (never a secret). */
  readonly location: string;
  /** A document and the ETag that guards its next write; undefined when there is none. Throws when it cannot be read or parsed. */
  read(name: string): Promise<{ value: T; etag: string } | undefined>;
  /** Writes only if the stored one still carries `etag` (undefined: only if none exists); returns the new ETag or throws DocumentConflict. */
  write(name: string, value: T, etag: string | undefined): Promise<string>;
  /** Every document's name, in name order. */
  names(): AsyncIterable<string>;
}

/**
 * JSON documents in `containerName` of the service `service` reaches (made on first use); the
 * container is made on the first write that finds none.
 */
export function createGuardedBlobDocuments<T>(
  service: () => BlobServiceClient,
  location: string,
  containerName: string,
  parse: (text: string, where: string) => T,
): GuardedDocuments<T> {
  let container: ContainerClient | undefined;
  const client = () => (container ??= service().getContainerClient(containerName));
  const containerLocation = `${location}${containerName}`;
  const where = (name: string) => `${containerLocation}/${name}`;
  const conflict = (name: string, error: unknown) =>
    new DocumentConflict(`${where(name)} was written by another writer`, { cause: error });
  return {
    location: containerLocation,
    async read(name) {
      let answer;
      try {
        answer = await client().getBlobClient(name).download();
      } catch (error) {
        // BlobNotFound, or ContainerNotFound before anything was written.
        if (storageFailureOf(error).status === 404) return undefined;
        throw error;
      }
      const chunks: Buffer[] = [];
      for await (const chunk of answer.readableStreamBody ?? [])
        chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
      // The next write is guarded by this ETag; without one it would be unconditional.
      if (answer.etag === undefined) throw new Error(`${where(name)}: storage returned no ETag`);
      return {
        value: parse(Buffer.concat(chunks).toString("utf8"), where(name)),
        etag: answer.etag,
      };
    },
    async write(name, value, etag) {
      const body = JSON.stringify(value);
      const upload = () =>
        client()
          .getBlockBlobClient(name)
          .upload(body, Buffer.byteLength(body), {
            conditions: etag === undefined ? { ifNoneMatch: "*" } : { ifMatch: etag },
            blobHTTPHeaders: { blobContentType: "application/json" },
          });
      try {
        const answer = await upload().catch(async (error: unknown) => {
          if (etag !== undefined || storageFailureOf(error).code !== "ContainerNotFound")
            throw error;
          await client().createIfNotExists();
          return upload();
        });
        if (answer.etag === undefined) throw new Error(`${where(name)}: storage returned no ETag`);
        return answer.etag;
      } catch (error) {
        if (isLostRace(error, etag)) throw conflict(name, error);
        throw error;
      }
    },
    async *names() {
      try {
        for await (const blob of client().listBlobsFlat()) yield blob.name;
      } catch (error) {
        if (storageFailureOf(error).code === "ContainerNotFound") return;
        throw error;
      }
    },
  };
}
