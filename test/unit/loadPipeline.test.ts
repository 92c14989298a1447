import { describe, expect, it } from "vitest";

import { compilePipeline } from "../../shared/compile/pipeline/compilePipeline";
import { loadPipeline } from "../../shared/compile/pipeline/loadPipeline";
import { MINIMAL_PIPELINE, writeConfig } from "../support/tempConfig";

function load(yaml: string) {
  const dir = writeConfig({ "p.yml": yaml });
  return loadPipeline(dir.replace(/workflows\.yaml$/, "p.yml"), "p.yml");
}

function problems(yaml: string): string {
  const result = load(yaml);
  if (result.ok) throw new Error("expected the pipeline to be refused");
  return result.issues.map((i) => `${i.file}:${i.line ?? "?"} ${i.path}: ${i.message}`).join("\n");
}

describe("loadPipeline refuses what needs an upload or a look-up, saying what to do", () => {
  it("accepts the minimal pipeline", () => {
    expect(load(MINIMAL_PIPELINE).ok).toBe(true);
  });

  it.each([
    [
      "an unversioned component",
      MINIMAL_PIPELINE.replace("azureml:check:1", "azureml:check"),
      /has no version; pin one \(azureml:check:<version>\) or name a label \(azureml:check@latest\)/,
    ],
    [
      "an asset label azure-ai-ml cannot resolve",
      MINIMAL_PIPELINE.replace("path: azureml:m:1", "path: azureml:m@prod"),
      /"azureml:m@prod": azure-ai-ml resolves only the label @latest; pin a version \(azureml:m:<version>\) or use @latest/,
    ],
    [
      "a component label azure-ai-ml cannot resolve",
      MINIMAL_PIPELINE.replace("azureml:check:1", "azureml:check@prod"),
      /azure-ai-ml resolves only @latest/,
    ],
    [
      "a node type not serialized yet",
      MINIMAL_PIPELINE.replace("type: command", "type: import"),
      /jobs\.check\.type: import nodes are not supported yet; supported: command, pipeline, parallel, spark, sweep, automl \(no type is command\)/,
    ],
    [
      "a job name",
      `name: fixed-name\n${MINIMAL_PIPELINE}`,
      /"name" is not supported: remove it: job names are derived/,
    ],
    [
      "a binding to an undeclared input",
      MINIMAL_PIPELINE.replace("parent.inputs.model_name", "parent.inputs.nope"),
      /binds to pipeline input "nope", which the pipeline does not declare/,
    ],
    [
      "a binding to a missing job",
      MINIMAL_PIPELINE.replace("${{parent.inputs.model_name}}", "${{parent.jobs.ghost.outputs.x}}"),
      /binds to job "ghost"/,
    ],
    [
      "an unknown binding form",
      MINIMAL_PIPELINE.replace(
        "${{parent.inputs.model_name}}",
        "prefix-${{parent.inputs.model_name}}",
      ),
      /is not a binding this converter understands/,
    ],
    [
      "no compute anywhere",
      MINIMAL_PIPELINE.replace("settings:\n  default_compute: azureml:cpu-cluster\n", ""),
      /no compute: set compute or settings.default_compute, or compute on every job/,
    ],
    ["a missing type", MINIMAL_PIPELINE.replace("type: pipeline\n", ""), /needs "type: pipeline"/],
  ])("%s", (_label, yaml, message) => {
    expect(problems(yaml)).toMatch(message);
  });

  it("refuses a cycle between jobs", () => {
    const cyclic = `type: pipeline
settings: { default_compute: azureml:c }
jobs:
  a:
    type: command
    component: azureml:x:1
    inputs: { i: "\${{parent.jobs.b.outputs.o}}" }
  b:
    type: command
    component: azureml:x:1
    inputs: { i: "\${{parent.jobs.a.outputs.o}}" }
`;
    expect(problems(cyclic)).toMatch(/jobs form a cycle: a → b → a/);
  });

  it.each([
    [
      "a missing component file",
      MINIMAL_PIPELINE.replace("azureml:check:1", "./components/check.yml"),
      /jobs\.check\.component: component file not found: \.\/components\/check\.yml/,
    ],
    [
      "a node with both a component and an inline command",
      MINIMAL_PIPELINE.replace(
        "    component: azureml:check:1\n",
        "    component: azureml:check:1\n    command: echo hi\n    environment: azureml:env:1\n",
      ),
      /jobs\.check\.component: a node has a component or an inline command, not both/,
    ],
    [
      "an inline component without an environment",
      MINIMAL_PIPELINE.replace(
        "component: azureml:check:1",
        "component:\n      type: command\n      command: echo hi",
      ),
      /jobs\.check\.component: a command component needs an environment/,
    ],
    [
      "a local input path that is not there",
      MINIMAL_PIPELINE.replace("path: azureml:m:1", "path: ./model"),
      /inputs\.model\.path: not found: .*model/,
    ],
  ])("refuses %s, saying what is wrong", (_label, yaml, message) => {
    expect(problems(yaml)).toMatch(message);
  });

  it("locates a problem at its line", () => {
    expect(problems(MINIMAL_PIPELINE.replace("azureml:check:1", "azureml:check"))).toMatch(
      /^p\.yml:13 jobs\.check\.component:/,
    );
  });
});

