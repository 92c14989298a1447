import type { PipelineJobBody } from "../aml/jobRequest";
import type { Workspace } from "../aml/workspace";
import type { CompiledPipeline } from "../compiled/compiledConfig";
import { namedAssetId, placeInWorkspace, placePipeline } from "../compiled/placement";
import { type JobInputValue, restInput } from "../compiled/restShapes";

const NAMED_VERSION = /^azureml:([^:/@]+):([^:/@]+)$/;

/** What a workflow adds to its pipeline for one event. */
export interface JobOverrides {
  inputs: Record<string, JobInputValue>;
  experimentName?: string;
  displayName?: string;
  tags: Record<string, string>;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

// A process serves one workspace: place each compiled pipeline in it once, not on every event.
// Frozen, because every job body built from it shares its parts.
const placements = new WeakMap<
  CompiledPipeline,
  { workspaceId: string; properties: CompiledPipeline["properties"] }
>();

function placedFor(
  pipeline: CompiledPipeline,
  workspace: Workspace,
): CompiledPipeline["properties"] {
  const cached = placements.get(pipeline);
  if (cached?.workspaceId === workspace.id) return cached.properties;
  const properties = deepFreeze(placePipeline(pipeline, workspace).properties);
  placements.set(pipeline, { workspaceId: workspace.id, properties });
  return properties;
}

/**
 * The job body for one event: the compiled pipeline placed in the workspace, then the event's
 * inputs, tags and names added. Event values are added after the workspace is placed, so no event
 * content is ever read as a workspace id.
 */
export function bindPipeline(
  pipeline: CompiledPipeline,
  workspace: Workspace,
  overrides: JobOverrides,
): PipelineJobBody {
  const placed = placedFor(pipeline, workspace);
  const inputs = { ...placed.inputs };
  for (const [name, input] of Object.entries(overrides.inputs)) {
    // `azureml:<name>:<version>` from the event becomes the asset's versioned ARM id, as azure-ai-ml sends it.
    const named = input.kind === "asset" ? NAMED_VERSION.exec(input.uri) : null;
    inputs[name] =
      input.kind === "asset" && named
        ? restInput({
            ...input,
            uri: placeInWorkspace(
              namedAssetId(input.type, named[1] ?? "", named[2] ?? ""),
              workspace,
            ),
          })
        : restInput(input);
  }
  const properties = {
    ...placed,
    inputs,
    tags: { ...placed.tags, ...overrides.tags },
  };
  if (overrides.displayName !== undefined) properties.displayName = overrides.displayName;
  if (overrides.experimentName !== undefined) properties.experimentName = overrides.experimentName;
  return { properties };
}
