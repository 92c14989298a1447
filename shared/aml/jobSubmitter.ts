import { LINEAGE_TAGS } from "../constants";
import { isRecord } from "../guards";
import type { JobRequest } from "./jobRequest";
import type { LabelLookup } from "./labelLookup";

/** A job to create, with what identifies it as ours. */
export interface JobToSubmit {
  jobName: string;
  eventId: string;
  /** eventKey(source, id): the lineage a job of this event carries. */
  eventKey: string;
  workflow: string;
  request: JobRequest;
  /** `name@label` references to look up before the PUT; their answers replace them in the body. */
  lookups?: LabelLookup[];
}

/**
 * How a submission ended; transient failures are thrown as TransientError instead. `lookups` are
 * the job's look-ups with the version each found, when the submitter made them.
 */
export type SubmitResult =
  | { kind: "submitted" | "duplicate"; lookups?: LabelLookup[] }
  | { kind: "rejected"; reason: string };

/** Creates jobs: against ARM, or into the dry-run folder. */
export interface JobSubmitter {
  submit(job: JobToSubmit): Promise<SubmitResult>;
}

/** Whether a job resource carries this event's lineage for this workflow, the only proof it is ours. */
export function carriesLineageOf(existing: unknown, job: JobToSubmit): boolean {
  const properties = isRecord(existing) && isRecord(existing.properties) ? existing.properties : {};
  const tags = isRecord(properties.tags) ? properties.tags : {};
  return (
    tags[LINEAGE_TAGS.eventKey] === job.eventKey && tags[LINEAGE_TAGS.workflow] === job.workflow
  );
}

/** The rejection for a job under our name that this event did not start for this workflow. */
export function nameCollision(job: JobToSubmit): SubmitResult {
  return {
    kind: "rejected",
    reason: `name collision: job ${job.jobName} already exists and was not started by event ${job.eventId} for workflow ${job.workflow}`,
  };
}

/** What to do about a job that already exists under our name: ours (a redelivery) or someone else's. */
export function judgeExistingJob(existing: unknown, job: JobToSubmit): SubmitResult {
  return carriesLineageOf(existing, job) ? { kind: "duplicate" } : nameCollision(job);
}