function compiledOf(yaml: string) {
  return compilePipeline(jobOf(yaml), "p.yml");
}

function jobOf(yaml: string) {
  const result = load(yaml);
  if (!result.ok) throw new Error(result.issues.map((i) => i.message).join("; "));
  return result.value;
}

describe("loadPipeline takes the shapes `az ml job create -f` takes, as azure-ai-ml sends them", () => {
  it("passes registry labels and unversioned registry ids through, and lists @latest for the look-up at submit time", () => {
    const registry = jobOf(
      MINIMAL_PIPELINE.replace(
        "azureml:check:1",
        "azureml://registries/azureml/components/train/labels/latest",
      ),
    );
    expect(registry.jobs.check).toMatchObject({
      componentId: "azureml://registries/azureml/components/train/labels/latest",
      _source: "REMOTE.REGISTRY",
    });
    const latest = jobOf(MINIMAL_PIPELINE.replace("azureml:check:1", "azureml:check@latest"));
    expect(latest.jobs.check).toMatchObject({
      componentId: "azureml:check@latest",
      _source: "REMOTE.WORKSPACE.COMPONENT",
    });
    const compiled = compiledOf(
      MINIMAL_PIPELINE.replace("azureml:check:1", "azureml:check@latest").replace(
        "path: azureml:m:1",
        "path: azureml:m@latest",
      ),
    );
    expect(compiled.labels).toEqual(
      expect.arrayContaining([
        {
          at: ["jobs", "check", "componentId"],
          asset: "components",
          name: "check",
          label: "latest",
        },
        { at: ["inputs", "model", "uri"], asset: "models", name: "m", label: "latest" },
      ]),
    );
    expect(compiled.labels).toHaveLength(2);
  });

  it("sends a literal the swagger's pattern would refuse as azure-ai-ml sends it", () => {
    const job = jobOf(MINIMAL_PIPELINE.replace("model_name: m", 'model_name: "[]"'));
    expect(job.inputs.model_name).toMatchObject({ kind: "literal", value: "[]" });
  });

  it("sends named assets as versioned ARM ids, and modes only when set", () => {
    const job = jobOf(
      MINIMAL_PIPELINE.replace(
        "    path: azureml:m:1\n",
        "    path: azureml:m:1\n    mode: download\n",
      ),
    );
    expect(job.inputs.model).toEqual({
      kind: "asset",
      type: "mlflow_model",
      uri: "{workspace}/models/m/versions/1",
      mode: "download",
    });
    const data = jobOf(
      MINIMAL_PIPELINE.replace(
        "    type: mlflow_model\n    path: azureml:m:1\n",
        "    path: azureml:raw:3\n",
      ),
    );
    expect(data.inputs.model).toEqual({
      kind: "asset",
      type: "uri_folder",
      uri: "{workspace}/data/raw/versions/3",
    });
  });

  it("takes top-level compute, a compute bound to an input, empty node outputs, bindings with a mode, and outputs registered by name", () => {
    const job = jobOf(`type: pipeline
compute: azureml:gpu
inputs:
  target: cpu-cluster
  data: { type: uri_folder, path: "azureml://datastores/d/paths/x" }
outputs:
  model: { type: mlflow_model }
jobs:
  train:
    component: azureml:train:2
    compute: \${{parent.inputs.target}}
    inputs:
      data: { path: "\${{parent.inputs.data}}", mode: download }
      rate: 1.0
    outputs:
      model: \${{parent.outputs.model}}
      logs:
      extra: { path: "\${{parent.outputs.model}}", mode: mount }
      named: { type: mlflow_model, name: churn-model, version: 3 }
`);
    expect(job.computeId).toBe("{workspace}/computes/gpu");
    expect(job.outputs.model).toEqual({ type: "mlflow_model" });
    expect(job.jobs.train).toEqual({
      name: "train",
      type: "command",
      componentId: "{workspace}/components/train/versions/2",
      computeId: "${{parent.inputs.target}}",
      inputs: {
        data: { job_input_type: "literal", value: "${{parent.inputs.data}}", mode: "Download" },
        rate: { job_input_type: "literal", value: "1.0" },
      },
      outputs: {
        model: { type: "literal", value: "${{parent.outputs.model}}" },
        extra: { type: "literal", value: "${{parent.outputs.model}}", mode: "ReadWriteMount" },
        named: { job_output_type: "mlflow_model", name: "churn-model", version: "3" },
      },
      _source: "REMOTE.WORKSPACE.COMPONENT",
    });
  });

  it("refuses a pipeline-level output named as an asset, which the stable jobs API cannot take", () => {
    expect(
      problems(`${MINIMAL_PIPELINE}outputs:\n  out: { type: uri_folder, name: x, version: 1 }\n`),
    ).toMatch(
      /outputs\.out\.name: naming a pipeline-level output as an asset needs the jobs API's 2024-01-01-preview/,
    );
  });

  it("puts a command node's resources, distribution and limits in the node as the REST model names them", () => {
    const job = jobOf(
      MINIMAL_PIPELINE.replace(
        "    component: azureml:check:1\n",
        "    component: azureml:check:1\n    resources: { instance_count: 2, shm_size: 8g }\n    distribution: { type: pytorch, process_count_per_instance: 4 }\n    limits: { timeout: 5430 }\n",
      ),
    );
    expect(job.jobs.check).toMatchObject({
      resources: { instance_count: 2, shm_size: "8g" },
      distribution: { distribution_type: "PyTorch", process_count_per_instance: 4 },
      limits: { job_limits_type: "Command", timeout: "PT1H30M30S" },
    });
    expect(
      problems(
        MINIMAL_PIPELINE.replace(
          "    component: azureml:check:1\n",
          "    component: azureml:check:1\n    limits: { max_trials: 3 }\n",
        ),
      ),
    ).toMatch(
      /jobs\.check\.limits: a command node's limits take only timeout \(seconds\), not max_trials/,
    );
  });

  it("runs a registry pipeline component as a pipeline node", () => {
    const job = jobOf(
      MINIMAL_PIPELINE.replace("type: command", "type: pipeline").replace(
        "azureml:check:1",
        "azureml://registries/azureml/components/eval_pipeline/versions/0.0.5",
      ),
    );
    expect(job.jobs.check).toMatchObject({
      type: "pipeline",
      componentId: "azureml://registries/azureml/components/eval_pipeline/versions/0.0.5",
    });
  });
});

