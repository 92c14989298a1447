/**
 * The differences between our bodies and azure-ai-ml's that the fidelity suite expects, each with
 * why. The oracle runs azure-ai-ml 1.10.0 (August 2023); where today's azure-ai-ml behaves
 * otherwise, today's wins and the entry names the line. An entry that no longer matches any
 * difference fails the suite, so this list stays true.
 */
export interface AcceptedDifference {
  /** A fixture folder under test/fixtures/fidelity, or "*" for every fixture. */
  fixture: string;
  /**
   * A glob over the difference's path (`job.properties.jobs.train.componentId`, `assets.…`,
   * `labels`, or `accepted` when only one side accepts the file): `*` stays within one
   * dot-separated segment, `**` crosses segments.
   */
  path: string;
  reason: string;
  /** The line in current azure-ai-ml (Azure/azure-sdk-for-python, sdk/ml/azure-ai-ml), or our own reason. */
  source: string;
}

const AZURE_AI_ML =
  "https://github.com/Azure/azure-sdk-for-python/blob/main/sdk/ml/azure-ai-ml/azure/ai/ml";

export const ACCEPTED_DIFFERENCES: readonly AcceptedDifference[] = [
  {
    fixture: "spark-runtime-3-4",
    path: "accepted",
    reason:
      "azure-ai-ml 1.10.0 refuses Spark runtime 3.4 (it knew 3.2 and 3.3); today's azure-ai-ml accepts 3.3 and 3.4, so a job on 3.4 is submitted",
    source: `${AZURE_AI_ML}/entities/_job/spark_resource_configuration.py, SparkResourceConfiguration._validate: \`if first_number != 3 or second_number not in (3, 4):\` ("runtime version should be either 3.3 or 3.4")`,
  },
  {
    fixture: "top-level-component",
    path: "job.properties.outputs.*.mode",
    reason:
      "a job that runs a pipeline component (top-level component:) builds its outputs from the component's output definitions, and azure-ai-ml 1.10.0 loses the mode the job file gives an output there; we send the mode the file asks for (rw_mount is the service's default for uri_folder, so the job runs the same)",
    source:
      "our own: PipelineJob._to_rest_object → _build_outputs over the component's outputs (entities/_job/pipeline/pipeline_job.py, _io/mixin.py)",
  },
];
