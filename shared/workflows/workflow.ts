import type { Pipeline } from "../pipeline/pipeline";
import type { ASSET_INPUT_TYPES, INPUT_MODES } from "../pipeline/pipelineSchema";
import type { Template } from "./template";

/** A workflow input, with placeholders to fill from each event. */
export type InputTemplate =
  | { kind: "literal"; template: Template }
  | {
      kind: "asset";
      type: (typeof ASSET_INPUT_TYPES)[number];
      mode?: keyof typeof INPUT_MODES;
      template: Template;
    };

/** A glob as written, with its compiled test. */
export interface Glob {
  pattern: string;
  test: (value: string) => boolean;
}

/** One `when.tags` entry: a glob, or a YAML boolean that matches `true`/`True` (any case). */
export interface TagCondition {
  key: string;
  expected: { glob: Glob } | { boolean: boolean };
}

/** A validated workflow: when it runs, which pipeline, with which inputs. */
export interface Workflow {
  name: string;
  /** Full event types; Event Grid compares them without case, and so does matching. */
  on: string[];
  when: { model?: Glob; subject?: Glob; tags: TagCondition[] };
  pipeline: Pipeline;
  experiment?: string;
  inputs: Record<string, InputTemplate>;
}

/** The whole validated config. */
export interface WorkflowsConfig {
  file: string;
  workflows: Workflow[];
  /** Every event type some workflow listens to, in full (for Event Grid filters). */
  eventTypes: string[];
}