describe("pipeline components", () => {
  const component = (
    jobs: string,
  ) => `$schema: https://azuremlschemas.azureedge.net/latest/pipelineComponent.schema.json
type: pipeline
name: inner
inputs:
  data: { type: uri_folder }
  rate: { type: number, default: 0.1 }
outputs:
  out: { type: uri_folder }
jobs:
${jobs}`;
  const node = `  step:
    component: azureml:step:1
    inputs: { data: "\${{parent.inputs.data}}", rate: "\${{parent.inputs.rate}}" }
    outputs: { out: "\${{parent.outputs.out}}" }
`;
  const loadFrom = (files: Record<string, string>) => {
    const dir = writeConfig(files).replace(/workflows\.yaml$/, "");
    return loadPipeline(`${dir}job.yml`, "job.yml");
  };

  it("compiles a pipeline component file on a pipeline node into an anonymous component holding its jobs", () => {
    const loaded = loadFrom({
      "job.yml": `type: pipeline
compute: azureml:cpu
jobs:
  sub:
    type: pipeline
    component: ./inner.yml
    inputs: { data: { path: "azureml://datastores/d/paths/x" } }
`,
      "inner.yml": component(node),
    });
    if (!loaded.ok) throw new Error(loaded.issues.map((i) => i.message).join("; "));
    const [asset] = loaded.value.assets.components;
    expect(asset?.spec).toMatchObject({
      type: "pipeline",
      // Registered anonymously, as azure-ai-ml does: the name in the file is not the asset's.
      name: "azureml_anonymous",
      version: "1",
      sourceJobId: null,
      jobs: { step: { componentId: "{workspace}/components/step/versions/1", type: "command" } },
      _source: "YAML.COMPONENT",
    });
    expect(loaded.value.jobs.sub).toMatchObject({
      type: "pipeline",
      componentId: `{workspace}/components/azureml_anonymous/versions/${asset?.version ?? ""}`,
    });
  });

  it("runs a job built from a top-level pipeline component, with no jobs of its own", () => {
    const loaded = loadFrom({
      "job.yml":
        "type: pipeline\ncompute: azureml:cpu\ncomponent: inner.yml\ninputs:\n  data: { path: azureml://datastores/d/paths/x }\n",
      "inner.yml": component(node),
    });
    if (!loaded.ok) throw new Error(loaded.issues.map((i) => i.message).join("; "));
    expect(loaded.value.componentId).toMatch(
      /^\{workspace\}\/components\/azureml_anonymous\/versions\//,
    );
    expect(loaded.value.jobs).toEqual({});
  });

  it("refuses a cycle of pipeline components, naming the files", () => {
    const loaded = loadFrom({
      "job.yml":
        "type: pipeline\ncompute: azureml:cpu\njobs:\n  a:\n    type: pipeline\n    component: ./a.yml\n",
      "a.yml": component("  b:\n    type: pipeline\n    component: ./b.yml\n"),
      "b.yml": component("  a:\n    type: pipeline\n    component: ./a.yml\n"),
    });
    expect(loaded.ok).toBe(false);
    expect(loaded.ok ? "" : loaded.issues.map((i) => i.message).join("\n")).toMatch(
      /pipeline components form a cycle: job\.yml → a\.yml → b\.yml → a\.yml/,
    );
  });
});

