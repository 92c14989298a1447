import { z } from "zod";

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

export const literalSchema = z.union([z.string(), z.number(), z.boolean()]);

/** `{ type: mlflow_model, path: azureml:name:1, mode: ro_mount }` */
export const assetInputSchema = z.strictObject({
  type: z.enum(ASSET_INPUT_TYPES),
  path: z.string().min(1),
  mode: z.enum(modeKeys(INPUT_MODES)).optional(),
  description: z.string().optional(),
});

const outputSchema = z.strictObject({
  type: z.enum(OUTPUT_TYPES).default("uri_folder"),
  mode: z.enum(modeKeys(OUTPUT_MODES)).optional(),
  path: z.string().min(1).optional(),
  description: z.string().optional(),
});

const stringMap = z.record(
  z.string(),
  z.union([z.string(), z.number(), z.boolean()]).transform(String),
);

const nodeSchema = z.strictObject({
  type: z.literal("command", { error: 'only "type: command" nodes are supported' }),
  component: z.string({
    error:
      "component must be a reference (azureml:<name>:<version> or azureml://registries/...); an inline component needs an upload: register it with `az ml component create -f <file>` and reference it",
  }),
  compute: z.string().optional(),
  display_name: z.string().optional(),
  description: z.string().optional(),
  tags: stringMap.optional(),
  environment_variables: stringMap.optional(),
  inputs: z.record(z.string(), z.union([literalSchema, assetInputSchema])).optional(),
  outputs: z.record(z.string(), z.union([z.string(), outputSchema])).optional(),
});

/** An Azure ML CLI v2 pipeline job YAML, as far as it can be sent without uploads or look-ups. */
export const pipelineSchema = z.strictObject({
  $schema: z.string().optional(),
  type: z.literal("pipeline", { error: 'a pipeline job YAML needs "type: pipeline"' }),
  display_name: z.string().optional(),
  experiment_name: z.string().optional(),
  description: z.string().optional(),
  tags: stringMap.optional(),
  settings: z
    .strictObject({
      default_compute: z.string().optional(),
      default_datastore: z.string().optional(),
      continue_on_step_failure: z.boolean().optional(),
      force_rerun: z.boolean().optional(),
    })
    .optional(),
  inputs: z.record(z.string(), z.union([literalSchema, assetInputSchema])).optional(),
  outputs: z
    .record(
      z.string(),
      outputSchema.nullable().transform((o) => o ?? { type: "uri_folder" as const }),
    )
    .optional(),
  jobs: z
    .record(z.string(), nodeSchema)
    .refine((jobs) => Object.keys(jobs).length > 0, "a pipeline needs at least one job"),
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
