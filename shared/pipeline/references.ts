import { WORKSPACE_TOKEN } from "../compiled/compiledConfig";

/** A reference as the id the body carries (workspace ids start with WORKSPACE_TOKEN), or why it cannot be one. */
export type Reference = { ok: true; id: string } | { ok: false; error: string };

/** The id of a workspace child, e.g. `{workspace}/computes/cpu-cluster`, completed when the job is bound. */
export function workspaceChild(...segments: string[]): string {
  return [WORKSPACE_TOKEN, ...segments.map(encodeURIComponent)].join("/");
}

const NAME = "[A-Za-z0-9][A-Za-z0-9_.-]*";
const NAMED_VERSION = new RegExp(`^azureml:(${NAME}):(${NAME})$`);
const LABELLED = new RegExp(`^azureml:(${NAME})@(.+)$`);
const UNVERSIONED = new RegExp(`^azureml:(${NAME})$`);
const REGISTRY_COMPONENT = new RegExp(
  `^azureml://registries/${NAME}/components/${NAME}/versions/${NAME}$`,
);
const ARM_ID =
  /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.MachineLearningServices\/workspaces\/[^/]+\/.+$/i;

const passThrough = (id: string): Reference => ({ ok: true, id });

/** `azureml:<name>:<version>` → the workspace component's ARM id; registry and ARM ids pass through. */
export function componentReference(ref: string): Reference {
  const named = NAMED_VERSION.exec(ref);
  if (named) {
    const [, name = "", version = ""] = named;
    return { ok: true, id: workspaceChild("components", name, "versions", version) };
  }
  if (REGISTRY_COMPONENT.test(ref) || ARM_ID.test(ref)) return passThrough(ref);
  if (ref.startsWith("azureml://registries/")) {
    return {
      ok: false,
      error: `"${ref}" is not a registry component id; expected azureml://registries/<registry>/components/<name>/versions/<version> (labels need a look-up: pin a version)`,
    };
  }
  const labelled = LABELLED.exec(ref);
  if (labelled) {
    return {
      ok: false,
      error: `"${ref}" uses a label, which needs a look-up at submit time; pin a version: azureml:${labelled[1] ?? ""}:<version>`,
    };
  }
  const unversioned = UNVERSIONED.exec(ref);
  if (unversioned)
    return {
      ok: false,
      error: `"${ref}" has no version; pin one: azureml:${unversioned[1] ?? ""}:<version>`,
    };
  return {
    ok: false,
    error: `"${ref}" is not a registered component; a local component file needs an upload: register it with \`az ml component create -f ${ref}\` and reference azureml:<name>:<version>`,
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

const CLOUD_URI = /^(azureml|https|wasbs|abfss|adl):\/\//;

/** Checks an asset input path can be sent as is: a versioned asset or a cloud URI, not a local path. */
export function assetPathProblem(path: string): string | undefined {
  if (NAMED_VERSION.test(path) || CLOUD_URI.test(path)) return undefined;
  const labelled = LABELLED.exec(path);
  if (labelled)
    return `"${path}" uses a label, which needs a look-up at submit time; pin a version: azureml:${labelled[1] ?? ""}:<version>`;
  if (UNVERSIONED.test(path)) return `"${path}" has no version; use azureml:<name>:<version>`;
  return `"${path}" looks like a local path, which needs an upload; register it as a data or model asset and use azureml:<name>:<version>, or give a cloud URI (azureml://, https://, wasbs://, abfss://)`;
}

/** Checks an output path is a datastore URI. */
export function outputPathProblem(path: string): string | undefined {
  return /^azureml:\/\/datastores\/[^/]+\/paths\/.+/.test(path)
    ? undefined
    : `"${path}" is not a datastore URI; expected azureml://datastores/<datastore>/paths/<path>`;
}