describe("parallel nodes", () => {
  it("turn an inline run_function task into an anonymous parallel component, and carry their settings as azure-ai-ml writes them", () => {
    const dir = writeConfig({
      "job.yml": `type: pipeline
compute: azureml:cpu
inputs:
  files: { type: uri_folder, path: "azureml://datastores/d/paths/in" }
jobs:
  score:
    type: parallel
    inputs:
      data: { path: "\${{parent.inputs.files}}", type: uri_folder, mode: direct }
    outputs:
      scored: { type: uri_folder }
    input_data: \${{inputs.data}}
    mini_batch_size: 10kb
    partition_keys: [Store, Brand]
    resources: { instance_count: 2 }
    retry_settings: { max_retries: 2, timeout: 60 }
    logging_level: INFO
    max_concurrency_per_instance: 2
    error_threshold: -1
    mini_batch_error_threshold: 5
    task:
      type: run_function
      code: ./src
      entry_script: score.py
      environment: azureml://registries/azureml/environments/sklearn-1.5/labels/latest
      program_arguments: --out \${{outputs.scored}}
`,
      "src/score.py": "def run(batch):\n    return batch\n",
    }).replace(/workflows\.yaml$/, "");
    const loaded = loadPipeline(`${dir}job.yml`, "job.yml");
    if (!loaded.ok) throw new Error(loaded.issues.map((i) => i.message).join("; "));
    const code = loaded.value.assets.codes[0];
    const [component] = loaded.value.assets.components;
    expect(component?.spec).toMatchObject({
      type: "parallel",
      inputs: { data: { type: "uri_folder" } },
      task: {
        type: "run_function",
        code: `azureml:{workspace}/codes/${code?.name ?? ""}/versions/1`,
        entry_script: "score.py",
      },
      _source: "YAML.JOB",
    });
    expect(loaded.value.jobs.score).toMatchObject({
      type: "parallel",
      componentId: `{workspace}/components/azureml_anonymous/versions/${component?.version ?? ""}`,
      input_data: "${{inputs.data}}",
      // As azure-ai-ml's Parallel node reads them: the size in bytes, the keys as Python's json.dumps.
      mini_batch_size: 10240,
      partition_keys: '["Store", "Brand"]',
      resources: { instance_count: 2 },
      retry_settings: { max_retries: 2, timeout: 60 },
      task: { code: `azureml:{workspace}/codes/${code?.name ?? ""}/versions/1` },
      _source: "YAML.JOB",
    });
  });

  it("need input_data, and their settings stay on parallel nodes", () => {
    expect(
      problems(
        MINIMAL_PIPELINE.replace("type: command", "type: parallel").replace(
          "    component: azureml:check:1\n",
          "    task: { entry_script: s.py, environment: azureml:env:1 }\n",
        ),
      ),
    ).toMatch(/a parallel node with a task needs input_data/);
    expect(
      problems(
        MINIMAL_PIPELINE.replace(
          "    component: azureml:check:1\n",
          "    component: azureml:check:1\n    mini_batch_size: 3\n",
        ),
      ),
    ).toMatch(/jobs\.check\.mini_batch_size: mini_batch_size is set on parallel nodes only/);
  });
});

