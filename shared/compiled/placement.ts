import type { Workspace } from "../aml/workspace";
import { anonymousComponentVersion } from "./anonymousComponent";
import {
  ANONYMOUS_VERSION_TOKEN,
  type CompiledPipeline,
  type ComponentAsset,
  WORKSPACE_TOKEN,
} from "./compiledConfig";
import type { JsonLike } from "./pythonJson";

/** The id of a workspace child, e.g. `{workspace}/computes/cpu-cluster`, completed when the job is bound. */
export function workspaceChild(...segments: string[]): string {
  return [WORKSPACE_TOKEN, ...segments.map(encodeURIComponent)].join("/");
}

const MODEL_TYPES = new Set(["mlflow_model", "custom_model", "triton_model"]);

/** The ARM id azure-ai-ml sends for `azureml:<name>:<version>`: a model for model types, data otherwise. */
export function namedAssetId(type: string, name: string, version: string): string {
  return workspaceChild(MODEL_TYPES.has(type) ? "models" : "data", name, "versions", version);
}

const VERSION_TOKEN = new RegExp(`${ANONYMOUS_VERSION_TOKEN}[0-9a-f-]+`, "g");

function place(value: unknown, workspace: Workspace, versions: Map<string, string>): unknown {
  if (typeof value === "string") {
    // Inside component specs azure-ai-ml writes asset ids with an `azureml:` prefix.
    const prefix = value.startsWith(`azureml:${WORKSPACE_TOKEN}/`) ? "azureml:" : "";
    const placed = value.startsWith(`${prefix}${WORKSPACE_TOKEN}/`)
      ? `${prefix}${workspace.id}${value.slice(prefix.length + WORKSPACE_TOKEN.length)}`
      : value;
    return placed.includes(ANONYMOUS_VERSION_TOKEN)
      ? placed.replace(VERSION_TOKEN, (token) => versions.get(token) ?? token)
      : placed;
  }
  if (Array.isArray(value)) return value.map((v) => place(v, workspace, versions));
  if (typeof value === "object" && value !== null)
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, place(v, workspace, versions)]),
    );
  return value;
}

/** A compiled value with its `{workspace}` ids made the workspace's own (and versions from `versions`). */
export function placeInWorkspace<T>(
  value: T,
  workspace: Workspace,
  versions: Map<string, string> = new Map(),
): T {
  return place(value, workspace, versions) as T;
}

/** An anonymous component placed in a workspace: its spec as sent and its version there. */
export interface PlacedComponent extends ComponentAsset {
  /** The token the compiled body names it by, when its version depends on the workspace. */
  token?: string;
}

/**
 * The anonymous components placed in a workspace, each with azure-ai-ml's version for its spec as
 * sent there. Components come after the ones they use (a pipeline component after its nodes'),
 * so one pass resolves them all.
 */
export function placeComponents(
  components: readonly ComponentAsset[],
  workspace: Workspace,
): { components: PlacedComponent[]; versions: Map<string, string> } {
  const versions = new Map<string, string>();
  const placed = components.map((component): PlacedComponent => {
    const spec = placeInWorkspace(component.spec, workspace, versions);
    if (!component.version.startsWith(ANONYMOUS_VERSION_TOKEN)) return { ...component, spec };
    const version = anonymousComponentVersion(spec as Record<string, JsonLike>);
    versions.set(component.version, version);
    return { ...component, spec, version, token: component.version };
  });
  return { components: placed, versions };
}

/** A compiled pipeline's body placed in a workspace, anonymous component versions computed. */
export function placePipeline(
  pipeline: CompiledPipeline,
  workspace: Workspace,
): { properties: CompiledPipeline["properties"]; components: PlacedComponent[] } {
  const { components, versions } = placeComponents(pipeline.assets.components, workspace);
  return { properties: placeInWorkspace(pipeline.properties, workspace, versions), components };
}
