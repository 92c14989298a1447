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

/** A validated workflow: when it runs, which pipeline, with which inputs. */
export interface Workflow {
  name: string;
  /** Event types, lowercased: Event Grid compares them without case. */
  on: string[];
  when: {
    model?: (name: string) => boolean;
    tags: [key: string, matches: (value: string) => boolean][];
    subject?: (subject: string) => boolean;
  };
  pipeline: Pipeline;
  experiment?: string;
  inputs: Record<string, InputTemplate>;
}

/** The whole validated config. */
export interface WorkflowsConfig {
  file: string;
  workflows: Workflow[];
  /** Every event type some workflow listens to, as written (for Event Grid filters). */
  eventTypes: string[];
}
