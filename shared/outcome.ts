import type { JobRequest } from "./aml/jobRequest";

/** What happened to one (event, workflow) pair; a transient failure is thrown instead. */
export type WorkflowOutcome =
  | { kind: "submitted"; workflow: string; jobName: string; request: JobRequest }
  | { kind: "duplicate"; workflow: string; jobName: string; request: JobRequest }
  | { kind: "rejected"; workflow: string | null; jobName?: string; reason: string };

/** What happened to one event: the outcome of every workflow it matched, or why none ran. */
export type EventOutcome =
  | { kind: "ignored"; eventId: string; eventType: string; reason: string }
  | { kind: "rejected"; eventId: string | null; reason: string }
  | { kind: "processed"; eventId: string; workflows: WorkflowOutcome[] };

/** A failure worth retrying (throttling, 5xx, network): the handler rethrows it so Event Grid redelivers. */
export class TransientError extends Error {
  override readonly name = "TransientError";
}

/** Turns anything thrown into an Error, keeping its message. */
export function ensureError(value: unknown): Error {
  if (value instanceof Error) return value;
  return new Error(typeof value === "string" ? value : JSON.stringify(value));
}

/** A value or a list of problems: bad input is returned, not thrown. */
export type Result<T> = { ok: true; value: T } | { ok: false; errors: string[] };
