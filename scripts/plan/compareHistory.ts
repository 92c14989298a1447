import type { ArchiveLine } from "../../shared/archive/eventArchive";
import type { EventOutcome } from "../../shared/core/outcome";
import { rawEventId } from "../../shared/events/normalizeEvent";
import { shortEventType } from "../../shared/workflows/eventTypes";
import type { JobStatus } from "../status/collectStatus";
import { keyPrefix, keyPrefixOfJob, lineageKeysOf } from "./lineageKeys";

/** An archived event as a comparison's line names it. */
export interface EventRef {
  event: string | null;
  /** Its type, without the Azure ML or watcher prefix. */
  type: string;
  /** The model `name:version` it carries, else its subject. */
  subject: string;
  receivedAt: string;
}

/** One job in a comparison: the event, and the job name (what would be, or was, submitted). */
export interface HistoryEntry extends EventRef {
  jobName: string;
  /** The job's status, for one that exists. */
  status?: string;
  /** For a job the config would no longer start: the first reason it does not. */
  why?: string;
}

/** One workflow's three lists. */
export interface WorkflowHistory {
  both: HistoryEntry[];
  wouldOnly: HistoryEntry[];
  didOnly: HistoryEntry[];
}

/** An event (workflow null) or an (event, workflow) the config would reject. */
export interface RejectedEntry extends EventRef {
  workflow: string | null;
  reason: string;
}

/** What a configuration over the archive's events comes to, beside what they actually started. */
export interface HistoryComparison {
  /** Archived events read (corrupt lines not among them). */
  events: number;
  workflows: Record<string, WorkflowHistory>;
  rejected: RejectedEntry[];
  corrupt: { where: string; reason: string }[];
  /** Jobs with this project's lineage looked at. */
  jobs: number;
}

interface Seen {
  ref: EventRef;
  outcome: EventOutcome;
}

function refOf(outcome: EventOutcome, event: unknown, receivedAt: string): EventRef {
  const summary = outcome.event;
  if (summary === undefined)
    return { event: rawEventId(event), type: "?", subject: "", receivedAt };
  return {
    event: summary.id,
    type: shortEventType(summary.type),
    subject: summary.model ?? summary.subject,
    receivedAt,
  };
}

/** Why the planned outcome does not start `jobName` for `workflow`, as far as it says. */
function whyNot(
  seen: Seen | undefined,
  workflow: string,
  configured: ReadonlySet<string>,
): string | undefined {
  if (!configured.has(workflow)) return `the config has no workflow ${workflow}`;
  if (seen === undefined) return undefined;
  const { outcome } = seen;
  if (outcome.kind === "rejected") return `the event would be rejected: ${outcome.reason}`;
  const skipped = outcome.skipped.find((s) => s.workflow === workflow)?.why;
  if (skipped !== undefined) return skipped;
  if (outcome.kind === "ignored") return outcome.reason;
  const planned = outcome.workflows.find((w) => w.workflow === workflow);
  if (planned?.kind === "rejected") return `it would be rejected: ${planned.reason}`;
  return planned === undefined ? undefined : `it would start ${planned.jobName} instead`;
}

/**
 * Plans every archived event with `plan` and compares, per workflow and by job name (deterministic:
 * a chain step's and a tag-change step's from their own keys), with the jobs that exist: a job
 * counts as started from the window when its name was made from a lineage key of an event in it.
 */
export async function compareHistory(
  lines: AsyncIterable<ArchiveLine>,
  plan: (raw: unknown) => EventOutcome,
  jobs: () => AsyncIterable<JobStatus>,
  configured: readonly string[],
): Promise<HistoryComparison> {
  const result: HistoryComparison = {
    events: 0,
    workflows: {},
    rejected: [],
    corrupt: [],
    jobs: 0,
  };
  const byKey = new Map<string, Seen>();
  const would = new Map<string, Map<string, HistoryEntry>>();
  for await (const line of lines) {
    if ("corrupt" in line) {
      result.corrupt.push({ where: line.where, reason: line.corrupt });
      continue;
    }
    result.events += 1;
    const outcome = plan(line.event);
    const ref = refOf(outcome, line.event, line.receivedAt);
    for (const key of lineageKeysOf(line.event))
      if (!byKey.has(keyPrefix(key))) byKey.set(keyPrefix(key), { ref, outcome });
    if (outcome.kind === "rejected")
      result.rejected.push({ ...ref, workflow: null, reason: outcome.reason });
    if (outcome.kind !== "processed") continue;
    for (const w of outcome.workflows) {
      if (w.kind === "rejected") {
        result.rejected.push({ ...ref, workflow: w.workflow, reason: w.reason });
        continue;
      }
      const planned = would.get(w.workflow) ?? new Map<string, HistoryEntry>();
      would.set(w.workflow, planned);
      // A redelivered event is archived again, and plans the same job.
      if (!planned.has(w.jobName)) planned.set(w.jobName, { ...ref, jobName: w.jobName });
    }
  }

  const existing = new Map<string, JobStatus>();
  const did = new Map<string, { job: JobStatus; seen: Seen }[]>();
  for await (const job of jobs()) {
    result.jobs += 1;
    existing.set(job.job, job);
    if (job.workflow === undefined) continue;
    const prefix = keyPrefixOfJob(job.job, job.workflow);
    const seen = prefix === undefined ? undefined : byKey.get(prefix);
    if (seen === undefined) continue;
    did.set(job.workflow, [...(did.get(job.workflow) ?? []), { job, seen }]);
  }

  const known = new Set(configured);
  const names = [
    ...configured,
    ...[...new Set([...would.keys(), ...did.keys()])].filter((n) => !known.has(n)).sort(),
  ];
  for (const name of names) {
    const planned = would.get(name) ?? new Map<string, HistoryEntry>();
    const history: WorkflowHistory = { both: [], wouldOnly: [], didOnly: [] };
    for (const entry of planned.values()) {
      const job = existing.get(entry.jobName);
      if (job === undefined) history.wouldOnly.push(entry);
      else history.both.push({ ...entry, status: job.status });
    }
    for (const { job, seen } of did.get(name) ?? []) {
      if (planned.has(job.job)) continue;
      const why = whyNot(seen, name, known);
      history.didOnly.push({
        ...seen.ref,
        jobName: job.job,
        status: job.status,
        ...(why === undefined ? {} : { why }),
      });
    }
    history.didOnly.sort((a, b) => a.receivedAt.localeCompare(b.receivedAt));
    result.workflows[name] = history;
  }
  return result;
}
