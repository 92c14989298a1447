import type { PipelineJobBody } from "../aml/jobRequest";
import type { Workspace } from "../aml/workspace";
import type {
  JobInputValue,
  JobOutputValue,
  NodeInput,
  NodeOutput,
  Pipeline,
  PipelineInput,
} from "./pipeline";
import { INPUT_MODES, OUTPUT_MODES } from "./pipelineSchema";

/** What a workflow adds to its pipeline for one event. */
export interface JobOverrides {
  inputs: Record<string, JobInputValue>;
  experimentName?: string;
  displayName?: string;
  tags: Record<string, string>;
}

function withoutUndefined<T extends Record<string, unknown>>(record: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(record).filter(([, v]) => v !== undefined),
  ) as Partial<T>;
}

function restInput(input: PipelineInput, name: string) {
  // Validation refuses a workflow that leaves a declared input open, so this is a bug if reached.
  if (input.kind === "open") throw new Error(`pipeline input "${name}" has no value`);
  return input.kind === "literal"
    ? withoutUndefined({
        jobInputType: "literal",
        value: input.value,
        description: input.description,
      })
    : withoutUndefined({
        jobInputType: input.type,
        uri: input.uri,
        mode: INPUT_MODES[input.mode ?? "ro_mount"],
        description: input.description,
      });
}

function restOutput(output: JobOutputValue) {
  return withoutUndefined({
    jobOutputType: output.type,
    uri: output.uri,
    mode: OUTPUT_MODES[output.mode ?? "rw_mount"],
    description: output.description,
  });
}

// Node entries are plain snake_case dicts, as azure-ai-ml writes them.
function nodeInput(input: NodeInput) {
  switch (input.kind) {
    case "binding":
      return { job_input_type: "literal", value: input.expression };
    case "literal":
      return { job_input_type: "literal", value: input.value };
    case "asset":
      return {
        job_input_type: input.type,
        uri: input.uri,
        mode: INPUT_MODES[input.mode ?? "ro_mount"],
      };
  }
}

function nodeOutput(output: NodeOutput) {
  return output.kind === "binding"
    ? { type: "literal", value: output.expression }
    : withoutUndefined({
        job_output_type: output.type,
        uri: output.uri,
        mode: OUTPUT_MODES[output.mode ?? "rw_mount"],
      });
}

const mapValues = <T, U>(
  record: Record<string, T>,
  fn: (value: T, key: string) => U,
): Record<string, U> => Object.fromEntries(Object.entries(record).map(([k, v]) => [k, fn(v, k)]));

/** Converts a validated pipeline plus one event's overrides into the jobs API `PipelineJob` body. */
export function toRestPipelineJob(
  pipeline: Pipeline,
  workspace: Workspace,
  overrides: JobOverrides,
): PipelineJobBody {
  const { settings } = pipeline;
  return {
    properties: withoutUndefined({
      jobType: "Pipeline" as const,
      displayName: overrides.displayName ?? pipeline.displayName,
      experimentName: overrides.experimentName ?? pipeline.experimentName,
      description: pipeline.description,
      tags: { ...pipeline.tags, ...overrides.tags },
      settings: withoutUndefined({
        default_compute: settings.defaultCompute?.(workspace),
        default_datastore: settings.defaultDatastore?.(workspace),
        continue_on_step_failure: settings.continueOnStepFailure,
        force_rerun: settings.forceRerun,
      }),
      inputs: mapValues<PipelineInput, ReturnType<typeof restInput>>(
        { ...pipeline.inputs, ...overrides.inputs },
        restInput,
      ),
      outputs: mapValues(pipeline.outputs, (output) => restOutput(output)),
      jobs: Object.fromEntries(
        Object.entries(pipeline.jobs).map(([name, node]) => [
          name,
          withoutUndefined({
            name,
            type: "command",
            componentId: node.componentId(workspace),
            computeId: node.computeId?.(workspace),
            display_name: node.displayName,
            description: node.description,
            tags: node.tags,
            environment_variables: node.environmentVariables,
            inputs: mapValues(node.inputs, (input) => nodeInput(input)),
            outputs: mapValues(node.outputs, (output) => nodeOutput(output)),
          }),
        ]),
      ),
    }) as PipelineJobBody["properties"],
  };
}
