import type { BlobServiceClient } from "@azure/storage-blob";

import { STORAGE_CONTAINERS } from "../../shared/constants";
import { errorMessage } from "../../shared/errors";
import { isRecord } from "../../shared/guards";
import type { RejectionStore } from "../../shared/rejections/rejectionStore";

/** One stored item to replay: its events, and how to drop or annotate it afterwards. */
export interface ReplayItem {
  label: string;
  time: string;
  events: unknown[];
  /** Entry names in the rejection store that replaying this item may rewrite (not to be removed then). */
  rejectionName?: string;
  remove(): Promise<void>;
  /** Keeps the item, noting why the replay failed (for dead letters; rejections are rewritten by the function). */
  markFailed(reason: string): Promise<void>;
  /** Set when the stored item cannot be read: it is named, skipped and kept. */
  corrupt?: string;
  /** Why it was stored: the rejection's or Event Grid's dead-letter reason. */
  reason?: string;
  /** An archived event: the archive is append-only, so replaying it removes or marks nothing. */
  archived?: true;
}

const noop = () => Promise.resolve();

/** A stored item that cannot be read: named, skipped and kept. */
export function corruptItem(label: string, reason: string): ReplayItem {
  return { label, time: "", events: [], corrupt: reason, remove: noop, markFailed: noop };
}

/** Recorded rejections, oldest first. */
export async function* rejectedItems(store: RejectionStore): AsyncIterable<ReplayItem> {
  for await (const entry of store.list()) {
    if ("corrupt" in entry) {
      yield corruptItem(entry.name, entry.corrupt);
      continue;
    }
    const { name, rejection } = entry;
    yield {
      label: `${name} (${rejection.reason.slice(0, 80)})`,
      reason: rejection.reason,
      time: rejection.time,
      events: [rejection.event],
      rejectionName: name,
      remove: () => store.remove(name),
      markFailed: (reason) =>
        store.record({
          ...rejection,
          reason: `replay failed: ${reason}`,
          time: new Date().toISOString(),
        }),
    };
  }
}

// Properties Event Grid adds to a dead-lettered event; the event is sent back without them.
const DEAD_LETTER_FIELDS = [
  "deadLetterReason",
  "deliveryAttempts",
  "lastDeliveryOutcome",
  "lastHttpStatusCode",
  "publishTime",
  "lastDeliveryAttemptTime",
];

/** Event Grid's dead-letter blobs: each a JSON array of events with the dead-letter fields added. */
export async function* deadLetterItems(service: BlobServiceClient): AsyncIterable<ReplayItem> {
  const container = service.getContainerClient(STORAGE_CONTAINERS.deadLetter);
  if (!(await container.exists())) return;
  for await (const blob of container.listBlobsFlat({ includeMetadata: true })) {
    const client = container.getBlockBlobClient(blob.name);
    let parsed: unknown;
    try {
      parsed = JSON.parse((await client.downloadToBuffer()).toString("utf8"));
    } catch (error) {
      yield corruptItem(blob.name, `not a dead-letter blob: ${errorMessage(error)}`);
      continue;
    }
    const entries: unknown[] = Array.isArray(parsed) ? (parsed as unknown[]) : [parsed];
    const events = entries.map((entry): unknown =>
      isRecord(entry)
        ? Object.fromEntries(
            Object.entries(entry).filter(([key]) => !DEAD_LETTER_FIELDS.includes(key)),
          )
        : entry,
    );
    const first: unknown = entries[0];
    const reason =
      isRecord(first) && typeof first.deadLetterReason === "string"
        ? first.deadLetterReason
        : "dead-lettered";
    const publishTime =
      isRecord(first) && typeof first.publishTime === "string" ? first.publishTime : undefined;
    yield {
      label: `${blob.name} (${reason})`,
      reason,
      time: publishTime ?? blob.properties.lastModified.toISOString(),
      events,
      remove: async () => {
        await client.delete({ deleteSnapshots: "include" });
      },
      markFailed: async (why) => {
        await client.setMetadata({
          ...blob.metadata,
          replayfailed: encodeURIComponent(why.slice(0, 1000)),
          replayedat: new Date().toISOString(),
        });
      },
    };
  }
}
