import type { EventOutcome } from "./outcome";
import { printable } from "./printable";

/** What starts every record line; a query finds the records with `message startswith "outcome {"`. */
export const OUTCOME_RECORD_PREFIX = "outcome ";

/** The longest a record's text value may be (an event id or type comes from the sender). */
export const RECORD_FIELD_LIMIT = 256;

/** Every outcome a record may say, for a reader to check a line against. */
export const RECORD_OUTCOMES = [
  "planned",
  "submitted",
  "duplicate",
  "rejected",
  "ignored",
  "tagged",
  "unchanged",
  "held",
  "superseded",
] as const;

/** What happened, as a record says it: a workflow outcome's kind, or the event's when it started none. */
export type RecordOutcome = (typeof RECORD_OUTCOMES)[number];

/**
 * One (event, workflow) outcome as data, for Azure Monitor queries. It holds nothing of the event
 * but its id and type: the reasons stay in the human lines, which may quote the event's content.
 */
export interface OutcomeRecord {
  /** The event's id (empty when it had none). */
  event: string;
  /** The event's type, as sent (empty when it could not be read). */
  eventType: string;
  /** The workflow, or `<workflow>.report` for a write onto a model; absent when the event started none. */
  workflow?: string;
  /** The job's name, when there is one. */
  job?: string;
  /** `name:version` of the model the event names (for a report, the model written onto); absent when it names none. */
  model?: string;
  outcome: RecordOutcome;
  /** Milliseconds from the event's time to this outcome; absent when the event carried no readable time. */
  latencyMs?: number;
}

/** A value as a record holds it: redacted, escaped and bounded (a search compares against this form). */
export const recordField = (text: string): string => printable(text, RECORD_FIELD_LIMIT);

function latencyMs(time: string | undefined, now: number): number | undefined {
  const at = time === undefined ? NaN : Date.parse(time);
  // A sender's clock ahead of ours is not a negative wait.
  return Number.isNaN(at) ? undefined : Math.max(0, Math.round(now - at));
}

/** The records of one event's outcome at `now` (epoch ms): one per workflow and report, or one for the event when it started none. */
export function outcomeRecords(outcome: EventOutcome, now: number): OutcomeRecord[] {
  if (outcome.kind === "rejected")
    return [
      record(outcome.eventId ?? "", outcome.event?.type ?? "", "rejected", {
        model: outcome.event?.model,
        latency: latencyMs(outcome.event?.time, now),
      }),
    ];
  const { event } = outcome;
  const latency = latencyMs(event.time, now);
  const model = event.model;
  if (outcome.kind === "ignored")
    return [record(event.id, event.type, "ignored", { model, latency })];
  return [
    ...outcome.workflows.map((w) =>
      record(event.id, event.type, w.kind, {
        workflow: w.workflow,
        job: w.kind === "held" ? undefined : w.jobName,
        model,
        latency,
      }),
    ),
    ...(outcome.reports ?? []).map((r) =>
      record(event.id, event.type, r.kind, {
        workflow: `${r.workflow}.report`,
        model: r.model,
        latency,
      }),
    ),
  ];
}

function record(
  id: string,
  type: string,
  outcome: RecordOutcome,
  more: { workflow?: string; job?: string; model?: string; latency?: number | undefined },
): OutcomeRecord {
  const { workflow, job, model, latency } = more;
  return {
    event: recordField(id),
    eventType: recordField(type),
    ...(workflow === undefined ? {} : { workflow: recordField(workflow) }),
    ...(job === undefined ? {} : { job: recordField(job) }),
    ...(model === undefined ? {} : { model: recordField(model) }),
    outcome,
    ...(latency === undefined ? {} : { latencyMs: latency }),
  };
}

/**
 * The log line of one record: the prefix, then the record as JSON. Each value went through
 * `printable` on its own; the line does not, since redacting across JSON escapes could break it.
 */
export function outcomeRecordLine(record: OutcomeRecord): string {
  return `${OUTCOME_RECORD_PREFIX}${JSON.stringify(record)}`;
}
