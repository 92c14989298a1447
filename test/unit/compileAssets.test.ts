import {
  appendFileSync,
  cpSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { describe, expect, it } from "vitest";

import { compileWorkflows } from "../../shared/compile/workflows/loadWorkflows";
import type { CompiledConfig } from "../../shared/compiled/compiledConfig";
import { REPO_ROOT } from "../support/samples";

const FIXTURE = join(REPO_ROOT, "test", "fixtures", "assets");

function copyFixture(): string {
  const dir = mkdtempSync(join(tmpdir(), "assets-"));
  cpSync(FIXTURE, dir, { recursive: true });
  return dir;
}

function compile(dir: string): CompiledConfig {
  const result = compileWorkflows(join(dir, "workflows.yaml"));
  if (!result.ok) throw result.error;
  return result.value;
}

const pipelineOf = (config: CompiledConfig) => config.pipelines["pipelines/retrain.yml"]!;

describe("compiling a pipeline that needs workspace assets", () => {
  it("lists each code folder, local data, inline environment and anonymous component, named from content", () => {
    const { assets, properties } = pipelineOf(compile(copyFixture()));
    expect(assets.codes.map((c) => [c.folder, c.files])).toEqual([
      ["jobs/prep", 2],
      ["components/train/src", 2],
    ]);
    expect(assets.codes[0]?.name).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    );
    expect(assets.data).toEqual([
      expect.objectContaining({
        path: "data/raw",
        kind: "folder",
        files: 1,
        datastorePath: expect.stringMatching(/^LocalUpload\/[0-9a-f]{32}\/raw$/) as string,
      }),
      // A Docker build context is uploaded as data too, and the environment built from it.
      expect.objectContaining({ path: "environments/r-base", kind: "folder", files: 1 }),
    ]);
    expect(assets.environments).toEqual([
      expect.objectContaining({
        name: "CliV2AnonymousEnvironment",
        properties: {
          image: "mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04",
          // Re-serialised as azure-ai-ml sends it: keys sorted, lists flush under their key.
          condaFile: "dependencies:\n- python=3.10\nname: prep\n",
          isAnonymous: true,
        },
      }),
      expect.objectContaining({
        name: "CliV2AnonymousEnvironment",
        properties: {
          build: {
            contextUri: `{workspaceblobstore}/${assets.data[1]?.datastorePath ?? ""}/`,
          },
          isAnonymous: true,
        },
      }),
    ]);
    expect(assets.components.map((c) => [c.name, c.from])).toEqual([
      ["azureml_anonymous", "pipelines/retrain.yml#jobs.prep"],
      ["azureml_anonymous", "components/train/component.yml"],
      ["azureml_anonymous", "pipelines/retrain.yml#jobs.report"],
    ]);
    const [prep, train] = assets.components;
    expect(prep?.spec).toMatchObject({
      type: "command",
      name: "azureml_anonymous",
      version: "1",
      is_deterministic: true,
      code: `azureml:{workspace}/codes/${assets.codes[0]?.name ?? ""}/versions/1`,
      environment: `azureml:{workspace}/environments/CliV2AnonymousEnvironment/versions/${assets.environments[0]?.version ?? ""}`,
      inputs: { raw: { type: "uri_folder" } },
      outputs: { clean: { type: "uri_folder" } },
      _source: "YAML.JOB",
    });
    expect(train?.spec).toMatchObject({
      name: "azureml_anonymous",
      code: `azureml:{workspace}/codes/${assets.codes[1]?.name ?? ""}/versions/1`,
      environment: "azureml://registries/azureml/environments/sklearn-1.5/labels/latest",
      _source: "YAML.COMPONENT",
    });
    expect(properties.jobs?.prep).toMatchObject({
      componentId: `{workspace}/components/azureml_anonymous/versions/${prep?.version ?? ""}`,
      _source: "YAML.JOB",
    });
    expect(properties.jobs?.train).toMatchObject({
      componentId: `{workspace}/components/azureml_anonymous/versions/${train?.version ?? ""}`,
      _source: "YAML.COMPONENT",
    });
    expect(properties.inputs.raw).toEqual({
      jobInputType: "uri_folder",
      uri: `azureml://datastores/workspaceblobstore/paths/${assets.data[0]?.datastorePath ?? ""}/`,
    });
  });

  it("is the same JSON wherever the config lives", () => {
    const a = compile(copyFixture());
    const b = compile(copyFixture());
    expect({ ...a, source: "" }).toEqual({ ...b, source: "" });
  });

  it("is the same on a second compile, and a changed source file makes exactly one new code and one new component", () => {
    const dir = copyFixture();
    const first = pipelineOf(compile(dir)).assets;
    expect(pipelineOf(compile(dir)).assets).toEqual(first);
    appendFileSync(join(dir, "components", "train", "src", "train.py"), "# changed\n");
    const second = pipelineOf(compile(dir)).assets;
    const changed = <T>(a: T[], b: T[]) =>
      b.filter((x) => !a.some((y) => JSON.stringify(y) === JSON.stringify(x)));
    expect(changed(first.codes, second.codes).map((c) => c.folder)).toEqual([
      "components/train/src",
    ]);
    expect(changed(first.components, second.components).map((c) => c.from)).toEqual([
      "components/train/component.yml",
    ]);
    expect(changed(first.environments, second.environments)).toEqual([]);
  });

  it("honours .amlignore: an ignored file changes nothing", () => {
    const dir = copyFixture();
    const first = pipelineOf(compile(dir)).assets;
    writeFileSync(join(dir, "components", "train", "src", "scratch.tmp"), "not code");
    expect(pipelineOf(compile(dir)).assets).toEqual(first);
  });
});

