import { type OutcomeRecord, recordField } from "../../shared/core/outcomeRecords";
import { UsageError } from "../cli/runCommand";

/** An outcome record with the time its line was logged (ISO 8601). */
export type LoggedRecord = { time: string } & OutcomeRecord;

/** Which records `amlwf logs` shows. Text values are as a record holds them (see `recordField`). */
export interface RecordFilter {
  /** Epoch ms: records logged at or after it. */
  since: number;
  event?: string;
  /** The workflow, whose report records (`<workflow>.report`) match too. */
  workflow?: string;
  /** `name:version` to match exactly, or `name:` to match every version. */
  model?: { exact: string } | { prefix: string };
}

/** How far back `--since` looks when it is not given. */
export const DEFAULT_SINCE = "1h";

const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** `30m`, `2h`, `1d` back from `now`, or an ISO 8601 time; a usage error otherwise. */
export function parseSince(text: string, now: number): number {
  const ago = /^(\d+)([mhd])$/.exec(text.trim());
  if (ago) return now - Number(ago[1]) * UNIT_MS[ago[2] as keyof typeof UNIT_MS];
  // Only a date or date-time: Date.parse also reads "1" or "June" as some date.
  const at = /^\d{4}-\d\d-\d\d/.test(text.trim()) ? Date.parse(text) : NaN;
  if (Number.isNaN(at))
    throw new UsageError(
      `--since "${text}" is neither a duration (30m, 2h, 1d) nor an ISO 8601 time (2026-12-06T09:00:00Z)`,
    );
  return at;
}

function parseModel(text: string): RecordFilter["model"] {
  const at = text.lastIndexOf(":");
  if (text === "" || at === 0 || at === text.length - 1)
    throw new UsageError(`--model "${text}" must be <name> or <name>:<version>`);
  return at < 0 ? { prefix: recordField(`${text}:`) } : { exact: recordField(text) };
}

/** The filter the options ask for, at `now`. */
export function readFilter(
  values: { event?: string; model?: string; workflow?: string; since?: string },
  now: number,
): RecordFilter {
  const filter: RecordFilter = { since: parseSince(values.since ?? DEFAULT_SINCE, now) };
  if (values.event !== undefined) filter.event = recordField(values.event);
  if (values.workflow !== undefined) filter.workflow = recordField(values.workflow);
  if (values.model !== undefined) filter.model = parseModel(values.model);
  return filter;
}

/** Whether a record passes the filter: the same test the KQL query makes in Azure. */
export function matchesFilter(record: LoggedRecord, filter: RecordFilter): boolean {
  if (Date.parse(record.time) < filter.since) return false;
  if (filter.event !== undefined && record.event !== filter.event) return false;
  if (
    filter.workflow !== undefined &&
    record.workflow !== filter.workflow &&
    record.workflow !== `${filter.workflow}.report`
  )
    return false;
  const { model } = filter;
  if (model === undefined) return true;
  if ("exact" in model) return record.model === model.exact;
  return record.model?.startsWith(model.prefix) === true;
}