describe("spark nodes", () => {
  it("compile a spark component file and an inline spark job, with identity, entry and resources as the REST models name them", () => {
    const dir = writeConfig({
      "job.yml": `type: pipeline
jobs:
  from_file:
    type: spark
    component: ./wrangle.yml
    inputs:
      raw: { type: uri_file, path: "azureml://datastores/d/paths/raw.csv", mode: direct }
    identity: { type: user_identity }
    resources: { instance_type: standard_e8s_v3, runtime_version: "3.4" }
  inline:
    type: spark
    code: ./src
    entry: { file: count.py }
    args: --in \${{inputs.data}}
    inputs:
      data: \${{parent.jobs.from_file.outputs.out}}
    conf: { spark.driver.cores: 2 }
    resources: { instance_type: standard_e8s_v3, runtime_version: "3.4" }
`,
      "wrangle.yml": `type: spark
name: wrangle
code: ./src
entry: { file: wrangle.py }
inputs: { raw: { type: uri_file, mode: direct } }
outputs: { out: { type: uri_folder, mode: direct } }
args: --raw \${{inputs.raw}} --out \${{outputs.out}}
conf: { spark.executor.cores: 2 }
`,
      "src/wrangle.py": "print('wrangle')\n",
      "src/count.py": "print('count')\n",
    }).replace(/workflows\.yaml$/, "");
    const loaded = loadPipeline(`${dir}job.yml`, "job.yml");
    if (!loaded.ok) throw new Error(loaded.issues.map((i) => i.message).join("; "));
    const [fromFile, inline] = loaded.value.assets.components;
    const code = loaded.value.assets.codes[0]?.name ?? "";
    expect(fromFile?.spec).toMatchObject({
      type: "spark",
      name: "azureml_anonymous",
      code: `azureml:{workspace}/codes/${code}/versions/1`,
      entry: { file: "wrangle.py" },
      _source: "YAML.COMPONENT",
    });
    expect(inline?.spec).toMatchObject({
      type: "spark",
      code: `azureml:{workspace}/codes/${code}/versions/1`,
      _source: "YAML.JOB",
    });
    expect(loaded.value.jobs.from_file).toMatchObject({
      type: "spark",
      identity: { identity_type: "UserIdentity" },
      resources: { instance_type: "standard_e8s_v3", runtime_version: "3.4" },
    });
    expect(loaded.value.jobs.inline).toMatchObject({
      type: "spark",
      entry: { spark_job_entry_type: "SparkJobPythonEntry", file: "count.py" },
      conf: { "spark.driver.cores": 2 },
      _source: "YAML.JOB",
    });
  });

  it("need compute or serverless resources", () => {
    expect(
      problems(
        MINIMAL_PIPELINE.replace("type: command", "type: spark").replace(
          "settings:\n  default_compute: azureml:cpu-cluster\n",
          "",
        ),
      ),
    ).toMatch(
      /a spark node needs compute \(an attached Synapse pool\) or resources \(serverless spark\)/,
    );
  });
});

