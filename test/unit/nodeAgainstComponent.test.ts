/**
 * A node's bindings and inputs against what the components declare (issue 20, item 2): azure-ai-ml
 * sends a binding to an output no job has as written, and drops an input the component does not
 * declare without a word; both are refused here, at the binding's or the input's line and column.
 */
import { describe, expect, it } from "vitest";

import type { ConfigIssue } from "../../shared/compile/config/configError";
import { loadPipeline } from "../../shared/compile/pipeline/loadPipeline";
import { writeConfig } from "../support/tempConfig";

const TRAIN = `$schema: https://azuremlschemas.azureedge.net/latest/commandComponent.schema.json
type: command
inputs:
  data: { type: uri_folder }
  epochs: { type: integer, default: 5 }
outputs:
  model: { type: uri_folder }
environment: azureml:env:1
command: python train.py
`;

const EVALUATE = `$schema: https://azuremlschemas.azureedge.net/latest/commandComponent.schema.json
type: command
inputs:
  model: { type: uri_folder }
outputs:
  metrics: { type: uri_folder }
environment: azureml:env:1
command: python evaluate.py
`;

const INNER = `$schema: https://azuremlschemas.azureedge.net/latest/pipelineComponent.schema.json
type: pipeline
inputs:
  raw_data: { type: uri_folder, optional: true }
outputs:
  train_data: { type: uri_folder }
jobs:
  prep:
    component: azureml:prep:1
    inputs: { raw: "\${{parent.inputs.raw_data}}" }
    outputs: { out: "\${{parent.outputs.train_data}}" }
`;

/** A pipeline job file whose `jobs:` (and `outputs:`) are given; `jobs:` is line 6 without outputs. */
const pipeline = (jobs: string, outputs = "") => `type: pipeline
settings:
  default_compute: azureml:cpu-cluster
inputs:
  data: { type: uri_folder, path: "azureml://datastores/d/paths/x" }
${outputs}jobs:
${jobs}`;

/** Loads `pipeline.yml` from a temp folder holding the component files too. */
function load(text: string) {
  const dir = writeConfig({
    "pipeline.yml": text,
    "components/train.yml": TRAIN,
    "components/evaluate.yml": EVALUATE,
    "inner.yml": INNER,
  }).replace(/workflows\.yaml$/, "");
  return loadPipeline(`${dir}pipeline.yml`, "pipeline.yml");
}

const placed = (issues: readonly ConfigIssue[]) =>
  issues.map((i) => `${i.file}:${i.line ?? "?"}:${i.column ?? "?"} ${i.path}: ${i.message}`);

function problems(text: string): string[] {
  const loaded = load(text);
  if (loaded.ok) throw new Error("expected the pipeline to be refused");
  return placed(loaded.issues);
}

const TRAIN_AND_EVALUATE = `  train:
    component: ./components/train.yml
    inputs:
      data: \${{parent.inputs.data}}
  evaluate:
    component: file:components/evaluate.yml
    inputs:
      model: \${{parent.jobs.train.outputs.model}}
`;

describe("a binding to a job output names a job and an output it has", () => {
  it("refuses an output the job's component does not declare, at the binding, naming the job, the output and the outputs it has", () => {
    const found = problems(
      pipeline(`${TRAIN_AND_EVALUATE}  report:
    component: ./components/evaluate.yml
    inputs:
      model: \${{parent.jobs.evaluate.outputs.metric}}
`),
    );
    expect(found).toEqual([
      expect.stringMatching(
        /^pipeline\.yml:18:7 jobs\.report\.inputs\.model: binds to output "metric" of job "evaluate", which its component \S*components\/evaluate\.yml does not declare; its outputs: metrics; did you mean "metrics"\?$/,
      ),
    ]);
  });

  it("refuses a job the pipeline does not have, listing its jobs and the one meant", () => {
    const found = problems(
      pipeline(TRAIN_AND_EVALUATE.replace("parent.jobs.train.", "parent.jobs.trian.")),
    );
    expect(found).toEqual([
      'pipeline.yml:14:7 jobs.evaluate.inputs.model: binds to job "trian", which the pipeline does not have; its jobs: train, evaluate; did you mean "train"?',
    ]);
  });

  it("checks a binding written as an asset input's path, and outputs declared inline or on an inline job", () => {
    const found = problems(
      pipeline(`  inline_component:
    component:
      type: command
      outputs: { scores: { type: uri_folder } }
      environment: azureml:env:1
      command: echo
  inline_job:
    command: echo
    environment: azureml:env:1
    outputs: { table: { type: uri_folder } }
  reader:
    component: ./components/evaluate.yml
    inputs:
      model: { type: uri_folder, path: "\${{parent.jobs.inline_component.outputs.score}}" }
  other_reader:
    component: ./components/evaluate.yml
    inputs:
      model: \${{parent.jobs.inline_job.outputs.tables}}
`),
    );
    expect(found).toEqual([
      expect.stringMatching(
        /^pipeline\.yml:20:34 jobs\.reader\.inputs\.model\.path: binds to output "score" of job "inline_component", which its component written inline at jobs\.inline_component\.component does not declare; its outputs: scores; did you mean "scores"\?$/,
      ),
      'pipeline.yml:24:7 jobs.other_reader.inputs.model: binds to output "tables" of job "inline_job", which its inline job does not declare; its outputs: table; did you mean "table"?',
    ]);
  });

  it("refuses a pipeline-level output bound to a missing job output or a missing job", () => {
    const found = problems(
      pipeline(
        TRAIN_AND_EVALUATE,
        `outputs:
  final:
    type: uri_folder
    path: \${{parent.jobs.evaluate.outputs.metric}}
  other:
    path: \${{parent.jobs.nowhere.outputs.metrics}}
`,
      ),
    );
    expect(found).toEqual([
      expect.stringMatching(
        /^pipeline\.yml:9:5 outputs\.final\.path: binds to output "metric" of job "evaluate", which its component \S*components\/evaluate\.yml does not declare; its outputs: metrics; did you mean "metrics"\?$/,
      ),
      'pipeline.yml:11:5 outputs.other.path: binds to job "nowhere", which the pipeline does not have; its jobs: train, evaluate',
    ]);
  });

  it("accepts any output of a workspace or registry component: it is declared in Azure, out of reach here", () => {
    const loaded = load(
      pipeline(`  train:
    component: azureml:train:3
  evaluate:
    component: azureml://registries/r/components/evaluate/versions/1
    inputs:
      model: \${{parent.jobs.train.outputs.anything}}
`),
    );
    expect(loaded.ok ? [] : placed(loaded.issues)).toEqual([]);
  });
});

