import type { AssetManifest } from "../../compiled/compiledConfig";
import type { JobInputValue, JobOutputValue } from "../../compiled/restShapes";
import type {
  ASSET_INPUT_TYPES,
  INPUT_MODES,
  LITERAL_INPUT_TYPES,
} from "../../compiled/vocabulary";

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

/** A node as the jobs API takes it inside `jobs`: a snake_case dict, as azure-ai-ml writes it. */
export type RestNode = Record<string, unknown>;

/** A validated pipeline job YAML, as data, ready to compile into a REST body for any workspace. */
export interface Pipeline {
  file: string;
  displayName?: string;
  experimentName?: string;
  description?: string;
  /** The job's own compute (top-level `compute:`). */
  computeId?: string;
  /** A job built from a pipeline component (top-level `component:`) runs it instead of `jobs`. */
  componentId?: string;
  tags: Record<string, string>;
  settings: {
    defaultCompute?: string;
    defaultDatastore?: string;
    continueOnStepFailure?: boolean;
    forceRerun?: boolean;
    /** Settings this converter does not know, sent as written (azure-ai-ml's schema includes them). */
    others?: Record<string, unknown>;
  };
  inputs: Record<string, PipelineInput>;
  outputs: Record<string, JobOutputValue>;
  jobs: Record<string, RestNode>;
  /** What the jobs need in the workspace first: code, environments, anonymous components. */
  assets: AssetManifest;
}
