import { createHash } from "node:crypto";

/**
 * What identifies an event: CloudEvents ids are unique per source only, so the key is a hash of
 * both. It is also the lineage tag a redelivery is recognised by (a hash keeps long ids whole,
 * where a tag value would be clipped).
 */
export function eventKey(source: string, id: string): string {
  return createHash("sha256").update(`${source}\n${id}`, "utf8").digest("hex");
}

/**
 * What identifies the step a chained workflow takes after an upstream job: the workspace (ARM ids
 * compare without case) and the job, never the event id, so that two RunCompleted events for one
 * job (a publisher's duplicate) name the same job.
 */
export function upstreamKey(workspace: string, jobId: string): string {
  return createHash("sha256")
    .update(`upstream\n${workspace.toLowerCase()}\n${jobId}`, "utf8")
    .digest("hex");
}

/**
 * What identifies a model version for the workflows a tag change starts: the workspace (without
 * case), the model's name and version. A promotion runs once per version, not once per tag edit.
 */
export function modelVersionKey(
  workspace: string,
  model: { name: string; version: string },
): string {
  return createHash("sha256")
    .update(`model-version\n${workspace.toLowerCase()}\n${model.name}\n${model.version}`, "utf8")
    .digest("hex");
}

/**
 * Deterministic job name for (lineage key, workflow name): a redelivered event maps to the same job,
 * another workflow on the same event to another job. Matches ARM's `^[a-zA-Z0-9][a-zA-Z0-9\-_]{0,254}$`.
 */
export function jobNameFor(key: string, workflowName: string): string {
  return `${workflowName}-${key.slice(0, 24)}`;
}

/** ARM's pattern for a job id (jobs-swagger-extract.json, Jobs_CreateOrUpdate). */
export const JOB_NAME_PATTERN = /^[a-zA-Z0-9][a-zA-Z0-9\-_]{0,254}$/;
