/** One archived event: when the function received it, and the event as it arrived (redacted). */
export interface ArchivedEvent {
  /** ISO 8601, the receiving process's clock. */
  receivedAt: string;
  event: unknown;
}

/** One line read back: an archived event, or where a line that is not one is and why. */
export type ArchiveLine = ArchivedEvent | { corrupt: string; where: string };

/**
 * Every event the function received, before matching: append-only, one JSON line per event, in
 * one file (Blob Storage: one append blob) per hour and writer, so writers never contend.
 */
export interface EventArchive {
  /** Where it is, for messages (never holds a secret). */
  readonly location: string;
  /** Appends one event; throws when it cannot, so the event is handed back rather than unrecorded. */
  append(entry: ArchivedEvent, options?: { abortSignal?: AbortSignal }): Promise<void>;
  /** Events received in [since, until), oldest hour first (within an hour, per writer in order). */
  read(since: Date, until: Date): AsyncIterable<ArchiveLine>;
}

/** The hour's path segment an archived event goes under: `YYYY/MM/DD/HH` (UTC). */
export function archiveHour(at: Date): string {
  const iso = at.toISOString();
  return `${iso.slice(0, 4)}/${iso.slice(5, 7)}/${iso.slice(8, 10)}/${iso.slice(11, 13)}`;
}
