import { eventKey } from "../../shared/aml/jobName";
import type { ArchiveLine } from "../../shared/archive/eventArchive";
import { printable } from "../../shared/core/printable";
import type { Runtime } from "../../shared/core/runtime";
import { normalizeEvent } from "../../shared/events/normalizeEvent";
import { isRecord } from "../../shared/guards";
import { UsageError } from "../cli/runCommand";
import type { ArchiveWindow } from "../plan/windowOptions";
import { asNewEvent, eventLabel } from "../sendEvent/buildEvents";
import { corruptItem, type ReplayItem } from "./sources";

/** How `replay --from archive` re-delivers: as the same events or as new ones, and for which workflow. */
export interface ArchiveReplay {
  asNew: boolean;
  /** Only the events the config would start this workflow for, and (to local) only it runs. */
  workflow?: string;
  /** Published to Event Grid (`--to <endpoint>`) rather than run here. */
  published: boolean;
}

/** What the archive held that is not replayed, counted as it is read. */
export interface ArchiveSkips {
  /** Events the config would not start `--workflow` for. */
  workflow: number;
  /** Deliveries of an event already replayed (Event Grid's redeliveries are archived too). */
  repeated: number;
}

/** The archived events to replay, and what was left out once they have been read. */
export interface ArchiveItems {
  items: AsyncIterable<ReplayItem>;
  skipped: ArchiveSkips;
  /** What is replayed, and how, for the first line on stderr. */
  header: string;
}

/** `replay --help`'s lines for `--from archive` and the options only it takes. */
export const ARCHIVE_HELP = `  --from archive the events the function archived (received in [--since, --until), --since required,
                 30m|2h|1d|ISO time; --until defaults to now), oldest first; nothing is removed from
                 the archive. Without --as-new they are the same events: those already done come out
                 duplicate. --as-new gives each a fresh id and time (the lines say "as new event <id>"),
                 so the workflows they match start again — except chain steps and steps after a tag
                 change, keyed by their upstream job or model version. --workflow NAME keeps only the
                 events the config would start NAME for (it says how many it skipped) and, to local,
                 runs NAME alone; published to Event Grid, the function runs every workflow they match.`;

/** A usage error for the first option only `--from archive` takes, given with another source. */
export function refuseArchiveOptions(
  values: Record<"until" | "workflow" | "as-new", string | boolean | undefined>,
): void {
  const given = Object.entries(values).find(([, v]) => v !== undefined)?.[0];
  if (given !== undefined) throw new UsageError(`--${given} goes with --from archive`);
}

/** The lines saying what the archive held that was not replayed. */
export function skippedLines(skipped: ArchiveSkips, workflow: string | undefined): string[] {
  return [
    ...(skipped.repeated > 0
      ? [`skipped ${skipped.repeated} repeated deliver(ies) of an event already replayed`]
      : []),
    ...(workflow === undefined
      ? []
      : [
          `skipped ${skipped.workflow} archived event(s) the config would not start ${workflow} for`,
        ]),
  ];
}

const idOf = (event: unknown) => (isRecord(event) && typeof event.id === "string" ? event.id : "");

/** What makes two deliveries one event: its key (source and id), else its whole text. */
function identityOf(event: unknown): string {
  const read = normalizeEvent(event);
  return read.ok ? eventKey(read.value.source, read.value.id) : JSON.stringify(event);
}

/** Whether the runtime's config would start `workflow` for the event. */
function wouldStart(runtime: Runtime, workflow: string, event: unknown): boolean {
  const outcome = runtime.plan(event);
  return (
    outcome.kind === "processed" &&
    outcome.workflows.some((w) => w.workflow === workflow && w.kind !== "rejected")
  );
}

async function* itemsFrom(
  lines: AsyncIterable<ArchiveLine>,
  keep: (event: unknown) => boolean,
  asNew: boolean,
  skipped: ArchiveSkips,
): AsyncIterable<ReplayItem> {
  const noop = () => Promise.resolve();
  const seen = new Set<string>();
  for await (const line of lines) {
    if ("corrupt" in line) {
      yield corruptItem(line.where, line.corrupt);
      continue;
    }
    // Replayed once: as new events, two deliveries of one event would start its workflows twice.
    const identity = identityOf(line.event);
    if (seen.has(identity)) {
      skipped.repeated += 1;
      continue;
    }
    seen.add(identity);
    if (!keep(line.event)) {
      skipped.workflow += 1;
      continue;
    }
    const event = asNew ? asNewEvent(line.event) : line.event;
    const label = printable(
      `${line.receivedAt} ${eventLabel(line.event)}${asNew ? ` as new event ${idOf(event)}` : ""}`,
      300,
    );
    yield {
      label,
      time: line.receivedAt,
      events: [event],
      archived: true,
      remove: noop,
      markFailed: noop,
    };
  }
}

/**
 * The archive's events received in the window, oldest first, each as the same event or (asNew) a
 * new one. With a workflow, the runtime is narrowed to it: its plan chooses the events, and a
 * replay to local runs that workflow alone.
 */
export function archiveItems(
  runtime: Runtime,
  window: ArchiveWindow,
  replay: ArchiveReplay,
): ArchiveItems {
  const { workflow } = replay;
  if (workflow !== undefined) {
    const only = runtime.config.workflows.filter((w) => w.name === workflow);
    if (only.length === 0)
      throw new UsageError(
        `--workflow ${workflow}: the config (${runtime.config.file}) has no such workflow; it has ${runtime.config.workflows.map((w) => w.name).join(", ") || "none"}`,
      );
    runtime.replaceConfig({ ...runtime.config, workflows: only });
  }
  const skipped: ArchiveSkips = { workflow: 0, repeated: 0 };
  const keep = (event: unknown) =>
    workflow === undefined ? true : wouldStart(runtime, workflow, event);
  const how = replay.asNew
    ? "each as a new event (a fresh id and time)"
    : "as the same events (those already done are duplicates)";
  const only =
    workflow === undefined
      ? ""
      : replay.published
        ? `; only those that start ${workflow}, which Event Grid delivers to the function, where every workflow they match runs`
        : `; only those that start ${workflow}, and only it runs`;
  return {
    header: `replaying from ${runtime.archive.location}: events received from ${window.since.toISOString()} to ${window.until.toISOString()}, ${how}${only}`,
    items: itemsFrom(runtime.archive.read(window.since, window.until), keep, replay.asNew, skipped),
    skipped,
  };
}