describe("bad assets get one clear message each, and nothing is half-compiled", () => {
  const problems = (dir: string) => {
    const result = compileWorkflows(join(dir, "workflows.yaml"));
    if (result.ok) throw new Error("expected the config to be refused");
    return result.error.message;
  };
  const pipelineFile = (dir: string) => join(dir, "pipelines", "retrain.yml");

  it("a node that leaves out a required component input, or names an output the component lacks", () => {
    const dir = copyFixture();
    writeFileSync(
      pipelineFile(dir),
      readFileSync(pipelineFile(dir), "utf8")
        .replace("      name: ${{parent.inputs.model_name}}\n", "")
        .replace("      epochs: 3\n", "      epochs: 3\n    outputs:\n      metrics:\n"),
    );
    const message = problems(dir);
    expect(message).toMatch(
      /jobs\.train\.inputs: the component .*component\.yml requires input "name", and this node gives it no value/,
    );
    expect(message).toMatch(
      /jobs\.train\.outputs\.metrics: the component .*component\.yml has no output "metrics"; its outputs: model/,
    );
  });

  it("a missing component file and a missing code folder", () => {
    const dir = copyFixture();
    writeFileSync(
      pipelineFile(dir),
      readFileSync(pipelineFile(dir), "utf8")
        .replace("../components/train/component.yml", "../components/nope.yml")
        .replace("code: ../jobs/prep", "code: ../jobs/nope"),
    );
    const message = problems(dir);
    expect(message).toMatch(
      /jobs\.train\.component: component file not found: \.\.\/components\/nope\.yml/,
    );
    expect(message).toMatch(/jobs\.prep\.code: code folder not found: .*jobs\/nope/);
  });

  it("a prompt flow used as a component, and a Docker context without its Dockerfile", () => {
    const dir = copyFixture();
    writeFileSync(
      join(dir, "components", "flow.dag.yaml"),
      "inputs:\n  text: { type: string }\nnodes: []\n",
    );
    rmSync(join(dir, "environments", "r-base", "Dockerfile"));
    writeFileSync(
      pipelineFile(dir),
      readFileSync(pipelineFile(dir), "utf8").replace(
        "../components/train/component.yml",
        "../components/flow.dag.yaml",
      ),
    );
    const message = problems(dir);
    expect(message).toMatch(
      /flow\.dag\.yaml:1:1: a prompt flow used as a component is not supported: azure-ai-ml turns it into a component with the promptflow package/,
    );
    expect(message).toMatch(
      /jobs\.report\.environment: no Dockerfile in the Docker context .*r-base/,
    );
  });

  it("a code folder with a symbolic-link loop is refused, naming it, where azure-ai-ml would walk it until the OS stops", () => {
    const dir = copyFixture();
    symlinkSync("..", join(dir, "jobs", "prep", "loop"));
    expect(problems(dir)).toMatch(/jobs\.prep\.code: cannot read .*jobs\/prep: .*loop/);
  });

  it("a code folder larger than Azure ML takes", () => {
    const dir = copyFixture();
    const big = join(dir, "components", "train", "src", "weights.bin");
    writeFileSync(big, "");
    truncateSync(big, 301 * 1024 * 1024);
    expect(problems(dir)).toMatch(
      /holds more than 300 MB, which Azure ML refuses; list what is not code in its \.amlignore/,
    );
  });
});