describe("automl nodes", () => {
  const pipeline = (node: string) => `type: pipeline
settings: { default_compute: azureml:cpu-cluster }
inputs:
  train: { type: mltable, path: azureml://datastores/d/paths/train }
jobs:
  prep:
    component: azureml:prep:1
    inputs: { data: "\${{parent.inputs.train}}" }
    outputs: { prepared: { type: mltable } }
  fit:
    type: automl
${node}`;

  it("are written as azure-ai-ml writes them inside a pipeline: YAML keys, data as bindings, search spaces as text", () => {
    const job = jobOf(
      pipeline(`    task: image_object_detection
    compute: azureml:gpu-cluster
    primary_metric: mean_average_precision
    target_column_name: label
    training_data: \${{parent.jobs.prep.outputs.prepared}}
    limits: { timeout_minutes: 60, max_trials: 2 }
    sweep:
      sampling_algorithm: random
      early_termination: { type: bandit, evaluation_interval: 2, slack_factor: 0.2 }
    search_space:
      - model_name: { type: choice, values: [yolov5] }
        learning_rate: { type: uniform, min_value: 0.0001, max_value: 0.001 }
        min_size: { type: choice, values: [600, 800] }
        early_stopping: true
    outputs:
      best_model: { type: mlflow_model }
`),
    );
    expect(job.jobs.fit).toEqual({
      name: "fit",
      type: "automl",
      task: "image_object_detection",
      compute: "{workspace}/computes/gpu-cluster",
      primary_metric: "mean_average_precision",
      target_column_name: "label",
      training_data: "${{parent.jobs.prep.outputs.prepared}}",
      limits: { timeout_minutes: 60, max_trials: 2 },
      sweep: {
        sampling_algorithm: "random",
        // A bandit policy's slack_amount defaults to 0, and AutoMLJob's dump writes it.
        early_termination: {
          type: "bandit",
          evaluation_interval: 2,
          slack_factor: 0.2,
          slack_amount: 0,
        },
      },
      search_space: [
        {
          model_name: "choice('yolov5')",
          learning_rate: "uniform(0.0001,0.001)",
          min_size: "choice(600,800)",
          early_stopping: "True",
        },
      ],
      log_verbosity: "info",
      tags: {},
      properties: {},
      outputs: { best_model: { job_output_type: "mlflow_model" } },
    });
  });

  it("take the pipeline's default compute and always carry outputs, tags, properties and log_verbosity", () => {
    const job = jobOf(
      pipeline(`    task: regression
    log_verbosity: debug
    primary_metric: r2_score
    target_column_name: price
    training_data: \${{parent.inputs.train}}
`),
    );
    expect(job.jobs.fit).toEqual({
      name: "fit",
      type: "automl",
      task: "regression",
      log_verbosity: "debug",
      primary_metric: "r2_score",
      target_column_name: "price",
      training_data: "${{parent.inputs.train}}",
      tags: {},
      properties: {},
      outputs: {},
    });
  });

  it("refuse data that is not a binding, a binding to a missing job, an unknown task and a bad distribution", () => {
    const text = problems(
      pipeline(`    task: clasification
    training_data: ./data
    validation_data: \${{parent.jobs.nowhere.outputs.x}}
    search_space:
      - learning_rate: { type: gaussian, mu: 1 }
`),
    );
    expect(text).toMatch(/jobs\.fit\.task: must be one of "classification"/);
    expect(text).toMatch(/jobs\.fit\.training_data: training_data is a binding/);
    expect(text).toMatch(/jobs\.fit\.validation_data: binds to job "nowhere"/);
    expect(text).toMatch(
      /jobs\.fit\.search_space\[0\]\.learning_rate: unknown distribution type "gaussian"/,
    );
  });
});

