import { createInterface } from "node:readline";

import type { BlobServiceClient, ContainerClient } from "@azure/storage-blob";

import { abortable } from "../abortable";
import { STORAGE_CONTAINERS } from "../constants";
import {
  archiveFileName,
  archiveLineText,
  archiveWriterId,
  parseArchiveFileName,
} from "./archiveLine";
import { type ArchiveStorage, readArchiveWindow } from "./archiveWindow";
import { archiveHour, type EventArchive } from "./eventArchive";

/** Committed blocks an append blob may hold (https://learn.microsoft.com/rest/api/storageservices/append-block). */
export const APPEND_BLOB_MAX_BLOCKS = 50_000;

interface StorageFailure {
  statusCode?: unknown;
  code?: unknown;
  details?: { errorCode?: unknown };
}

const failureOf = (error: unknown) => {
  const failure = (error ?? {}) as StorageFailure;
  return { status: failure.statusCode, code: failure.code ?? failure.details?.errorCode };
};

/** Reads the archive container through `container` (made on first use). */
function blobStorage(container: () => ContainerClient, location: string): ArchiveStorage {
  return {
    where: (name) => `${location}/${name}`,
    async folders(prefix) {
      const names: string[] = [];
      for await (const item of container().listBlobsByHierarchy("/", { prefix }))
        if (item.kind === "prefix") names.push(item.name.slice(prefix.length).replace(/\/$/, ""));
      return names;
    },
    async files(prefix) {
      const names: string[] = [];
      for await (const blob of container().listBlobsFlat({ prefix })) names.push(blob.name);
      return names;
    },
    async *lines(name) {
      let answer;
      try {
        answer = await container().getBlobClient(name).download();
      } catch (error) {
        // Deleted between the listing and the read (the retention rule runs daily).
        if (failureOf(error).status === 404) return;
        throw error;
      }
      const input = answer.readableStreamBody;
      if (input) yield* createInterface({ input, crlfDelay: Infinity });
    },
  };
}

/**
 * Archives events in the `event-archive` container of the service `connect` reaches (made on first
 * use): one append blob per hour and writer, a block per group of lines (see groupCommit). Each hour's blob is made before
 * its first append (and the container when that finds none); a blob at Azure's block limit rolls
 * over to the next part (`<writer>-2.jsonl`, …).
 */
export function createBlobEventArchive(
  connect: () => BlobServiceClient,
  serviceLocation: string,
  options: {
    writer?: string;
    /** Roll over to the next part at this many blocks (Azure's limit unless a test lowers it). */
    blocksPerBlob?: number;
  } = {},
): EventArchive {
  const writer = options.writer ?? archiveWriterId();
  const blocksPerBlob = options.blocksPerBlob ?? APPEND_BLOB_MAX_BLOCKS;
  const location = `${serviceLocation}${STORAGE_CONTAINERS.eventArchive}`;
  let client: ContainerClient | undefined;
  const container = () =>
    (client ??= connect().getContainerClient(STORAGE_CONTAINERS.eventArchive));
  // The part each recent hour is written to; a restart starts at 1 and finds the rest on the first full one.
  const parts = new Map<string, number>();
  const partOf = (hour: string) => parts.get(hour) ?? 1;
  const setPart = (hour: string, part: number) => {
    if (part <= partOf(hour)) return;
    parts.delete(hour);
    parts.set(hour, part);
    for (const old of parts.keys()) if (parts.size > 4) parts.delete(old);
  };
  // Each blob this process appends to is made once, before its first append, and the appends that
  // arrive meanwhile wait for that one request: no append is sent to a blob not there yet.
  const made = new Map<string, Promise<unknown>>();
  const make = (name: string) => {
    let making = made.get(name);
    if (making) return making;
    const blob = container().getAppendBlobClient(name);
    making = blob.createIfNotExists().catch(async (error: unknown) => {
      if (failureOf(error).code !== "ContainerNotFound") throw error;
      // Another writer may make it first: createIfNotExists takes that as done.
      await container().createIfNotExists();
      return blob.createIfNotExists();
    });
    making.catch(() => made.delete(name));
    made.set(name, making);
    for (const old of made.keys()) if (made.size > 8) made.delete(old);
    return making;
  };
  /** After a full part: this writer's highest part in the hour, or the one after `full`. */
  const rollOver = async (hour: string, full: number, abortSignal?: AbortSignal) => {
    let highest = full + 1;
    for await (const blob of container().listBlobsFlat({
      prefix: `${hour}/${writer}`,
      abortSignal,
    })) {
      const parsed = parseArchiveFileName(blob.name);
      if (parsed?.writer === writer) highest = Math.max(highest, parsed.part);
    }
    setPart(hour, highest);
  };

  /** Appends one block holding `body` (whole lines) to this writer's part for the hour. */
  const appendBlock = async (hour: string, body: string, abortSignal?: AbortSignal) => {
    // Each failure below is dealt with once per part, so a handful of turns always suffice.
    for (let turn = 0; turn < 8; turn++) {
      const part = partOf(hour);
      const name = archiveFileName(hour, writer, part);
      await abortable(make(name), abortSignal);
      try {
        const answer = await container()
          .getAppendBlobClient(name)
          .appendBlock(body, Buffer.byteLength(body), { abortSignal });
        if ((answer.blobCommittedBlockCount ?? 0) >= blocksPerBlob) setPart(hour, part + 1);
        return;
      } catch (error) {
        const { code } = failureOf(error);
        if (code === "BlockCountExceedsLimit") await rollOver(hour, part, abortSignal);
        // Removed since this process made it (the container deleted by hand): make it again.
        else if (code === "BlobNotFound" || code === "ContainerNotFound") made.delete(name);
        else throw error;
      }
    }
    throw new Error(`${location}: could not append to ${hour}/${writer}*.jsonl in 8 turns`);
  };
  const commit = groupCommit(appendBlock);

  return {
    location,
    async append(entry, { abortSignal } = {}) {
      await commit(
        archiveHour(new Date(entry.receivedAt)),
        `${archiveLineText(entry)}\n`,
        abortSignal,
      );
    },
    async *read(since, until) {
      if (!(await container().exists())) return;
      yield* readArchiveWindow(blobStorage(container, location), since, until);
    },
  };
}

