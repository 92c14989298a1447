import "../config/zodLocale";

// zod/mini: the same validation as classic zod, tree-shakable, so the function bundle stays small.
import * as z from "zod/mini";

import {
  ASSET_INPUT_TYPES,
  INPUT_MODES,
  LITERAL_INPUT_TYPES,
  OUTPUT_MODES,
  OUTPUT_TYPES,
} from "../../compiled/vocabulary";
import type { MappingSpec } from "../config/fields";

export { ASSET_INPUT_TYPES, INPUT_MODES, LITERAL_INPUT_TYPES, OUTPUT_MODES, OUTPUT_TYPES };

/** The keys of a mode map, as a zod enum wants them. */
export const modeKeys = <T extends Record<string, string>>(modes: T) =>
  Object.keys(modes) as [keyof T & string, ...(keyof T & string)[]];
const nonEmpty = () => z.string().check(z.minLength(1));
const scalar = z.union([z.string(), z.number(), z.boolean()], {
  error: "must be text, a number or true/false",
});

/** A map of strings; numbers and booleans are accepted and written as strings. */
export const stringMap = z.record(z.string(), z.pipe(scalar, z.transform(String)));

/** `{ type: mlflow_model, path: azureml:name:1, mode: ro_mount }`; `type` defaults to uri_folder; without `path`, the workflow supplies it. */
export const ASSET_INPUT_SPEC: MappingSpec = {
  what: "an asset input",
  fields: {
    type: z.enum(ASSET_INPUT_TYPES),
    path: nonEmpty(),
    mode: z.enum(modeKeys(INPUT_MODES)),
    description: z.string(),
    optional: z.boolean(),
  },
};

/** `{ type: string, default: x }`: a literal input declared with its type; without `default`, the workflow supplies it. */
export const LITERAL_INPUT_SPEC: MappingSpec = {
  what: "a literal input",
  required: ["type"],
  fields: {
    type: z.enum(LITERAL_INPUT_TYPES),
    default: scalar,
    optional: z.boolean(),
    description: z.string(),
  },
};

/** A pipeline or node output; `name` (and `version`) register what it writes as a data asset. */
export const OUTPUT_SPEC: MappingSpec = {
  what: "an output",
  fields: {
    type: z.enum(OUTPUT_TYPES),
    mode: z.enum(modeKeys(OUTPUT_MODES)),
    path: nonEmpty(),
    name: nonEmpty(),
    version: z.pipe(z.union([z.string(), z.number()]), z.transform(String)),
    description: z.string(),
  },
};

const NOT_YET = (what: string) =>
  `${what} is not supported yet; register the component with \`az ml component create -f <component file>\` and reference azureml:<name>:<version>`;

/** Advice for the keys of a node that are refused, by key name. */
export const REFUSED_NODE_KEYS: Record<string, string> = {
  code: NOT_YET("an inline command job (its code must be uploaded)"),
  command: NOT_YET("an inline command job"),
  environment: NOT_YET("an inline command job's environment"),
  queue_settings: "node-level queue_settings are not supported yet",
  name: "remove it: the node's name is its key under jobs",
};

/** One job (node) of a pipeline: a command node, or a pipeline node running a registered pipeline component. */
export const NODE_SPEC: MappingSpec = {
  what: "a pipeline job",
  refused: REFUSED_NODE_KEYS,
  fields: {
    type: z.string(),
    component: z.union([z.string(), z.record(z.string(), z.unknown())], {
      error: "component must be a reference or a component file",
    }),
    compute: nonEmpty(),
    display_name: z.string(),
    description: z.string(),
    tags: stringMap,
    environment_variables: stringMap,
    inputs: z.record(z.string(), z.unknown()),
    outputs: z.record(z.string(), z.unknown()),
    resources: z.unknown(),
    distribution: z.unknown(),
    limits: z.unknown(),
    // Parallel nodes (checked by parallelSettings).
    task: z.unknown(),
    input_data: z.string(),
    mini_batch_size: z.union([z.string(), z.number()], {
      error: "must be a size (10kb) or a count",
    }),
    retry_settings: z.unknown(),
    logging_level: z.string(),
    max_concurrency_per_instance: z.number(),
    error_threshold: z.number(),
    mini_batch_error_threshold: z.number(),
    partition_keys: z.unknown(),
    services: z.record(z.string(), z.unknown()),
    // Sweep nodes (checked by sweepSettings).
    trial: z.union([z.string(), z.record(z.string(), z.unknown())], {
      error: "trial must be a component reference or a component file",
    }),
    sampling_algorithm: z.unknown(),
    search_space: z.unknown(),
    objective: z.unknown(),
    early_termination: z.unknown(),
    // Spark nodes (checked by sparkSettings).
    identity: z.unknown(),
    conf: z.record(z.string(), z.unknown()),
    args: z.string(),
    entry: z.unknown(),
    py_files: z.array(z.string()),
    jars: z.array(z.string()),
    files: z.array(z.string()),
    archives: z.array(z.string()),
  },
};

/** Advice for the top-level keys of a pipeline job that are refused, by key name. */
export const REFUSED_PIPELINE_KEYS: Record<string, string> = {
  name: "remove it: job names are derived from (event id, workflow) so a redelivered event never starts a second job",
};

/** `settings:` of a pipeline job; other keys are sent as written, as azure-ai-ml includes them. */
export const SETTINGS_SPEC: MappingSpec = {
  what: "settings",
  others: z.union([z.string(), z.number(), z.boolean()], {
    error: "a setting must be text, a number or true/false",
  }),
  fields: {
    default_compute: nonEmpty(),
    default_datastore: nonEmpty(),
    continue_on_step_failure: z.boolean(),
    force_rerun: z.boolean(),
  },
};

/** An Azure ML CLI v2 pipeline job YAML, as far as it can be sent without uploads or look-ups. */
export const PIPELINE_SPEC: MappingSpec = {
  what: "a pipeline job",
  required: ["type"],
  missing: { type: 'a pipeline job YAML needs "type: pipeline"' },
  refused: REFUSED_PIPELINE_KEYS,
  fields: {
    $schema: z.string(),
    type: z.literal("pipeline", { error: 'a pipeline job YAML needs "type: pipeline"' }),
    compute: nonEmpty(),
    component: nonEmpty(),
    display_name: z.string(),
    experiment_name: z.string(),
    description: z.string(),
    tags: stringMap,
    settings: z.unknown(),
    inputs: z.record(z.string(), z.unknown()),
    outputs: z.record(z.string(), z.unknown()),
    jobs: z
      .record(z.string(), z.unknown())
      .check(z.refine((jobs) => Object.keys(jobs).length > 0, "a pipeline needs at least one job")),
  },
};

/** A pipeline component file: a pipeline's jobs, inputs and outputs, with a name, reusable as a node. */
export const PIPELINE_COMPONENT_SPEC: MappingSpec = {
  ...PIPELINE_SPEC,
  what: "a pipeline component",
  refused: {},
  fields: {
    ...PIPELINE_SPEC.fields,
    name: nonEmpty(),
    version: z.pipe(z.union([z.string(), z.number()]), z.transform(String)),
  },
};