describe("sweep nodes", () => {
  const trial = `$schema: https://azuremlschemas.azureedge.net/latest/commandComponent.schema.json
type: command
name: train
inputs:
  data: { type: uri_file }
  c_value: { type: number }
  kernel: { type: string }
outputs:
  model: { type: mlflow_model }
command: python train.py --c \${{inputs.c_value}} --k \${{inputs.kernel}} --data \${{inputs.data}}
environment: azureml:sklearn:3
`;
  const loadFrom = (job: string) => {
    const dir = writeConfig({ "job.yml": job, "train.yml": trial }).replace(/workflows\.yaml$/, "");
    return loadPipeline(`${dir}job.yml`, "job.yml");
  };
  const sweepJob = (extra: string) => `type: pipeline
settings: { default_compute: azureml:cpu-cluster }
jobs:
  tune:
    type: sweep
    trial: ./train.yml
    inputs:
      data: { type: uri_file, path: "https://example.org/iris.csv" }
    outputs:
      model:
    sampling_algorithm: random
    search_space:
      c_value: { type: uniform, min_value: 0.5, max_value: 0.9 }
      kernel: { type: choice, values: [rbf, linear] }
${extra}`;

  it("run their trial component as {componentId}, with limits, objective and search space as written and the policy as its REST model", () => {
    const loaded = loadFrom(
      sweepJob(`    objective: { goal: minimize, primary_metric: f1 }
    limits: { max_total_trials: 5, max_concurrent_trials: 2, timeout: 3600 }
    early_termination: { type: median_stopping, evaluation_interval: 1, delay_evaluation: 5 }
`),
    );
    if (!loaded.ok) throw new Error(loaded.issues.map((i) => i.message).join("; "));
    const [component] = loaded.value.assets.components;
    expect(component?.spec).toMatchObject({ type: "command", name: "azureml_anonymous" });
    expect(loaded.value.jobs.tune).toEqual({
      name: "tune",
      type: "sweep",
      trial: {
        componentId: `{workspace}/components/azureml_anonymous/versions/${component?.version ?? ""}`,
      },
      limits: { max_total_trials: 5, max_concurrent_trials: 2, timeout: 3600 },
      sampling_algorithm: "random",
      search_space: {
        c_value: { type: "uniform", min_value: 0.5, max_value: 0.9 },
        kernel: { type: "choice", values: ["rbf", "linear"] },
      },
      objective: { goal: "minimize", primary_metric: "f1" },
      early_termination: {
        policy_type: "MedianStopping",
        evaluation_interval: 1,
        delay_evaluation: 5,
      },
      inputs: { data: { job_input_type: "uri_file", uri: "https://example.org/iris.csv" } },
      _source: "YAML.COMPONENT",
    });
  });

  it("need an objective, and a search space key counts as the trial's input", () => {
    const loaded = loadFrom(sweepJob(""));
    if (loaded.ok) throw new Error("expected a refusal");
    expect(loaded.issues.map((i) => `${i.path}: ${i.message}`)).toEqual([
      "jobs.tune: a sweep node needs objective",
    ]);
  });
});

describe("command node services and unknown settings", () => {
  it("sends services as REST job services and settings it does not know as written", () => {
    const job = jobOf(
      MINIMAL_PIPELINE.replace(
        "  default_compute: azureml:cpu-cluster\n",
        "  default_compute: azureml:cpu-cluster\n  default_datestore: azureml:workspaceblobstore\n",
      ).replace(
        "    component: azureml:check:1\n",
        `    component: azureml:check:1
    services:
      code: { type: vs_code }
      board: { type: tensor_board, log_dir: outputs/tblogs }
      shell: { type: ssh, ssh_public_keys: "ssh-rsa AAA", nodes: all }
`,
      ),
    );
    expect(job.jobs.check?.services).toEqual({
      code: { job_service_type: "VSCode" },
      board: { job_service_type: "TensorBoard", properties: { logDir: "outputs/tblogs" } },
      shell: {
        job_service_type: "SSH",
        nodes: { nodes_value_type: "All" },
        properties: { sshPublicKeys: "ssh-rsa AAA" },
      },
    });
    expect(job.settings.others).toEqual({ default_datestore: "azureml:workspaceblobstore" });
    expect(
      problems(
        MINIMAL_PIPELINE.replace(
          "    component: azureml:check:1\n",
          "    component: azureml:check:1\n    services: { x: { type: rdp } }\n",
        ),
      ),
    ).toMatch(
      /jobs\.check\.services: services\.x needs a type: jupyter_lab, ssh, tensor_board, vs_code, not "rdp"/,
    );
  });
});
