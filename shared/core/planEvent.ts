import { jobNameFor } from "../aml/jobName";
import { type JobRequest, jobUrl } from "../aml/jobRequest";
import type { Workspace } from "../aml/workspace";
import { LINEAGE_TAGS } from "../constants";
import { type NormalizedEvent, normalizeEvent, rawEventId } from "../events/normalizeEvent";
import { toRestPipelineJob } from "../pipeline/toRestPipelineJob";
import { bindInputs } from "../workflows/bindInputs";
import { matchWorkflows } from "../workflows/matchWorkflows";
import type { Workflow, WorkflowsConfig } from "../workflows/workflow";

/** What planning needs: the config and where jobs would go. */
export interface PlanContext {
  config: WorkflowsConfig;
  workspace: Workspace;
  armEndpoint: string;
}

/** One matching workflow's plan: a job to submit, or why it cannot be. */
export type WorkflowPlan =
  | { kind: "submit"; workflow: string; eventId: string; jobName: string; request: JobRequest }
  | { kind: "rejected"; workflow: string; reason: string };

/** The plan for one event, computed without sending anything. */
export type EventPlan =
  | { kind: "rejected"; eventId: string | null; reason: string }
  | { kind: "ignored"; event: NormalizedEvent; reason: string }
  | { kind: "matched"; event: NormalizedEvent; workflows: WorkflowPlan[] };

// ARM tag values are limited in length; keep lineage readable and within bounds.
const clip = (value: string) => (value.length > 256 ? `${value.slice(0, 253)}...` : value);

/** Tags that tie a job to the event and workflow that started it. */
export function lineageTags(event: NormalizedEvent, workflow: string): Record<string, string> {
  const tags: Record<string, string> = {
    [LINEAGE_TAGS.eventId]: clip(event.id),
    [LINEAGE_TAGS.eventType]: clip(event.type),
    [LINEAGE_TAGS.source]: clip(event.source),
    [LINEAGE_TAGS.subject]: clip(event.subject),
    [LINEAGE_TAGS.workflow]: workflow,
  };
  if (event.model) tags[LINEAGE_TAGS.model] = clip(`${event.model.name}:${event.model.version}`);
  return tags;
}

function planWorkflow(
  workflow: Workflow,
  event: NormalizedEvent,
  context: PlanContext,
): WorkflowPlan {
  const inputs = bindInputs(workflow, event);
  if (!inputs.ok)
    return { kind: "rejected", workflow: workflow.name, reason: inputs.errors.join("; ") };
  const jobName = jobNameFor(event.id, workflow.name);
  const trigger = event.model
    ? `${event.model.name}:${event.model.version}`
    : event.subject || event.id;
  const body = toRestPipelineJob(workflow.pipeline, context.workspace, {
    inputs: inputs.value,
    experimentName: workflow.experiment,
    displayName: workflow.pipeline.displayName ?? clip(`${workflow.name} (${trigger})`),
    tags: lineageTags(event, workflow.name),
  });
  return {
    kind: "submit",
    workflow: workflow.name,
    eventId: event.id,
    jobName,
    request: { method: "PUT", url: jobUrl(context.armEndpoint, context.workspace, jobName), body },
  };
}

/** Decides what one raw event starts: the same path the function takes, up to the HTTP call. */
export function planEvent(raw: unknown, context: PlanContext): EventPlan {
  const normalized = normalizeEvent(raw);
  if (!normalized.ok)
    return {
      kind: "rejected",
      eventId: rawEventId(raw),
      reason: `malformed event: ${normalized.errors.join("; ")}`,
    };
  const event = normalized.value;
  const matched = matchWorkflows(context.config.workflows, event);
  if (matched.length === 0) {
    const listening = context.config.workflows.some((w) => w.on.includes(event.type.toLowerCase()));
    return {
      kind: "ignored",
      event,
      reason: listening
        ? `no workflow's "when" conditions hold for ${event.subject || event.id}`
        : `no workflow listens for ${event.type}`,
    };
  }
  return { kind: "matched", event, workflows: matched.map((w) => planWorkflow(w, event, context)) };
}
