import { describe, expect, it } from "vitest";

import { loadPipeline } from "../../shared/pipeline/loadPipeline";
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
      "a local code path",
      MINIMAL_PIPELINE.replace(
        "    component: azureml:check:1\n",
        "    component: azureml:check:1\n    code: ./src\n",
      ),
      /jobs\.check\.code: "code" is not supported: a local code path needs an upload.*az ml component create/,
    ],
    [
      "an inline component",
      MINIMAL_PIPELINE.replace(
        "component: azureml:check:1",
        "component:\n      type: command\n      command: echo hi",
      ),
      /jobs\.check\.component: component must be a reference: azureml:<name>:<version>/,
    ],
    [
      "a local component file",
      MINIMAL_PIPELINE.replace("azureml:check:1", "./components/check.yml"),
      /a local component file needs an upload: register it/,
    ],
    [
      "a component label",
      MINIMAL_PIPELINE.replace("azureml:check:1", "azureml:check@latest"),
      /uses a label, which needs a look-up at submit time; pin a version: azureml:check:<version>/,
    ],
    [
      "an unversioned component",
      MINIMAL_PIPELINE.replace("azureml:check:1", "azureml:check"),
      /has no version; pin one/,
    ],
    [
      "a local input path",
      MINIMAL_PIPELINE.replace("path: azureml:m:1", "path: ./model"),
      /inputs\.model\.path: ".\/model" looks like a local path, which needs an upload/,
    ],
    [
      "an asset label",
      MINIMAL_PIPELINE.replace("path: azureml:m:1", "path: azureml:m@latest"),
      /uses a label/,
    ],
    [
      "a node type other than command",
      MINIMAL_PIPELINE.replace("type: command", "type: parallel"),
      /jobs\.check\.type: only command nodes are supported here/,
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
      /no compute: set settings.default_compute/,
    ],
    [
      "a literal the jobs API refuses",
      MINIMAL_PIPELINE.replace("model_name: m", 'model_name: "--"'),
      /literal input must contain a letter, digit or underscore/,
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

  it("locates a problem at its line", () => {
    expect(problems(MINIMAL_PIPELINE.replace("azureml:check:1", "azureml:check@latest"))).toMatch(
      /^p\.yml:13 jobs\.check\.component:/,
    );
  });
});
