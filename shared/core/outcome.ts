import type { JobRequest } from "../aml/jobRequest";
import type { LabelLookup } from "../aml/labelLookup";

/** The event an outcome is about, as people recognise it. */
export interface EventSummary {
  id: string;
  type: string;
  source: string;
  subject: string;
  /** When the event happened (its `eventTime` or `time`), as sent; absent when it carries none. */
  time?: string;
  /** `name:version` of the registered model, when the event carries one. */
  model?: string;
}

/** A workflow the event did not start, and the first condition that failed for it. */
export interface SkippedWorkflow {
  workflow: string;
  why: string;
}

/**
 * What happened to one (event, workflow) pair. `planned` is a job that would be submitted (plan, or
 * before the call); a transient failure is thrown instead of returned.
 */
export type WorkflowOutcome =
  | {
      kind: "planned" | "submitted" | "duplicate";
      workflow: string;
      jobName: string;
      /** The job as bound; label references in its body are still as written. */
      request: JobRequest;
      /** `name@label` references looked up before the PUT, with the version found once submitted to ARM. */
      lookups?: LabelLookup[];
      /** The workflow coalesces: this event goes into the window of `key`, not straight to a job. */
      coalesce?: { key: string; windowSeconds: number };
    }
  | {
      kind: "held";
      workflow: string;
      /** The coalescing window the event went into; its job runs when the window closes. */
      window: HeldWindow;
    }
  | { kind: "rejected"; workflow: string; jobName?: string; reason: string };

/** Where a held event waits: one window per (workflow, key), closing at `closesAt`. */
export interface HeldWindow {
  key: string;
  id: string;
  /** When the window closes, or (`closed`) closed. */
  closesAt: string;
  /**
   * `opened` by this event, `joined` an open one; a redelivery of an event already held is `again`,
   * or `closed` when its window has closed since.
   */
  how: "opened" | "joined" | "again" | "closed";
  /** The window's latest event so far (its model `name:version`, else its id): the one its job will run on; absent once closed. */
  latest?: string;
  /** Events in the window so far, this one included; absent once closed. */
  events?: number;
}

/** A job's outcome written back onto the model version (`report: model-tags`). */
export type ReportOutcome =
  | {
      kind: "planned" | "tagged" | "unchanged";
      workflow: string;
      /** The workspace's ARM id. */
      workspace: string;
      model: string;
      tags: Record<string, string>;
    }
  | { kind: "rejected"; workflow: string; model: string; reason: string };

/** What happened to one event: the one vocabulary of the function's logs, `plan` and `replay`. */
export type EventOutcome =
  | {
      kind: "rejected";
      eventId: string | null;
      reason: string;
      /** The event, when it could be read (a trusted shape from an untrusted source). */
      event?: EventSummary;
    }
  | { kind: "ignored"; event: EventSummary; reason: string; skipped: SkippedWorkflow[] }
  | {
      kind: "processed";
      /** eventKey(source, id): its jobs' names and lineage are made from it (a chain step's from its upstream job). */
      event: EventSummary & { key: string };
      workflows: WorkflowOutcome[];
      skipped: SkippedWorkflow[];
      /** Outcomes written back onto models, for a job that ended. */
      reports?: ReportOutcome[];
    };