const asError = (value: unknown) => (value instanceof Error ? value : new Error(String(value)));

/** The most one append carries: well under Azure's 4 MiB block. */
const BATCH_BYTES = 1024 * 1024;

/**
 * Group commit: while one block for an hour is being appended, the lines that arrive wait and go
 * together in the next, so a burst costs a few appends instead of one per event (a blob takes a
 * few hundred writes a second), and a lone event is written at once. Each caller returns when the
 * block holding its line is committed; its own abort stops only its wait.
 */
export function groupCommit(
  appendBlock: (hour: string, body: string, abortSignal?: AbortSignal) => Promise<void>,
): (hour: string, line: string, abortSignal?: AbortSignal) => Promise<void> {
  interface Waiting {
    line: string;
    done: () => void;
    failed: (error: unknown) => void;
  }
  const queues = new Map<string, Waiting[]>();
  const busy = new Set<string>();
  const flush = async (hour: string): Promise<void> => {
    if (busy.has(hour)) return;
    const queue = queues.get(hour) ?? [];
    if (queue.length === 0) return;
    busy.add(hour);
    let size = 0;
    let count = 0;
    while (
      count < queue.length &&
      (count === 0 || size + (queue[count]?.line.length ?? 0) <= BATCH_BYTES)
    ) {
      size += queue[count]?.line.length ?? 0;
      count += 1;
    }
    const batch = queue.splice(0, count);
    if (queue.length === 0) queues.delete(hour);
    try {
      await appendBlock(hour, batch.map((w) => w.line).join(""));
      for (const w of batch) w.done();
    } catch (error) {
      for (const w of batch) w.failed(error);
    } finally {
      busy.delete(hour);
      void flush(hour);
    }
  };
  return (hour, line, abortSignal) =>
    new Promise<void>((resolve, reject) => {
      if (abortSignal?.aborted) {
        reject(asError(abortSignal.reason));
        return;
      }
      const onAbort = () => {
        reject(asError(abortSignal?.reason));
      };
      abortSignal?.addEventListener("abort", onAbort, { once: true });
      const settle = (then: () => void) => {
        abortSignal?.removeEventListener("abort", onAbort);
        then();
      };
      const queue = queues.get(hour) ?? [];
      queue.push({
        line,
        done: () => {
          settle(resolve);
        },
        failed: (error) => {
          settle(() => {
            reject(asError(error));
          });
        },
      });
      queues.set(hour, queue);
      void flush(hour);
    });
}
