import type { CompiledPipeline } from "../../compiled/compiledConfig";
import {
  type JobInputValue,
  restInput,
  restOutput,
  withoutUndefined,
} from "../../compiled/restShapes";
import { COMPONENT_SOURCES } from "../../compiled/vocabulary";
import { labelReferences } from "./labelReferences";
import type { Pipeline } from "./pipeline";

const mapValues = <T, U>(record: Record<string, T>, fn: (value: T) => U): Record<string, U> =>
  Object.fromEntries(Object.entries(record).map(([k, v]) => [k, fn(v)]));

/**
 * Compiles a validated pipeline into the jobs API `PipelineJob` properties, once: workspace ids
 * stay tokens, inputs declared without a value stay open for the workflow to fill per event,
 * `@latest` references are listed for the look-up at submit time.
 */
export function compilePipeline(
  pipeline: Pipeline,
  file: string,
  /** The config's git lineage (`gitLineage`), as the job's properties. */
  lineage: Record<string, string> = {},
): CompiledPipeline {
  const { settings } = pipeline;
  const inputs: Record<string, JobInputValue> = {};
  const openInputs: string[] = [];
  for (const [name, input] of Object.entries(pipeline.inputs)) {
    if (input.kind === "open") openInputs.push(name);
    else inputs[name] = input;
  }
  const properties = withoutUndefined({
    jobType: "Pipeline" as const,
    // Defaults azure-ai-ml always sends (msrest model defaults and `Job.properties`).
    isArchived: false,
    properties: lineage,
    displayName: pipeline.displayName,
    experimentName: pipeline.experimentName,
    description: pipeline.description,
    computeId: pipeline.computeId,
    componentId: pipeline.componentId,
    tags: pipeline.tags,
    settings: withoutUndefined({
      ...settings.others,
      default_compute: settings.defaultCompute,
      default_datastore: settings.defaultDatastore,
      continue_on_step_failure: settings.continueOnStepFailure,
      force_rerun: settings.forceRerun,
      _source:
        pipeline.componentId === undefined ? COMPONENT_SOURCES.job : COMPONENT_SOURCES.workspaceJob,
    }),
    inputs: mapValues(inputs, restInput),
    outputs: mapValues(pipeline.outputs, restOutput),
    jobs: pipeline.componentId === undefined ? pipeline.jobs : {},
  }) as CompiledPipeline["properties"];
  return {
    file,
    openInputs,
    labels: labelReferences(properties as unknown as Record<string, unknown>),
    assets: pipeline.assets,
    properties,
  };
}
