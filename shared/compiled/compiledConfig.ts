import type { ASSET_INPUT_TYPES, INPUT_MODES } from "./vocabulary";

/** Bumped when the compiled form changes shape; a function refuses a file of another format. */
export const COMPILED_FORMAT = 2;

/** Formats this version reads: 2 added `coalesce`, which a reader of format 1 would silently ignore. */
export const READABLE_COMPILED_FORMATS: readonly number[] = [1, COMPILED_FORMAT];

/**
 * Workspace-relative ARM ids in a compiled body start with this token; binding replaces it with
 * the target workspace's id, so one compiled file serves every workspace and is the same on every
 * machine.
 */
export const WORKSPACE_TOKEN = "{workspace}";
/**
 * Marks an anonymous component version that depends on the workspace (its spec names workspace
 * assets, whose ids azure-ai-ml hashes): `~anonymous~<key>` until placed in a workspace.
 */
export const ANONYMOUS_VERSION_TOKEN = "~anonymous~";

/** The version token for the anonymous component whose compile-time key is `key`. */
export const anonymousVersionToken = (key: string) => `${ANONYMOUS_VERSION_TOKEN}${key}`;

/** Stands for the default datastore's container URL (https://<account>.blob.../<container>) until registering. */
export const DATASTORE_URL_TOKEN = "{workspaceblobstore}";

/** Where a placeholder takes its value from. */
export type Placeholder =
  | { source: "event"; field: "id" | "type" | "subject" | "source" | "time" }
  | { source: "model"; field: "name" | "version" }
  | { source: "modelTag"; key: string }
  | { source: "data"; path: string[] }
  | { source: "blob"; field: "account" | "container" | "path" | "url" }
  | { source: "upstream"; field: "job" | "workflow" | "experiment" | "status" }
  | { source: "upstreamOutput"; name: string };

/** A string with `{{ ... }}` placeholders, parsed once at start-up. */
export type Template = ({ text: string } | { placeholder: Placeholder; raw: string })[];

/** A workflow input, with placeholders to fill from each event. */
export type InputTemplate =
  | { kind: "literal"; template: Template }
  | {
      kind: "asset";
      type: (typeof ASSET_INPUT_TYPES)[number];
      mode?: keyof typeof INPUT_MODES;
      template: Template;
    };

/** One `when.tags` entry as written: a glob, or a YAML boolean. */
export interface CompiledTag {
  key: string;
  expected: { glob: string } | { boolean: boolean };
}

/** A workflow, as data: what the function needs per event and nothing else. */
export interface CompiledWorkflow {
  name: string;
  /** Full event types. */
  on: string[];
  /** Where its jobs go: `source` (the event's workspace) or a workspace's name; the default workspace when absent. */
  workspace?: string;
  /** `model-tags`: when this workflow's job ends, its status and name are written onto the model version. */
  report?: "model-tags";
  /** A chained workflow: it starts when this workflow's job ends so (`on: { workflow, status }`). */
  after?: { workflow: string; status: "Completed" | "Failed" | "Canceled" };
  /** Globs as written; `data` is the data asset's name (DataVersionCreated). */
  when: { model?: string; data?: string; subject?: string; tags: CompiledTag[] };
  experiment?: string;
  inputs: Record<string, InputTemplate>;
  /**
   * Events whose key renders the same within `windowSeconds` of the first start one job, on the
   * latest of them (the highest model version, else the latest event time); the rest are superseded.
   */
  coalesce?: { key: Template; windowSeconds: number };
  /** Key into `CompiledConfig.pipelines`. */
  pipeline: string;
}

