import { createHash } from "node:crypto";

import { errorMessage } from "../errors";

/** One rejected (event, workflow) pair, as kept for people and for replay. */
export interface RejectionRecord {
  eventId: string | null;
  workflow: string | null;
  reason: string;
  /** When it was rejected (ISO 8601). */
  time: string;
  /** The event exactly as it arrived. */
  event: unknown;
}

/** One stored entry: a rejection, or what is wrong with an entry that is not one. */
export type StoredRejection =
  { name: string; rejection: RejectionRecord } | { name: string; corrupt: string };

/** Reads one entry's text, or says why it is not a rejection (never throws). */
export function readStoredRejection(name: string, text: string): StoredRejection {
  try {
    return { name, rejection: parseRejection(text) };
  } catch (error) {
    return { name, corrupt: errorMessage(error) };
  }
}

/** Where rejections are kept: one entry per event and workflow. */
export interface RejectionStore {
  /** Where the entries are, for messages (never holds a secret). */
  readonly location: string;
  /** Keeps a rejection; throws when it cannot (or when `abortSignal` fires first), so the event is not lost. */
  record(rejection: RejectionRecord, options?: { abortSignal?: AbortSignal }): Promise<void>;
  /** Every entry, oldest name first; one that cannot be read comes back as `corrupt` with why. */
  list(): AsyncIterable<StoredRejection>;
  remove(name: string): Promise<void>;
}

function stringifyOrNote(value: unknown): string {
  try {
    return value === undefined ? "undefined" : JSON.stringify(value);
  } catch {
    return "unserialisable";
  }
}

/**
 * The entry name for (event, workflow): `<readable id>-<hash>/<workflow>.json`. The hash keeps
 * names unique and safe whatever the id holds (slashes, "..", unicode); a redelivery overwrites.
 */
export function rejectionEntryName(
  eventId: string | null,
  workflow: string | null,
  event: unknown,
): string {
  const key = eventId ?? `no-id:${stringifyOrNote(event)}`;
  const hash = createHash("sha256").update(key, "utf8").digest("hex").slice(0, 16);
  const readable = (eventId === null || eventId === "" ? "no-id" : eventId)
    .replace(/[^A-Za-z0-9_.-]/g, "_")
    .replace(/^\.+/, "_")
    .slice(0, 64);
  return `${readable}-${hash}/${workflow ?? "_event"}.json`;
}

/** Parses a stored entry, or says why it is not one. */
export function parseRejection(text: string): RejectionRecord {
  const value = JSON.parse(text) as Partial<RejectionRecord>;
  if (typeof value.reason !== "string" || typeof value.time !== "string" || !("event" in value)) {
    throw new Error("not a rejection record (needs reason, time and event)");
  }
  return {
    eventId: value.eventId ?? null,
    workflow: value.workflow ?? null,
    reason: value.reason,
    time: value.time,
    event: value.event,
  };
}

/** The stored form of a rejection; an event too deeply nested to serialise is replaced by a note, never dropped silently. */
export function serializeRejection(rejection: RejectionRecord): string {
  try {
    return JSON.stringify(rejection, null, 2);
  } catch (error) {
    const note = `event not stored: ${errorMessage(error)}`;
    return JSON.stringify({ ...rejection, event: { notStored: note } }, null, 2);
  }
}

/** Where discarded entries are kept, beside the live ones: a folder (a blob-name prefix) that `list()` skips. */
export const DISCARDED_FOLDER = "discarded";

/**
 * Whether `name` can be an entry's name: `<folder>/<file>.json`, nothing that climbs out of the
 * store or into its discarded entries. A name that passes may still not exist.
 */
export function isEntryName(name: string): boolean {
  const parts = name.split("/");
  return (
    parts.length === 2 &&
    parts[0] !== DISCARDED_FOLDER &&
    parts.every((p) => /^[A-Za-z0-9_-][A-Za-z0-9_.-]*$/.test(p)) &&
    name.endsWith(".json")
  );
}

/** One entry as read for discarding: its text, and the version the store must still hold to drop it. */
export interface EntryToDiscard {
  name: string;
  text: string;
  /** The blob's ETag, or a folder entry's text. */
  version: string;
}

/** Who discarded an entry, and when (ISO 8601). */
export interface DiscardAudit {
  by: string;
  at: string;
}

/** A discard: done, with the audit copy's name; or not, because the entry changed or went since it was read. */
export type DiscardResult = { kind: "discarded"; keptAs: string } | { kind: "changed" };

/** Drops entries that can never succeed, each kept as an audit copy under `discarded/`. */
export interface RejectionDiscarder {
  /** Where the entries are, for messages: the same as the store's. */
  readonly location: string;
  /** The entry, or undefined when there is none by that name. */
  read(name: string): Promise<EntryToDiscard | undefined>;
  /** Writes the audit copy, then removes the entry only if it is still the version read (else removes the copy again). */
  discard(entry: EntryToDiscard, audit: DiscardAudit): Promise<DiscardResult>;
}

/** The audit copy's name: `discarded/<folder>/<file>.<time>.json`, so a later discard of the same entry adds one. */
export function discardedEntryName(name: string, at: string): string {
  const stamp = at.replace(/[-:.]/g, "");
  return `${DISCARDED_FOLDER}/${name.replace(/\.json$/, "")}.${stamp}.json`;
}

/** The audit copy: the record as it was (or its text, when it could not be read) with who discarded it and when. */
export function discardedText(entry: EntryToDiscard, audit: DiscardAudit): string {
  const discarded = { ...audit, from: entry.name };
  const stored = readStoredRejection(entry.name, entry.text);
  if ("rejection" in stored)
    try {
      return JSON.stringify({ discarded, ...stored.rejection }, null, 2);
    } catch {
      // Too deeply nested to write back: keep the text as it was stored.
    }
  const unreadable = "corrupt" in stored ? { unreadable: stored.corrupt } : {};
  return JSON.stringify({ discarded, ...unreadable, storedText: entry.text }, null, 2);
}
