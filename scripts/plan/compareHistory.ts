import type { ArchiveLine } from "../../shared/archive/eventArchive";
import type { EventOutcome } from "../../shared/core/outcome";
import { rawEventId } from "../../shared/events/normalizeEvent";
import { shortEventType } from "../../shared/workflows/eventTypes";
import type { JobStatus } from "../status/collectStatus";
import { type HeldEvent, memberOf, simulateWindows } from "./coalesceWindows";
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

/** An event a coalescing window would have taken, and the window's latest event its one job runs on instead. */
export interface SupersededEntry extends EventRef {
  /** The job it plans on its own, which the window does not start. */
  jobName: string;
  /** The coalescing key as rendered for it, and when its window would open and close. */
  key: string;
  window: { opensAt: string; closesAt: string };
  supersededBy: EventRef & { jobName: string };
}

/** One workflow's three lists, and the events its coalescing windows would supersede. */
export interface WorkflowHistory {
  both: HistoryEntry[];
  wouldOnly: HistoryEntry[];
  didOnly: HistoryEntry[];
  superseded: SupersededEntry[];
  /** For a workflow whose planned events coalesce: how many windows they would make. */
  windows?: number;
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
  superseded: ReadonlyMap<string, SupersededEntry>,
): string | undefined {
  if (!configured.has(workflow)) return `the config has no workflow ${workflow}`;
  if (seen === undefined) return undefined;
  const { outcome } = seen;
  const by = seen.ref.event === null ? undefined : superseded.get(seen.ref.event)?.supersededBy;
  if (by !== undefined)
    return `its coalescing window would run ${by.jobName} on a later event, ${by.event ?? "<no id>"} (${by.subject})`;
  if (outcome.kind === "rejected") return `the event would be rejected: ${outcome.reason}`;
  const skipped = outcome.skipped.find((s) => s.workflow === workflow)?.why;
  if (skipped !== undefined) return skipped;
  if (outcome.kind === "ignored") return outcome.reason;
  const planned = outcome.workflows.find((w) => w.workflow === workflow);
  if (planned?.kind === "rejected") return `it would be rejected: ${planned.reason}`;
  if (planned?.kind === "held")
    return `it would be held in coalescing window "${planned.window.key}"`;
  return planned === undefined ? undefined : `it would start ${planned.jobName} instead`;
}

/**
 * Plans every archived event with `plan` and compares, per workflow and by job name (deterministic:
 * a chain step's and a tag-change step's from their own keys), with the jobs that exist: a job
 * counts as started from the window when its name was made from a lineage key of an event in it.
 * A coalescing workflow's events are drawn into windows by when they were received (simulateWindows):
 * each window would start the job of its latest event, and its other events are superseded. A
 * window is drawn from the events in the archive's stretch only: one opened before `since` is not.
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
  const wouldOf = (workflow: string) => {
    const planned = would.get(workflow) ?? new Map<string, HistoryEntry>();
    would.set(workflow, planned);
    return planned;
  };
  const held = new Map<string, HeldEvent<EventRef>[]>();
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
      // Planning holds nothing: `held` is what processing makes of a coalescing workflow's plan.
      if (w.kind === "held") continue;
      if (w.coalesce !== undefined) {
        const events = held.get(w.workflow) ?? [];
        held.set(w.workflow, events);
        const member = memberOf(outcome.event, line.receivedAt);
        events.push({ ref, member, jobName: w.jobName, ...w.coalesce });
        continue;
      }
      const planned = wouldOf(w.workflow);
      // A redelivered event is archived again, and plans the same job.
      if (!planned.has(w.jobName)) planned.set(w.jobName, { ...ref, jobName: w.jobName });
    }
  }

  // Event id → its superseded entry, per workflow.
  const superseded = new Map<string, Map<string, SupersededEntry>>();
  const windows = new Map<string, number>();
  for (const [workflow, events] of held) {
    const drawn = simulateWindows(events);
    windows.set(workflow, drawn.length);
    const planned = wouldOf(workflow);
    const lost = new Map<string, SupersededEntry>();
    superseded.set(workflow, lost);
    for (const { key, opensAt, closesAt, latest, superseded: others } of drawn) {
      if (!planned.has(latest.jobName))
        planned.set(latest.jobName, { ...latest.ref, jobName: latest.jobName });
      for (const o of others)
        lost.set(o.member.eventId, {
          ...o.ref,
          jobName: o.jobName,
          key,
          window: { opensAt, closesAt },
          supersededBy: { ...latest.ref, jobName: latest.jobName },
        });
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
    const lost = superseded.get(name) ?? new Map<string, SupersededEntry>();
    const history: WorkflowHistory = {
      both: [],
      wouldOnly: [],
      didOnly: [],
      superseded: [...lost.values()],
    };
    const drawn = windows.get(name);
    if (drawn !== undefined) history.windows = drawn;
    for (const entry of planned.values()) {
      const job = existing.get(entry.jobName);
      if (job === undefined) history.wouldOnly.push(entry);
      else history.both.push({ ...entry, status: job.status });
    }
    for (const { job, seen } of did.get(name) ?? []) {
      if (planned.has(job.job)) continue;
      const why = whyNot(seen, name, known, lost);
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
