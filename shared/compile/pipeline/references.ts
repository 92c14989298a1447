import { namedAssetId, workspaceChild } from "../../compiled/placement";

/** A reference as the id the body carries (workspace ids start with WORKSPACE_TOKEN), or why it cannot be one. */
export type Reference = { ok: true; id: string } | { ok: false; error: string };

const NAME = "[A-Za-z0-9][A-Za-z0-9_.-]*";
const NAMED_VERSION = new RegExp(`^azureml:(${NAME}):(${NAME})$`);
const LABELLED = new RegExp(`^azureml:(${NAME})@(.+)$`);
const UNVERSIONED = new RegExp(`^azureml:(${NAME})$`);
const REGISTRY = /^azureml:\/\/registries\//i;
const ARM_ID =
  /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.MachineLearningServices\/workspaces\/[^/]+\/.+$/i;
const LOCAL_FILE = /^(file:)?(?!azureml:)(?![a-z][a-z0-9+.-]*:\/\/)(.+\.ya?ml)$/i;

const passThrough = (id: string): Reference => ({ ok: true, id });

/** Whether a component reference names a YAML file next to the pipeline (`./train.yml`, `file:train.yml`). */
export function localComponentFile(ref: string): string | undefined {
  return LOCAL_FILE.exec(ref)?.[2];
}

/**
 * A component reference as azure-ai-ml sends it: `azureml:<name>:<version>` → the workspace
 * component's ARM id; `azureml:<name>@latest` as written, looked up at submit time;
 * registry ids (versions or labels) and ARM ids pass through unchanged.
 */
export function componentReference(ref: string): Reference {
  const named = NAMED_VERSION.exec(ref);
  if (named) {
    const [, name = "", version = ""] = named;
    return { ok: true, id: workspaceChild("components", name, "versions", version) };
  }
  if (REGISTRY.test(ref) || ARM_ID.test(ref)) return passThrough(ref);
  const labelled = LABELLED.exec(ref);
  if (labelled) {
    const [, name = "", label = ""] = labelled;
    // azure-ai-ml looks `@latest` up when it submits (so do we, see LabelReference); `@default`
    // it leaves to the service; any other label it cannot resolve.
    if (label === "latest") return { ok: true, id: ref };
    if (label === "default")
      return { ok: true, id: workspaceChild("components", name, "labels", label) };
    return {
      ok: false,
      error: `"${ref}": azure-ai-ml resolves only @latest (and leaves @default to the service); pin a version (azureml:${name}:<version>) or use @latest`,
    };
  }
  const unversioned = UNVERSIONED.exec(ref);
  if (unversioned)
    return {
      ok: false,
      error: `"${ref}" has no version; pin one (azureml:${unversioned[1] ?? ""}:<version>) or name a label (azureml:${unversioned[1] ?? ""}@latest)`,
    };
  const file = localComponentFile(ref);
  if (file !== undefined)
    return {
      ok: false,
      error: `"${ref}" is a local component file; compiling those (uploading its code, registering it as an anonymous component) is not supported yet: register it with \`az ml component create -f ${file}\` and reference azureml:<name>:<version>`,
    };
  return {
    ok: false,
    error: `"${ref}" is not a component reference; expected azureml:<name>:<version>, azureml:<name>@<label>, azureml://registries/<registry>/components/<name>/versions/<version> (or /labels/<label>), or a component YAML file`,
  };
}

/** `azureml:<name>` or `<name>` → the workspace child's ARM id (computes, datastores); ARM ids pass through. */
export function workspaceResourceReference(
  kind: "computes" | "datastores",
  ref: string,
): Reference {
  if (ARM_ID.test(ref)) return passThrough(ref);
  const name = ref.startsWith("azureml:") ? ref.slice("azureml:".length) : ref;
  if (!new RegExp(`^${NAME}$`).test(name)) {
    return {
      ok: false,
      error: `"${ref}" is not a ${kind === "computes" ? "compute" : "datastore"} name; expected azureml:<name>`,
    };
  }
  return { ok: true, id: workspaceChild(kind, name) };
}

const CLOUD_URI = /^(azureml|https?|wasbs?|abfss?|adl|gs|s3):\/\//i;
/**
 * An asset input's path as the body carries it: `azureml:<name>:<version>` becomes the asset's
 * versioned ARM id (as azure-ai-ml sends it); cloud URIs and ARM ids pass through. A local path
 * and `@latest` need work outside the per-event path and are refused, saying so.
 */
export function assetInputUri(type: string, path: string): Reference {
  const named = NAMED_VERSION.exec(path);
  if (named) return { ok: true, id: namedAssetId(type, named[1] ?? "", named[2] ?? "") };
  if (CLOUD_URI.test(path) || ARM_ID.test(path)) return passThrough(path);
  const labelled = LABELLED.exec(path);
  // `@latest` is looked up when the job is submitted, as azure-ai-ml does; no other label resolves.
  if (labelled?.[2] === "latest") return { ok: true, id: path };
  if (labelled)
    return {
      ok: false,
      error: `"${path}": azure-ai-ml resolves only the label @latest; pin a version (azureml:${labelled[1] ?? ""}:<version>) or use @latest`,
    };
  if (UNVERSIONED.test(path))
    return { ok: false, error: `"${path}" has no version; use azureml:<name>:<version>` };
  return {
    ok: false,
    error: `"${path}" is a local path; uploading local data is not supported yet: register it as a data or model asset and use azureml:<name>:<version>, or give a cloud URI (azureml://, https://, wasbs://, abfss://)`,
  };
}

/** The local file or folder an input path names (`./data`, `file:data.csv`), or undefined for a reference or URI. */
export function localDataPath(path: string): string | undefined {
  if (
    /^azureml:/i.test(path) ||
    CLOUD_URI.test(path) ||
    ARM_ID.test(path) ||
    /^[a-z][a-z0-9+.-]*:\/\//i.test(path)
  )
    return undefined;
  return path.replace(/^file:/i, "");
}

/** Checks an output path is a datastore URI. */
export function outputPathProblem(path: string): string | undefined {
  return /^azureml:\/\/datastores\/[^/]+\/paths\/.+/.test(path)
    ? undefined
    : `"${path}" is not a datastore URI; expected azureml://datastores/<datastore>/paths/<path>`;
}
