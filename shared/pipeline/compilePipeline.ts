import type { CompiledPipeline } from "../compiled/compiledConfig";
import { restInput, restOutput, withoutUndefined } from "../compiled/restShapes";
import type { JobInputValue, NodeInput, NodeOutput, Pipeline } from "./pipeline";
import { INPUT_MODES, OUTPUT_MODES } from "./vocabulary";

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

const mapValues = <T, U>(record: Record<string, T>, fn: (value: T) => U): Record<string, U> =>
  Object.fromEntries(Object.entries(record).map(([k, v]) => [k, fn(v)]));

/**
 * Compiles a validated pipeline into the jobs API `PipelineJob` properties, once: workspace ids
 * stay tokens, inputs declared without a value stay open for the workflow to fill per event.
 */
export function compilePipeline(pipeline: Pipeline, file: string): CompiledPipeline {
  const { settings } = pipeline;
  const inputs: Record<string, JobInputValue> = {};
  const openInputs: string[] = [];
  for (const [name, input] of Object.entries(pipeline.inputs)) {
    if (input.kind === "open") openInputs.push(name);
    else inputs[name] = input;
  }
  return {
    file,
    openInputs,
    properties: withoutUndefined({
      jobType: "Pipeline" as const,
      displayName: pipeline.displayName,
      experimentName: pipeline.experimentName,
      description: pipeline.description,
      tags: pipeline.tags,
      settings: withoutUndefined({
        default_compute: settings.defaultCompute,
        default_datastore: settings.defaultDatastore,
        continue_on_step_failure: settings.continueOnStepFailure,
        force_rerun: settings.forceRerun,
      }),
      inputs: mapValues(inputs, restInput),
      outputs: mapValues(pipeline.outputs, restOutput),
      jobs: Object.fromEntries(
        Object.entries(pipeline.jobs).map(([name, node]) => [
          name,
          withoutUndefined({
            name,
            type: "command",
            componentId: node.componentId,
            computeId: node.computeId,
            display_name: node.displayName,
            description: node.description,
            tags: node.tags,
            environment_variables: node.environmentVariables,
            inputs: mapValues(node.inputs, nodeInput),
            outputs: mapValues(node.outputs, nodeOutput),
          }),
        ]),
      ),
    }) as CompiledPipeline["properties"],
  };
}