describe("an input the node's component does not declare", () => {
  it("is refused for a component file, at the input, with the component's inputs and the one meant", () => {
    const found = problems(
      pipeline(`  train:
    component: ./components/train.yml
    inputs:
      data: \${{parent.inputs.data}}
      epoch: 10
      learning_rate: 0.01
`),
    );
    expect(found).toEqual([
      expect.stringMatching(
        /^pipeline\.yml:11:7 jobs\.train\.inputs\.epoch: the component \S*components\/train\.yml has no input "epoch" \(az ml job create would drop it without a word\); its inputs: data, epochs; did you mean "epochs"\?$/,
      ),
      expect.stringMatching(
        /^pipeline\.yml:12:7 jobs\.train\.inputs\.learning_rate: the component \S*components\/train\.yml has no input "learning_rate" \(az ml job create would drop it without a word\); its inputs: data, epochs$/,
      ),
    ]);
  });

  it("is refused for a component written inline and for a file: component", () => {
    const found = problems(
      pipeline(`  inline:
    component:
      type: command
      inputs: { rate: { type: number } }
      environment: azureml:env:1
      command: echo \${{inputs.rate}}
    inputs:
      rate: 0.1
      rates: 0.2
  evaluate:
    component: file:components/evaluate.yml
    inputs:
      model: \${{parent.jobs.inline.outputs.model}}
      threshold: 0.5
`),
    );
    expect(found).toEqual([
      'pipeline.yml:15:7 jobs.inline.inputs.rates: the component written inline at jobs.inline.component has no input "rates" (az ml job create would drop it without a word); its inputs: rate; did you mean "rate"?',
      expect.stringMatching(
        /^pipeline\.yml:19:7 jobs\.evaluate\.inputs\.model: binds to output "model" of job "inline", which its component written inline at jobs\.inline\.component does not declare; its outputs: none$/,
      ),
      expect.stringMatching(
        /^pipeline\.yml:20:7 jobs\.evaluate\.inputs\.threshold: the component \S*components\/evaluate\.yml has no input "threshold" .*; its inputs: model$/,
      ),
    ]);
  });

  it("is sent as written to a workspace component, whose inputs are only known in Azure", () => {
    const loaded = load(
      pipeline(`  train:
    component: azureml:train:3
    inputs:
      learning_rate: 0.01
`),
    );
    if (!loaded.ok) throw new Error(placed(loaded.issues).join("\n"));
    expect(loaded.value.jobs.train?.inputs).toEqual({
      learning_rate: { job_input_type: "literal", value: "0.01" },
    });
  });

  it("is a warning on a pipeline component, and left out of the job as az ml leaves it out (azureml-examples passes one so)", () => {
    const loaded = load(
      pipeline(`  data_pipeline:
    type: pipeline
    component: ./inner.yml
    inputs:
      raw_data: \${{parent.inputs.data}}
      test_split_ratio: 0.2
`),
    );
    if (!loaded.ok) throw new Error(placed(loaded.issues).join("\n"));
    expect(placed(loaded.warnings)).toEqual([
      expect.stringMatching(
        /^pipeline\.yml:12:7 jobs\.data_pipeline\.inputs\.test_split_ratio: the component \S*inner\.yml has no input "test_split_ratio", so it is left out of the job \(as az ml job create leaves it out\); its inputs: raw_data$/,
      ),
    ]);
    expect(Object.keys(loaded.value.jobs.data_pipeline?.inputs ?? {})).toEqual(["raw_data"]);
  });
});