/** The `properties` of a PipelineJob body with workspace ids as tokens and the event's parts still open. */
export interface PipelineBodyTemplate {
  jobType: "Pipeline";
  isArchived: boolean;
  /** The job's properties (azure-ai-ml's git lineage goes here); empty unless the config is in git. */
  properties: Record<string, string>;
  displayName?: string;
  experimentName?: string;
  description?: string;
  computeId?: string;
  /** Set for a job built from a pipeline component; it then has no `jobs`. */
  componentId?: string;
  tags: Record<string, string>;
  settings: Record<string, unknown>;
  inputs: Record<string, Record<string, unknown>>;
  outputs: Record<string, Record<string, unknown>>;
  jobs?: Record<string, Record<string, unknown>>;
}

/** A code folder to upload once: named by its content hash, so a changed file makes a new one. */
export interface CodeAsset {
  name: string;
  version: "1";
  /** The folder (or single file), relative to the workflows config's folder. */
  folder: string;
  /** A single file is uploaded on its own, and the code's URI is the folder holding it. */
  kind?: "file";
  /** azure-ai-ml's content hash (`hash_sha256`, hash version 202208): how `az ml` finds it. */
  sha256: string;
  files: number;
  bytes: number;
}

/** An environment given inline (image, conda file), registered once under a name from its content. */
export interface EnvironmentAsset {
  name: string;
  version: string;
  /** An image (with a conda file), or a Docker build context uploaded to the default datastore. */
  properties:
    | { image: string; condaFile?: string; isAnonymous: true }
    | { build: { contextUri: string; dockerfilePath?: string }; isAnonymous: true };
}

/** A component given as a file or an inline job, registered once as an anonymous component versioned by its spec. */
export interface ComponentAsset {
  name: string;
  /** azure-ai-ml's hash of the spec as sent; a token when that depends on the workspace (see placement). */
  version: string;
  /** Where it came from, for people: a file, or `<pipeline>#jobs.<node>`. */
  from: string;
  /** The component spec, with workspace ids as tokens. */
  spec: Record<string, unknown>;
}

/** A local data file or folder an input names, uploaded once to the workspace's default datastore. */
export interface DataUpload {
  /** The file or folder, relative to the workflows config's folder. */
  path: string;
  kind: "file" | "folder";
  sha256: string;
  files: number;
  bytes: number;
  /** Where it goes on the default datastore: `LocalUpload/<hash>/<name>`, as azure-ai-ml lays it out. */
  datastorePath: string;
}

/** What a compiled pipeline needs in the workspace before its jobs can run (`amlwf register`). */
export interface AssetManifest {
  codes: CodeAsset[];
  data: DataUpload[];
  environments: EnvironmentAsset[];
  components: ComponentAsset[];
}

/** Asset kinds whose `@label` references are looked up when a job is submitted. */
export type LabelledAssetKind = "data" | "models" | "components" | "environments";

/**
 * A `azureml:<name>@<label>` reference in the body, resolved to a versioned ARM id when a job is
 * submitted, as azure-ai-ml resolves it: the body holds it as written until then.
 */
export interface LabelReference {
  /** Where in `properties` the value sits, e.g. `["jobs", "train", "inputs", "data", "uri"]`. */
  at: string[];
  asset: LabelledAssetKind;
  name: string;
  label: string;
}

/** A pipeline job YAML, compiled: the REST body to complete per event. */
export interface CompiledPipeline {
  /** The pipeline file, relative to the workflows config's folder. */
  file: string;
  properties: PipelineBodyTemplate;
  /** Inputs the pipeline declares without a value: the workflow supplies them. */
  openInputs: string[];
  /** References by label, looked up at submit time (empty when the pipeline pins every version). */
  labels: LabelReference[];
  assets: AssetManifest;
}

/** Everything the function loads: the workflows and the pipelines they run, as JSON. */
export interface CompiledConfig {
  format: typeof COMPILED_FORMAT;
  /** The workflows config it was compiled from, for messages. */
  source: string;
  workflows: CompiledWorkflow[];
  pipelines: Record<string, CompiledPipeline>;
  /** Every event type some workflow listens to (for Event Grid filters). */
  eventTypes: string[];
}
