import { readDryRunModel, writeDryRunModel } from "../../shared/aml/dryRunModels";
import type { Workspace } from "../../shared/aml/workspace";
import { AML_JOBS_API_VERSION } from "../../shared/constants";
import { isRecord } from "../../shared/guards";
import { redactSecrets } from "../../shared/redact";
import type { ArmAnswer, ArmClient } from "../register/armClient";

/** A model version by name and version. */
export interface ModelRef {
  name: string;
  version: string;
}

/** Where a workspace's model versions are read and written: over ARM, or the dry run's files. */
export type ModelVersions =
  | { kind: "azure"; arm: ArmClient; workspace: Workspace }
  | { kind: "dry-run"; dir: string; armEndpoint: string; workspace: Workspace };

/** What reading one model version came to; `properties` is the ARM resource's, to PUT back whole. */
export type ModelVersionRead =
  | { kind: "found"; tags: Record<string, string>; properties?: Record<string, unknown> }
  | { kind: "missing" }
  | { kind: "refused"; status: number; reason: string };

/** `name:version`, as people write it. */
export const modelText = (model: ModelRef) => `${model.name}:${model.version}`;

const versionPath = (workspace: Workspace, model: ModelRef) =>
  `${workspace.id}/models/${encodeURIComponent(model.name)}/versions/${encodeURIComponent(model.version)}`;

// Tags are strings in Azure ML; anything else (set through another API) is shown as its JSON.
const stringTags = (tags: unknown): Record<string, string> =>
  isRecord(tags)
    ? Object.fromEntries(
        Object.entries(tags).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]),
      )
    : {};

/** ARM's refusal in one line, naming the role a 401/403 wants; error bodies are redacted. */
function refusal(what: string, answer: ArmAnswer, workspace: Workspace): string {
  const error =
    isRecord(answer.body) && isRecord(answer.body.error) ? answer.body.error : undefined;
  const detail = error
    ? `${typeof error.code === "string" ? error.code : "UnknownError"}: ${typeof error.message === "string" ? error.message : ""}`
    : String(answer.body).slice(0, 300);
  const role =
    answer.status === 401 || answer.status === 403
      ? `; your identity needs AzureML Data Scientist on workspace ${workspace.name} (${workspace.id})`
      : "";
  return redactSecrets(`${what} answered ${answer.status} (${detail})${role}`);
}

/** Reads one model version's tags (ARM GET, or the dry run's file). */
export async function readModelVersion(
  place: ModelVersions,
  model: ModelRef,
): Promise<ModelVersionRead> {
  if (place.kind === "dry-run") {
    const stored = await readDryRunModel(place.dir, model);
    return stored === undefined ? { kind: "missing" } : { kind: "found", tags: stored.tags };
  }
  const answer = await place.arm.send(
    "GET",
    versionPath(place.workspace, model),
    AML_JOBS_API_VERSION,
  );
  if (answer.status === 404) return { kind: "missing" };
  if (answer.status !== 200 || !isRecord(answer.body) || !isRecord(answer.body.properties))
    return {
      kind: "refused",
      status: answer.status,
      reason: refusal(`reading model ${modelText(model)}`, answer, place.workspace),
    };
  const properties = answer.body.properties;
  return { kind: "found", tags: stringTags(properties.tags), properties };
}

/**
 * Replaces one model version's tags: over ARM a PUT of the properties read, tags replaced (model
 * versions take no PATCH); in the dry run, its file. Throws with ARM's answer when refused.
 */
export async function writeModelTags(
  place: ModelVersions,
  model: ModelRef,
  read: Extract<ModelVersionRead, { kind: "found" }> | undefined,
  tags: Record<string, string>,
): Promise<void> {
  if (place.kind === "dry-run") {
    await writeDryRunModel(place.dir, place.armEndpoint, place.workspace, model, tags);
    return;
  }
  const answer = await place.arm.send(
    "PUT",
    versionPath(place.workspace, model),
    AML_JOBS_API_VERSION,
    { properties: { ...read?.properties, tags } },
  );
  if (answer.status !== 200 && answer.status !== 201)
    throw new Error(refusal(`tagging model ${modelText(model)}`, answer, place.workspace));
}
