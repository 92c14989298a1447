import type {
  ASSET_INPUT_TYPES,
  INPUT_MODES,
  LITERAL_INPUT_TYPES,
  OUTPUT_MODES,
  OUTPUT_TYPES,
} from "./vocabulary";

/** A value for a job input: a literal (always sent as a string) or an asset. */
export type JobInputValue =
  | { kind: "literal"; value: string; description?: string }
  | {
      kind: "asset";
      type: (typeof ASSET_INPUT_TYPES)[number];
      uri: string;
      mode?: keyof typeof INPUT_MODES;
      description?: string;
    };

/** A pipeline input declared with its type but no value: the workflow must supply it. */
export interface OpenInput {
  kind: "open";
  type: (typeof LITERAL_INPUT_TYPES)[number] | (typeof ASSET_INPUT_TYPES)[number];
  asset: boolean;
  mode?: keyof typeof INPUT_MODES;
  description?: string;
}

/** A pipeline-level input: a value, or declared open for the workflow to fill. */
export type PipelineInput = JobInputValue | OpenInput;

/** A pipeline-level output. */
export interface JobOutputValue {
  type: (typeof OUTPUT_TYPES)[number];
  mode?: keyof typeof OUTPUT_MODES;
  uri?: string;
  description?: string;
}

/** A node input: a `${{parent...}}` binding, or a value of its own. */
export type NodeInput = { kind: "binding"; expression: string } | JobInputValue;
/** A node output: bound to a pipeline output, or declared on the node. */
export type NodeOutput =
  { kind: "binding"; expression: string } | ({ kind: "output" } & JobOutputValue);

/** A command node that runs a registered component; ids are as the body carries them (see WORKSPACE_TOKEN). */
export interface PipelineNode {
  componentId: string;
  computeId?: string;
  displayName?: string;
  description?: string;
  tags?: Record<string, string>;
  environmentVariables?: Record<string, string>;
  inputs: Record<string, NodeInput>;
  outputs: Record<string, NodeOutput>;
}

/** A validated pipeline job YAML, as data, ready to compile into a REST body for any workspace. */
export interface Pipeline {
  file: string;
  displayName?: string;
  experimentName?: string;
  description?: string;
  tags: Record<string, string>;
  settings: {
    defaultCompute?: string;
    defaultDatastore?: string;
    continueOnStepFailure?: boolean;
    forceRerun?: boolean;
  };
  inputs: Record<string, PipelineInput>;
  outputs: Record<string, JobOutputValue>;
  jobs: Record<string, PipelineNode>;
}

/** How the Python SDK writes a literal: `str(value)`, so booleans are `True`/`False`. */
export function literalText(value: string | number | boolean): string {
  if (typeof value === "boolean") return value ? "True" : "False";
  return String(value);
}

/** The jobs API's pattern for literal values and asset URIs (jobs-swagger-extract.json): one word character at least. */
export const SWAGGER_VALUE_PATTERN = /[a-zA-Z0-9_]/;
