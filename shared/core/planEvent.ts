import { eventKey, jobNameFor, modelVersionKey, upstreamKey } from "../aml/jobName";
import { jobUrl } from "../aml/jobRequest";
import { type LabelLookup, planLabelLookups } from "../aml/labelLookup";
import { parseWorkspaceId, type Workspace } from "../aml/workspace";
import { AML_EVENT_TYPES, LINEAGE_TAGS, WATCHED_EVENT_TYPES } from "../constants";
import { type NormalizedEvent, normalizeEvent, rawEventId } from "../events/normalizeEvent";
import { bindInputs } from "../workflows/bindInputs";
import { bindPipeline } from "../workflows/bindPipeline";
import { AML_PREFIX, shortEventType } from "../workflows/eventTypes";
import { matchWorkflows } from "../workflows/matchWorkflows";
import { renderTemplate } from "../workflows/template";
import type { Workflow, WorkflowsConfig } from "../workflows/workflow";
import type { EventOutcome, EventSummary, ReportOutcome, WorkflowOutcome } from "./outcome";
import { untrustedSource } from "./trustedSource";

/** What planning needs: the config and where jobs would go. */
export interface PlanContext {
  config: WorkflowsConfig;
  /** The default workspace. */
  workspace: Workspace;
  /** Every workspace jobs may go to (the default among them); absent in dry run, which takes any. */
  workspaces?: Workspace[];
  armEndpoint: string;
  /** Other resources whose system events are believed (EVENT_SOURCES; a dry run adds its placeholder account). */
  eventSources?: readonly string[];
}

/** The workspace a workflow's job goes to for this event, or why it cannot go anywhere. */
export function targetWorkspace(
  wanted: string | undefined,
  event: NormalizedEvent,
  context: PlanContext,
): { ok: true; value: Workspace } | { ok: false; reason: string } {
  if (wanted === undefined) return { ok: true, value: context.workspace };
  const served = context.workspaces;
  if (wanted === "source") {
    const parsed = parseWorkspaceId(event.source);
    if (!parsed.ok)
      return {
        ok: false,
        reason: `workspace: source, but the event's source ${JSON.stringify(event.source)} is not a workspace`,
      };
    const found =
      served === undefined
        ? parsed.value
        : served.find((w) => w.id.toLowerCase() === parsed.value.id.toLowerCase());
    return found
      ? { ok: true, value: found }
      : {
          ok: false,
          reason: `the event came from workspace ${parsed.value.name}, which this deployment does not serve (AML_WORKSPACE_ID, AML_WORKSPACES)`,
        };
  }
  const named = (served ?? [context.workspace]).find(
    (w) => w.name.toLowerCase() === wanted.toLowerCase(),
  );
  if (named) return { ok: true, value: named };
  if (served === undefined)
    // A dry run names the workspace it would use, on the placeholder's subscription.
    return {
      ok: true,
      value: {
        ...context.workspace,
        name: wanted,
        id: context.workspace.id.replace(/[^/]+$/, wanted),
      },
    };
  return {
    ok: false,
    reason: `workspace ${wanted} is not one this deployment serves (AML_WORKSPACE_ID, AML_WORKSPACES): ${served.map((w) => w.name).join(", ")}`,
  };
}

// ARM tag values are limited in length; keep lineage readable and within bounds, and no control
// character (NUL among them) from an event goes to ARM raw.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;
const clip = (value: string) => {
  const text = value.replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
  return text.length > 256 ? `${text.slice(0, 253)}...` : text;
};

