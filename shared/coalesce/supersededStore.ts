import { createHash } from "node:crypto";

/** An event a window took that its job did not run on, and what it ran on instead. */
export interface SupersededRecord {
  workflow: string;
  /** The coalescing key, as rendered for the event. */
  key: string;
  window: string;
  eventId: string;
  eventType: string;
  /** `name:version`, when the event named a model. */
  model?: string;
  eventTime: string;
  receivedAt: string;
  /** The window's latest event, which its job ran on. */
  supersededBy: { eventId: string; model?: string; job?: string };
  closedAt: string;
}

/** A stored record, or why an entry is not one. */
export type StoredSuperseded =
  { name: string; record: SupersededRecord } | { name: string; corrupt: string };

/** One record per (workflow, event): a second close of the same window writes the same names. */
export function supersededEntryName(workflow: string, eventId: string): string {
  return `${workflow}/${createHash("sha256").update(eventId, "utf8").digest("hex").slice(0, 40)}.json`;
}

/** Where superseded events are recorded, for `status`. */
export interface SupersededStore {
  /** Where the records are, for messages (never a secret). */
  readonly location: string;
  /** Keeps the records; throws when it cannot (the window's close is then tried again). */
  record(
    records: readonly SupersededRecord[],
    options?: { abortSignal?: AbortSignal },
  ): Promise<void>;
  /** Every record, in name order; one that cannot be read comes back as `corrupt` with why. */
  list(): AsyncIterable<StoredSuperseded>;
}
