import type {
  LabelledAssetKind,
  LabelReference,
  PipelineBodyTemplate,
} from "../compiled/compiledConfig";
import { AML_JOBS_API_VERSION } from "../constants";
import { isRecord } from "../guards";
import type { Result } from "../result";
import type { PipelineJobBody } from "./jobRequest";
import type { Workspace } from "./workspace";

/**
 * One `azureml:<name>@<label>` to look up in a workspace before a job's PUT: plain data that `plan`
 * prints, a dry run records and the submitter answers. One look-up may fill several places.
 */
export interface LabelLookup {
  asset: LabelledAssetKind;
  name: string;
  label: string;
  /** The workspace's ARM id: the answer is `<workspace>/<asset>/<name>/versions/<version>`. */
  workspace: string;
  /** Where the reference sits in the job body's `properties`, each as a path of keys. */
  at: string[][];
  /** The GET that answers it: the data container, or the newest of the versions list. */
  url: string;
  /** The event announced a version of this very asset: an answer cached before it may be stale. */
  fresh?: true;
  /** The version the label named, once looked up. */
  version?: string;
}

/**
 * The labels azure-ai-ml can resolve: each operations class's `_managed_label_resolver` holds only
 * `latest` (azure/ai/ml/operations/_data_operations.py and its siblings, azure-ai-ml 1.10.0).
 */
export const RESOLVABLE_LABELS: readonly string[] = ["latest"];

/** `data local-folder-example@latest`: how messages and logs name a look-up. */
export function describeLookup(lookup: Pick<LabelLookup, "asset" | "name" | "label">): string {
  return `${lookup.asset} ${lookup.name}@${lookup.label}`;
}

const workspaceName = (workspaceId: string) => workspaceId.slice(workspaceId.lastIndexOf("/") + 1);

/** azure-ai-ml's refusal of a label it has no resolver for (`_resolve_label_to_asset`). */
export function unresolvableLabel(
  lookup: Pick<LabelLookup, "asset" | "name" | "label" | "workspace">,
): string {
  return `Asset ${lookup.name} with version label ${lookup.label} does not exist in workspace ${workspaceName(lookup.workspace)} (${describeLookup(lookup)}): only @${RESOLVABLE_LABELS.join(", @")} can be looked up, as in azure-ai-ml; pin a version (azureml:${lookup.name}:<version>)`;
}

/** The answer to "no such asset" (404, or nothing in the versions list). */
export function missingAsset(
  lookup: Pick<LabelLookup, "asset" | "name" | "label" | "workspace">,
): string {
  return `${lookup.asset} ${lookup.name} has no version for label ${lookup.label} in workspace ${workspaceName(lookup.workspace)}`;
}

/**
 * The GET azure-ai-ml sends for `@latest`: the data container's `latestVersion`
 * (`_get_latest_version_from_container`), else the newest created version (`_get_latest`).
 */
export function lookupUrl(
  armEndpoint: string,
  workspace: Workspace,
  asset: LabelledAssetKind,
  name: string,
): string {
  const base = `${armEndpoint.replace(/\/+$/, "")}${workspace.id}/${asset}/${encodeURIComponent(name)}`;
  // The stable API the project speaks serves the asset routes too (azure-ai-ml 1.10.0 sent 2023-04-01-preview and 2022-10-01).
  return asset === "data"
    ? `${base}?api-version=${AML_JOBS_API_VERSION}`
    : `${base}/versions?api-version=${AML_JOBS_API_VERSION}&$orderBy=createdtime%20desc&$top=1`;
}

/** The versioned ARM id a look-up's answer stands for, as azure-ai-ml sends it. */
export function versionedAssetId(lookup: LabelLookup, version: string): string {
  return `${lookup.workspace}/${lookup.asset}/${encodeURIComponent(lookup.name)}/versions/${encodeURIComponent(version)}`;
}

function valueAt(node: unknown, path: readonly string[]): unknown {
  let current = node;
  for (const key of path) {
    if (Array.isArray(current) && /^\d+$/.test(key)) current = current[Number(key)];
    else if (isRecord(current) && Object.hasOwn(current, key)) current = current[key];
    else return undefined;
  }
  return current;
}

/** `node` with the value at `path` replaced, copying only the objects along the path (the rest is shared and frozen). */
function replacedAt(node: unknown, path: readonly string[], value: string): unknown {
  const [key, ...rest] = path;
  if (key === undefined) return value;
  if (Array.isArray(node) && /^\d+$/.test(key)) {
    const items: unknown[] = node;
    const copy = [...items];
    copy[Number(key)] = replacedAt(items[Number(key)], rest, value);
    return copy;
  }
  if (!isRecord(node)) return node;
  return { ...node, [key]: replacedAt(node[key], rest, value) };
}

/**
 * The look-ups a bound job body needs, one per (asset, name, label), or why it cannot have them.
 * A reference under a pipeline input the workflow sets is gone, so not looked up; any other place
 * must still hold the text as written, or the compiled file does not belong to its body.
 */
export function planLabelLookups(
  /** The compiled pipeline's `labels`; absent in files compiled before labels were emitted. */
  references: readonly LabelReference[] | undefined,
  body: PipelineJobBody,
  workspace: Workspace,
  armEndpoint: string,
  /** Pipeline inputs the workflow sets for this event, replacing the compiled ones. */
  setInputs: ReadonlySet<string>,
): Result<LabelLookup[]> {
  const errors: string[] = [];
  const byKey = new Map<string, LabelLookup>();
  for (const ref of references ?? []) {
    if (ref.at[0] === "inputs" && ref.at[1] !== undefined && setInputs.has(ref.at[1])) continue;
    const lookup: LabelLookup = {
      asset: ref.asset,
      name: ref.name,
      label: ref.label,
      workspace: workspace.id,
      at: [ref.at],
      url: lookupUrl(armEndpoint, workspace, ref.asset, ref.name),
    };
    const found = valueAt(body.properties, ref.at);
    if (found !== `azureml:${ref.name}@${ref.label}` && found !== `${ref.name}@${ref.label}`) {
      errors.push(
        `the compiled pipeline puts ${describeLookup(ref)} at ${ref.at.join(".")}, but the body holds ${found === undefined ? "nothing" : JSON.stringify(found)} there: compile it again with this version (npm run package)`,
      );
      continue;
    }
    if (!RESOLVABLE_LABELS.includes(ref.label)) {
      errors.push(unresolvableLabel(lookup));
      continue;
    }
    const key = `${ref.asset}\n${ref.name}\n${ref.label}`;
    const same = byKey.get(key);
    if (same) same.at.push(ref.at);
    else byKey.set(key, lookup);
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, value: [...byKey.values()] };
}

/** The body with every answered look-up's places holding the asset's versioned ARM id. */
export function withLabelsResolved(
  body: PipelineJobBody,
  lookups: readonly LabelLookup[],
): PipelineJobBody {
  let properties: unknown = body.properties;
  for (const lookup of lookups) {
    if (lookup.version === undefined) continue;
    const id = versionedAssetId(lookup, lookup.version);
    for (const at of lookup.at) properties = replacedAt(properties, at, id);
  }
  return { ...body, properties: properties as PipelineBodyTemplate };
}
