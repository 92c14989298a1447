import type {
  CompiledConfig,
  CompiledPipeline,
  CompiledWorkflow,
  InputTemplate,
} from "../compiled/compiledConfig";
import type { Glob } from "./glob";

export type { InputTemplate };

/** One `when.tags` entry: a glob, or a YAML boolean that matches `true`/`True` (any case). */
export interface TagCondition {
  key: string;
  expected: { glob: Glob } | { boolean: boolean };
}

/** A workflow ready for events: the compiled workflow with its globs compiled and its pipeline at hand. */
export interface Workflow extends Omit<CompiledWorkflow, "when" | "pipeline"> {
  when: { model?: Glob; data?: Glob; subject?: Glob; tags: TagCondition[] };
  pipeline: CompiledPipeline;
}

/** The whole config, ready for events. */
export interface WorkflowsConfig {
  /** The workflows config it came from, for messages. */
  file: string;
  workflows: Workflow[];
  /** Every event type some workflow listens to, in full (for Event Grid filters). */
  eventTypes: string[];
  /** The JSON form: what `amlwf package` writes and the deployed function loads. */
  compiled: CompiledConfig;
}