/** Tags that tie a job to the event and workflow that started it. */
export function lineageTags(
  event: NormalizedEvent,
  key: string,
  workflow: string,
): Record<string, string> {
  const tags: Record<string, string> = {
    [LINEAGE_TAGS.eventId]: clip(event.id),
    [LINEAGE_TAGS.eventKey]: key,
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
  if (event.time !== "") summary.time = event.time;
  if (event.model) summary.model = `${event.model.name}:${event.model.version}`;
  return summary;
}

function planWorkflow(
  workflow: Workflow,
  event: NormalizedEvent,
  keyOfEvent: string,
  context: PlanContext,
): WorkflowOutcome {
  // A chain step starts once per upstream job, whatever ids the events announcing its end carry;
  // a step after a tag change once per model version, however often its tags change after
  // (its own report's tags among them).
  const key =
    workflow.after && event.run
      ? upstreamKey(event.source, event.run.id)
      : event.model &&
          event.type.toLowerCase() === WATCHED_EVENT_TYPES.modelTagsChanged.toLowerCase()
        ? modelVersionKey(event.source, event.model)
        : keyOfEvent;
  const inputs = bindInputs(workflow, event);
  if (!inputs.ok)
    return { kind: "rejected", workflow: workflow.name, reason: inputs.errors.join("; ") };
  const target = targetWorkspace(workflow.workspace, event, context);
  if (!target.ok) return { kind: "rejected", workflow: workflow.name, reason: target.reason };
  const workspace = target.value;
  const jobName = jobNameFor(key, workflow.name);
  const trigger = event.model
    ? `${event.model.name}:${event.model.version}`
    : event.subject || event.id;
  const body = bindPipeline(workflow.pipeline, workspace, {
    inputs: inputs.value,
    experimentName: workflow.experiment,
    displayName: workflow.pipeline.properties.displayName ?? clip(`${workflow.name} (${trigger})`),
    tags: lineageTags(event, key, workflow.name),
  });
  const labels = planLabelLookups(
    workflow.pipeline.labels,
    body,
    workspace,
    context.armEndpoint,
    new Set(Object.keys(inputs.value)),
  );
  if (!labels.ok)
    return { kind: "rejected", workflow: workflow.name, jobName, reason: labels.errors.join("; ") };
  const lookups = labels.value.map((lookup) => freshWhenAnnounced(lookup, event));
  let coalesce: { key: string; windowSeconds: number } | undefined;
  if (workflow.coalesce !== undefined) {
    const rendered = renderTemplate(workflow.coalesce.key, event);
    if (!rendered.ok)
      return {
        kind: "rejected",
        workflow: workflow.name,
        jobName,
        reason: `coalesce.key: ${rendered.errors.join("; ")}`,
      };
    coalesce = { key: clip(rendered.value), windowSeconds: workflow.coalesce.windowSeconds };
  }
  return {
    kind: "planned",
    workflow: workflow.name,
    jobName,
    request: { method: "PUT", url: jobUrl(context.armEndpoint, workspace, jobName), body },
    ...(lookups.length > 0 ? { lookups } : {}),
    ...(coalesce === undefined ? {} : { coalesce }),
  };
}

/**
 * A look-up of the model the event announces, in the workspace it came from, must not take an
 * answer cached before the event: `@latest` is the very version just registered.
 */
function freshWhenAnnounced(lookup: LabelLookup, event: NormalizedEvent): LabelLookup {
  const source = parseWorkspaceId(event.source);
  const announced =
    lookup.asset === "models" &&
    event.model?.name === lookup.name &&
    source.ok &&
    source.value.id.toLowerCase() === lookup.workspace.toLowerCase();
  return announced ? { ...lookup, fresh: true } : lookup;
}

/**
 * Why no workflow listens: the type people know, and for a bare Azure ML name (hand-written
 * events) the type Azure sends, which is what `on: ModelRegistered` means.
 */
function notListened(type: string): string {
  const bare = `${AML_PREFIX}${type}`;
  return !type.includes(".") && (Object.values(AML_EVENT_TYPES) as string[]).includes(bare)
    ? `no workflow listens for ${JSON.stringify(type)}: Azure ML sends "${bare}", which \`on: ${type}\` means — use that as the eventType`
    : `no workflow listens for ${shortEventType(type)}`;
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
  // A dry run has no list: it serves its placeholder workspace.
  const untrusted = untrustedSource(
    event,
    context.workspaces ?? [context.workspace],
    context.eventSources,
  );
  if (untrusted !== undefined)
    return { kind: "rejected", eventId: event.id, reason: untrusted, event: summarize(event) };
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
      reason: listening ? "no workflow's conditions hold" : notListened(event.type),
      skipped: listening ? skipped : [],
    };
  }
  // Hashed once per event: its jobs' names and lineage, and the submitter's duplicate check.
  const key = eventKey(event.source, event.id);
  return {
    kind: "processed",
    event: { ...summarize(event), key },
    workflows: matched.map((w) => planWorkflow(w, event, key, context)),
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
  const target = targetWorkspace("source", event, context);
  return [
    {
      kind: "planned",
      workflow: workflow.name,
      // The job ran, and the model lives, in the workspace the event came from.
      workspace: (target.ok ? target.value : context.workspace).id,
      model: `${model.name}:${model.version}`,
      tags: { [`${workflow.name}.status`]: run.status, [`${workflow.name}.job`]: run.id },
    },
  ];
}
