import type { EventOutcome } from "../../shared/core/outcome";
import { rejectionEntryName } from "../../shared/rejections/rejectionStore";
import type { ReplayItem } from "./sources";

/** What a replay counts; a dry run counts what it says would happen, under the same names. */
export type ReplayCounts = Record<
  | "read"
  | "events"
  | "submitted"
  | "duplicate"
  | "held"
  | "ignored"
  | "rejected"
  | "failed"
  | "published"
  | "removed"
  | "kept"
  | "corrupt",
  number
>;

/** Every count at zero, in the order the summary prints them. */
export function emptyCounts(): ReplayCounts {
  return {
    read: 0,
    events: 0,
    submitted: 0,
    duplicate: 0,
    held: 0,
    ignored: 0,
    rejected: 0,
    failed: 0,
    published: 0,
    removed: 0,
    kept: 0,
    corrupt: 0,
  };
}

/** What one item's events came to: the last reason one failed, and the rejection entries they (re)wrote. */
export interface ItemResult {
  failure?: string;
  rewritten: Set<string>;
}

/**
 * Counts one event's outcome (a plan's or a run's) and notes each rejection in it, under the entry
 * name the function records it by: every line `describeOutcome` prints as an error is one rejection.
 */
export function tallyOutcome(
  counts: ReplayCounts,
  result: ItemResult,
  outcome: EventOutcome,
  raw: unknown,
): void {
  const reject = (eventId: string | null, workflow: string | null, reason: string) => {
    counts.rejected += 1;
    result.failure = reason;
    result.rewritten.add(rejectionEntryName(eventId, workflow, raw));
  };
  if (outcome.kind === "ignored") counts.ignored += 1;
  else if (outcome.kind === "rejected") reject(outcome.eventId, null, outcome.reason);
  else {
    for (const w of outcome.workflows) {
      if (w.kind === "rejected") reject(outcome.event.id, w.workflow, w.reason);
      // A dry run's `planned` job is the one a replay would submit.
      else counts[w.kind === "planned" ? "submitted" : w.kind] += 1;
    }
    // A refused report is recorded as `<workflow>.report` (shared/core/processEvent.ts).
    for (const r of outcome.reports ?? [])
      if (r.kind === "rejected") reject(outcome.event.id, `${r.workflow}.report`, r.reason);
  }
}

/** What becomes of a replayed item. */
export type Settlement = "removed" | "removed, rejected elsewhere" | "kept" | "kept, rewritten";

/**
 * Removed when every event went through, or when the rejection came back under other entries
 * only; kept otherwise. A rejection rewritten under its own name already holds its new reason.
 */
export function settleItem(item: ReplayItem, result: ItemResult): Settlement {
  const inPlace = item.rejectionName !== undefined && result.rewritten.has(item.rejectionName);
  if (result.failure === undefined) return "removed";
  if (item.rejectionName !== undefined && !inPlace && result.rewritten.size > 0)
    return "removed, rejected elsewhere";
  return inPlace ? "kept, rewritten" : "kept";
}

/** The line a settled item gets: what was done, or in a dry run what would be. */
export function settlementLine(
  settlement: Settlement,
  failure: string | undefined,
  dryRun: boolean,
): string {
  switch (settlement) {
    case "removed":
      return dryRun ? "would replay and be removed" : "replayed, removed";
    case "removed, rejected elsewhere":
      return dryRun
        ? "would be rejected again under another entry, and removed"
        : "rejected again under another entry, removed";
    default:
      return `${dryRun ? "would fail again and be kept" : "failed again, kept"} — ${failure ?? ""}`;
  }
}
