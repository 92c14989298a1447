// The CLI v2 and jobs API words for inputs and outputs: plain data, with no validator attached, so
// the function's per-event path can use them without loading the config checks.

/** Asset types a job input can carry (jobs API `JobInputType` minus `literal`). */
export const ASSET_INPUT_TYPES = [
  "uri_file",
  "uri_folder",
  "mltable",
  "mlflow_model",
  "custom_model",
  "triton_model",
] as const;
/** Types a pipeline input declared without an asset may have (CLI v2 pipeline inputs). */
export const LITERAL_INPUT_TYPES = ["string", "integer", "number", "boolean"] as const;
/** Job output types (jobs API `JobOutputType`): the same set as the asset input types. */
export const OUTPUT_TYPES = ASSET_INPUT_TYPES;
/** CLI v2 input modes, mapped to the REST `InputDeliveryMode` (azure-ai-ml's INPUT_MOUNT_MAPPING_TO_REST). */
export const INPUT_MODES = {
  mount: "ReadOnlyMount",
  ro_mount: "ReadOnlyMount",
  rw_mount: "ReadWriteMount",
  download: "Download",
  direct: "Direct",
  eval_mount: "EvalMount",
  eval_download: "EvalDownload",
} as const;
/** CLI v2 output modes, mapped to the REST `OutputDeliveryMode` (azure-ai-ml's OUTPUT_MOUNT_MAPPING_TO_REST). */
export const OUTPUT_MODES = {
  mount: "ReadWriteMount",
  rw_mount: "ReadWriteMount",
  upload: "Upload",
  direct: "Direct",
} as const;

/** Where a node's component came from, as azure-ai-ml labels it (`_source`). */
export const COMPONENT_SOURCES = {
  workspace: "REMOTE.WORKSPACE.COMPONENT",
  registry: "REMOTE.REGISTRY",
  component: "YAML.COMPONENT",
  job: "YAML.JOB",
  /** A job that runs a pipeline component rather than its own jobs. */
  workspaceJob: "REMOTE.WORKSPACE.JOB",
} as const;

/** The jobs API's pattern for literal values and asset URIs (jobs-swagger-extract.json): one word character at least. */
export const SWAGGER_VALUE_PATTERN = /[a-zA-Z0-9_]/;
