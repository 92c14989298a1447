import { createHash } from "node:crypto";

/**
 * Deterministic job name for (event id, workflow name): a redelivered event maps to the same job,
 * another workflow on the same event to another job. Matches ARM's `^[a-zA-Z0-9][a-zA-Z0-9\-_]{0,254}$`.
 */
export function jobNameFor(eventId: string, workflowName: string): string {
  const digest = createHash("sha256").update(eventId, "utf8").digest("hex").slice(0, 24);
  return `${workflowName}-${digest}`;
}

/** ARM's pattern for a job id (jobs-swagger-extract.json, Jobs_CreateOrUpdate). */
export const JOB_NAME_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9\-_]{0,254}$/;
