import { cpSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

import { describe, expect, it, vi } from "vitest";

import { parseWorkspaceId } from "../../shared/aml/workspace";
import { compileWorkflows } from "../../shared/compile/workflows/loadWorkflows";
import { WORKSPACE_TOKEN } from "../../shared/compiled/compiledConfig";
import { bindPipeline } from "../../shared/workflows/bindPipeline";
import { hydrate } from "../../shared/workflows/hydrate";
import { EXAMPLE_WORKFLOWS } from "../support/samples";

const compile = (file: string) => {
  const result = compileWorkflows(file);
  if (!result.ok) throw result.error;
  return result.value;
};

describe("the compiled form", () => {
  it("is the same JSON wherever the config lives: no absolute paths, no workspace", () => {
    // The git lineage differs between a checkout and a copy; CI's variables pin it for both.
    vi.stubEnv("AZUREML_GIT_REPOSITORY_URI", "https://example.org/team/config.git");
    vi.stubEnv("AZUREML_GIT_BRANCH", "main");
    vi.stubEnv("AZUREML_GIT_COMMIT", "0123abcd");
    vi.stubEnv("AZUREML_GIT_DIRTY", "false");
    const elsewhere = mkdtempSync(join(tmpdir(), "elsewhere-"));
    cpSync(dirname(EXAMPLE_WORKFLOWS), elsewhere, { recursive: true });
    const here = compile(EXAMPLE_WORKFLOWS);
    const there = compile(join(elsewhere, "workflows.yaml"));
    expect({ ...there, source: "" }).toEqual({ ...here, source: "" });
    const text = JSON.stringify(here.pipelines);
    expect(text).not.toContain(tmpdir());
    expect(text).not.toContain("/subscriptions/");
    expect(Object.keys(here.pipelines)).toEqual(["pipelines/validate-model.yml"]);
    expect(here.pipelines["pipelines/validate-model.yml"]?.properties.settings).toEqual({
      default_compute: `${WORKSPACE_TOKEN}/computes/cpu-cluster`,
      default_datastore: `${WORKSPACE_TOKEN}/datastores/workspaceblobstore`,
      continue_on_step_failure: false,
      force_rerun: true,
      _source: "YAML.JOB",
    });
    vi.unstubAllEnvs();
  });

  it("survives JSON: hydrated from its text it plans the same", () => {
    const compiled = compile(EXAMPLE_WORKFLOWS);
    const hydrated = hydrate(JSON.parse(JSON.stringify(compiled)) as typeof compiled);
    expect(hydrated.ok && hydrated.value.workflows.map((w) => w.name)).toEqual([
      "validate-registered-model",
    ]);
  });

  it("binds workspace ids when the job is built, and never reads event values as workspace ids", () => {
    const compiled = compile(EXAMPLE_WORKFLOWS);
    const pipeline = compiled.pipelines["pipelines/validate-model.yml"]!;
    const ws = parseWorkspaceId(
      "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/mlws",
    );
    if (!ws.ok) throw new Error("workspace");
    const body = bindPipeline(pipeline, ws.value, {
      inputs: { model_name: { kind: "literal", value: `${WORKSPACE_TOKEN}/not-an-id` } },
      tags: { a: "b" },
    });
    expect(body.properties.settings.default_compute).toBe(`${ws.value.id}/computes/cpu-cluster`);
    expect(body.properties.jobs?.validate?.componentId).toBe(
      `${ws.value.id}/components/validate_model/versions/1`,
    );
    expect(body.properties.inputs.model_name).toEqual({
      jobInputType: "literal",
      value: `${WORKSPACE_TOKEN}/not-an-id`,
    });
    // The compiled pipeline itself is left as it was.
    expect(pipeline.properties.settings.default_compute).toBe(
      `${WORKSPACE_TOKEN}/computes/cpu-cluster`,
    );
  });
});
