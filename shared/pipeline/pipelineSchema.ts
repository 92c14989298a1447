import "../config/zodLocale";

// zod/mini: the same validation as classic zod, tree-shakable, so the function bundle stays small.
import * as z from "zod/mini";

/** Asset types a job input can carry (jobs API `JobInputType` minus `literal`). */
export const ASSET_INPUT_TYPES = [
  "uri_file",
  "uri_folder",
  "mltable",
  "mlflow_model",
  "custom_model",
  "triton_model",
] as const;
/** Job output types (jobs API `JobOutputType`). */
export const OUTPUT_TYPES = [
  "uri_file",
  "uri_folder",
  "mltable",
  "mlflow_model",
  "custom_model",
  "triton_model",
] as const;
/** CLI v2 input modes, mapped to the REST `InputDeliveryMode`. */
export const INPUT_MODES = {
  ro_mount: "ReadOnlyMount",
  rw_mount: "ReadWriteMount",
  download: "Download",
  direct: "Direct",
  eval_mount: "EvalMount",
  eval_download: "EvalDownload",
} as const;
/** CLI v2 output modes, mapped to the REST `OutputDeliveryMode`. */
export const OUTPUT_MODES = {
  rw_mount: "ReadWriteMount",
  upload: "Upload",
  direct: "Direct",
} as const;

const modeKeys = <T extends Record<string, string>>(modes: T) =>
  Object.keys(modes) as [keyof T & string, ...(keyof T & string)[]];
const nonEmpty = () => z.string().check(z.minLength(1));

export const literalSchema = z.union([z.string(), z.number(), z.boolean()]);

/** `{ type: mlflow_model, path: azureml:name:1, mode: ro_mount }` */
export const assetInputSchema = z.strictObject({
  type: z.enum(ASSET_INPUT_TYPES),
  path: nonEmpty(),
  mode: z.optional(z.enum(modeKeys(INPUT_MODES))),
  description: z.optional(z.string()),
});

const outputSchema = z.strictObject({
  type: z._default(z.enum(OUTPUT_TYPES), "uri_folder"),
  mode: z.optional(z.enum(modeKeys(OUTPUT_MODES))),
  path: z.optional(nonEmpty()),
  description: z.optional(z.string()),
});

/** A map of strings; numbers and booleans are accepted and written as strings. */
export const stringMap = z.record(
  z.string(),
  z.pipe(z.union([z.string(), z.number(), z.boolean()]), z.transform(String)),
);

const nodeSchema = z.strictObject({
  type: z.literal("command", { error: 'only "type: command" nodes are supported' }),
  component: z.string({
    error:
      "component must be a reference (azureml:<name>:<version> or azureml://registries/...); an inline component needs an upload: register it with `az ml component create -f <file>` and reference it",
  }),
  compute: z.optional(z.string()),
  display_name: z.optional(z.string()),
  description: z.optional(z.string()),
  tags: z.optional(stringMap),
  environment_variables: z.optional(stringMap),
  inputs: z.optional(z.record(z.string(), z.union([literalSchema, assetInputSchema]))),
  outputs: z.optional(z.record(z.string(), z.union([z.string(), outputSchema]))),
});

/** An Azure ML CLI v2 pipeline job YAML, as far as it can be sent without uploads or look-ups. */
export const pipelineSchema = z.strictObject({
  $schema: z.optional(z.string()),
  type: z.literal("pipeline", { error: 'a pipeline job YAML needs "type: pipeline"' }),
  display_name: z.optional(z.string()),
  experiment_name: z.optional(z.string()),
  description: z.optional(z.string()),
  tags: z.optional(stringMap),
  settings: z.optional(
    z.strictObject({
      default_compute: z.optional(z.string()),
      default_datastore: z.optional(z.string()),
      continue_on_step_failure: z.optional(z.boolean()),
      force_rerun: z.optional(z.boolean()),
    }),
  ),
  inputs: z.optional(z.record(z.string(), z.union([literalSchema, assetInputSchema]))),
  outputs: z.optional(
    z.record(
      z.string(),
      z.pipe(
        z.nullable(outputSchema),
        z.transform((o) => o ?? { type: "uri_folder" as const }),
      ),
    ),
  ),
  jobs: z
    .record(z.string(), nodeSchema)
    .check(z.refine((jobs) => Object.keys(jobs).length > 0, "a pipeline needs at least one job")),
});

/** A parsed pipeline job YAML. */
export type PipelineYaml = z.infer<typeof pipelineSchema>;
/** One asset input as written in YAML. */
export type AssetInputYaml = z.infer<typeof assetInputSchema>;

/** Advice for keys the converter refuses, by key name. */
export const REFUSED_KEY_ADVICE: Record<string, string> = {
  name: "remove it: job names are derived from (event id, workflow) so a redelivered event never starts a second job",
  compute: "use settings.default_compute (pipeline) or compute on each node",
  code: "a local code path needs an upload: put the command in a component, register it with `az ml component create -f <file>` and reference azureml:<name>:<version>",
  command:
    "an inline command job needs an upload: put it in a component, register it with `az ml component create -f <file>` and reference azureml:<name>:<version>",
  environment:
    "an inline environment belongs in a registered component: register it with `az ml component create -f <file>` and reference azureml:<name>:<version>",
};
