import { eventKey, jobNameFor } from "../aml/jobName";
import { jobUrl } from "../aml/jobRequest";
import type { Workspace } from "../aml/workspace";
import { bindPipeline } from "../compiled/bindPipeline";
import { LINEAGE_TAGS } from "../constants";
import { type NormalizedEvent, normalizeEvent, rawEventId } from "../events/normalizeEvent";
import { bindInputs } from "../workflows/bindInputs";
import { shortEventType } from "../workflows/eventTypes";
import { matchWorkflows } from "../workflows/matchWorkflows";
import type { Workflow, WorkflowsConfig } from "../workflows/workflow";
import type { EventOutcome, EventSummary, ReportOutcome, WorkflowOutcome } from "./outcome";

/** What planning needs: the config and where jobs would go. */
export interface PlanContext {
  config: WorkflowsConfig;
  workspace: Workspace;
  armEndpoint: string;
}

// ARM tag values are limited in length; keep lineage readable and within bounds.
const clip = (value: string) => (value.length > 256 ? `${value.slice(0, 253)}...` : value);

/** Tags that tie a job to the event and workflow that started it. */
export function lineageTags(event: NormalizedEvent, workflow: string): Record<string, string> {
  const tags: Record<string, string> = {
    [LINEAGE_TAGS.eventId]: clip(event.id),
    [LINEAGE_TAGS.eventKey]: eventKey(event.source, event.id),
    [LINEAGE_TAGS.eventType]: clip(event.type),
    [LINEAGE_TAGS.source]: clip(event.source),
    [LINEAGE_TAGS.subject]: clip(event.subject),
    [LINEAGE_TAGS.workflow]: workflow,
  };
  if (event.model) tags[LINEAGE_TAGS.model] = clip(`${event.model.name}:${event.model.version}`);
  if (event.run) tags[LINEAGE_TAGS.upstreamJob] = clip(event.run.id);
  return tags;
}

function summarize(event: NormalizedEvent): EventSummary {
  const summary: EventSummary = {
    id: event.id,
    type: event.type,
    source: event.source,
    subject: event.subject,
  };
  if (event.model) summary.model = `${event.model.name}:${event.model.version}`;
  return summary;
}

function planWorkflow(
  workflow: Workflow,
  event: NormalizedEvent,
  context: PlanContext,
): WorkflowOutcome {
  const inputs = bindInputs(workflow, event);
  if (!inputs.ok)
    return { kind: "rejected", workflow: workflow.name, reason: inputs.errors.join("; ") };
  const jobName = jobNameFor(eventKey(event.source, event.id), workflow.name);
  const trigger = event.model
    ? `${event.model.name}:${event.model.version}`
    : event.subject || event.id;
  const body = bindPipeline(workflow.pipeline, context.workspace, {
    inputs: inputs.value,
    experimentName: workflow.experiment,
    displayName: workflow.pipeline.properties.displayName ?? clip(`${workflow.name} (${trigger})`),
    tags: lineageTags(event, workflow.name),
  });
  return {
    kind: "planned",
    workflow: workflow.name,
    jobName,
    request: { method: "PUT", url: jobUrl(context.armEndpoint, context.workspace, jobName), body },
  };
}

/** Decides what one raw event starts, and why every other workflow does not: the function's path up to the HTTP call. */
export function planEvent(raw: unknown, context: PlanContext): EventOutcome {
  const normalized = normalizeEvent(raw);
  if (!normalized.ok)
    return {
      kind: "rejected",
      eventId: rawEventId(raw),
      reason: `malformed event: ${normalized.errors.join("; ")}`,
    };
  const event = normalized.value;
  const { matched, skipped } = matchWorkflows(context.config.workflows, event);
  const reports = reportsFor(event, context);
  if (matched.length === 0 && reports.length === 0) {
    const type = event.type.toLowerCase();
    const listening = context.config.workflows.some((w) =>
      w.on.some((t) => t.toLowerCase() === type),
    );
    return {
      kind: "ignored",
      event: summarize(event),
      reason: listening
        ? "no workflow's conditions hold"
        : `no workflow listens for ${shortEventType(event.type)}`,
      skipped: listening ? skipped : [],
    };
  }
  return {
    kind: "processed",
    event: summarize(event),
    workflows: matched.map((w) => planWorkflow(w, event, context)),
    skipped,
    ...(reports.length > 0 ? { reports } : {}),
  };
}

/** For a job that ended: its workflow's outcome, to write onto the model, when it asks for that. */
function reportsFor(event: NormalizedEvent, context: PlanContext): ReportOutcome[] {
  const { run, model } = event;
  if (run === undefined || model === undefined || run.status === "") return [];
  const workflow = context.config.workflows.find(
    (w) => w.name === run.tags[LINEAGE_TAGS.workflow] && w.report === "model-tags",
  );
  if (workflow === undefined) return [];
  return [
    {
      kind: "planned",
      workflow: workflow.name,
      model: `${model.name}:${model.version}`,
      tags: { [`${workflow.name}.status`]: run.status, [`${workflow.name}.job`]: run.id },
    },
  ];
}
