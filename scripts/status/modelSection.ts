import type { Workspace } from "../../shared/aml/workspace";
import { WATCHED_EVENT_TYPES } from "../../shared/constants";
import type { NormalizedEvent } from "../../shared/events/normalizeEvent";
import { firstFailedCondition } from "../../shared/workflows/matchWorkflows";
import type { Workflow } from "../../shared/workflows/workflow";
import { type Approval, readApproval } from "../approve/approvalTags";
import {
  type ModelRef,
  modelText,
  type ModelVersions,
  readModelVersion,
} from "../approve/modelVersions";

/** A workflow on ModelTagsChanged that has not started for the version, and the first reason why. */
export interface WaitingWorkflow {
  workflow: string;
  why: string;
}

/** What `status --model <name>:<version>` says about the version itself. */
export interface ModelSection {
  name: string;
  version: string;
  /** The workspace whose version was read. */
  workspace?: string;
  /** Its tags now; null when they could not be read. */
  tags: Record<string, string> | null;
  approval?: Approval;
  waiting: WaitingWorkflow[];
  /** Why there are no tags: the version is missing, or reading it was refused. */
  unread?: string;
}

/** The version's tags from the first served workspace that has it; a refusal only when none has it. */
export async function readModelTags(
  places: readonly ModelVersions[],
  model: ModelRef,
): Promise<
  | { kind: "found"; tags: Record<string, string>; workspace: Workspace }
  | { kind: "missing" | "refused"; reason: string }
> {
  const refusals: string[] = [];
  for (const place of places) {
    const read = await readModelVersion(place, model);
    if (read.kind === "found")
      return { kind: "found", tags: read.tags, workspace: place.workspace };
    if (read.kind === "refused") refusals.push(read.reason);
  }
  if (refusals.length > 0) return { kind: "refused", reason: refusals.join("; ") };
  const dryRun = places.some((p) => p.kind === "dry-run");
  return {
    kind: "missing",
    reason: dryRun
      ? `the dry run has no record of ${modelText(model)} (no report and no approve wrote it)`
      : `no model ${modelText(model)} in workspace${places.length > 1 ? "s" : ""} ${places.map((p) => p.workspace.name).join(", ")}`,
  };
}

/** The ModelTagsChanged event the watcher would make for the version as it is now. */
export function tagsChangedEvent(
  workspace: Workspace,
  model: ModelRef,
  tags: Record<string, string>,
): NormalizedEvent {
  const subject = `models/${modelText(model)}`;
  return {
    id: `status:${subject}`,
    type: WATCHED_EVENT_TYPES.modelTagsChanged,
    source: workspace.id,
    subject,
    time: new Date().toISOString(),
    data: {
      modelName: model.name,
      modelVersion: model.version,
      modelTags: tags,
      previousModelTags: null,
    },
    schema: "eventgrid",
    model: { name: model.name, version: model.version, tags },
  };
}

/**
 * The workflows on ModelTagsChanged whose model glob takes the version and that started no job for
 * it, each with the first condition the version's tags fail now.
 */
export function waitingWorkflows(
  workflows: readonly Workflow[],
  event: NormalizedEvent,
  started: ReadonlySet<string>,
  rejected: ReadonlySet<string>,
): WaitingWorkflow[] {
  const type = WATCHED_EVENT_TYPES.modelTagsChanged.toLowerCase();
  const name = event.model?.name ?? "";
  return workflows
    .filter(
      (w) =>
        w.on.some((t) => t.toLowerCase() === type) &&
        (w.when.model === undefined || w.when.model.test(name)) &&
        !started.has(w.name),
    )
    .map((w) => ({
      workflow: w.name,
      why:
        firstFailedCondition(w, event) ??
        (rejected.has(w.name)
          ? "conditions hold, but its event was rejected (above): `amlwf replay` re-delivers it"
          : "conditions hold; the watcher starts it on its next run"),
    }));
}

/** The version's tags, approval and waiting workflows. */
export async function modelSection(
  places: readonly ModelVersions[],
  model: ModelRef,
  workflows: readonly Workflow[],
  jobs: { started: ReadonlySet<string>; rejected: ReadonlySet<string> },
): Promise<{ section: ModelSection; refused: boolean }> {
  const read = await readModelTags(places, model);
  if (read.kind !== "found")
    return {
      section: { ...model, tags: null, waiting: [], unread: read.reason },
      refused: read.kind === "refused",
    };
  const approval = readApproval(read.tags);
  return {
    section: {
      ...model,
      workspace: read.workspace.id,
      tags: read.tags,
      ...(approval === undefined ? {} : { approval }),
      waiting: waitingWorkflows(
        workflows,
        tagsChangedEvent(read.workspace, model, read.tags),
        jobs.started,
        jobs.rejected,
      ),
    },
    refused: false,
  };
}
