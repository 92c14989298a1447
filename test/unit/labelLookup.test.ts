import { describe, expect, it } from "vitest";

import type { PipelineJobBody } from "../../shared/aml/jobRequest";
import { planLabelLookups, withLabelsResolved } from "../../shared/aml/labelLookup";
import { parseWorkspaceId } from "../../shared/aml/workspace";
import type { LabelReference } from "../../shared/compiled/compiledConfig";
import { TEST_WORKSPACE_ID } from "../support/azureEnv";

const parsed = parseWorkspaceId(TEST_WORKSPACE_ID);
if (!parsed.ok) throw new Error("workspace");
const workspace = parsed.value;
const ARM = "https://management.azure.com";

const body = (): PipelineJobBody => ({
  properties: {
    jobType: "Pipeline",
    isArchived: false,
    properties: {},
    tags: {},
    settings: {},
    inputs: {
      training_data: { jobInputType: "uri_folder", uri: "azureml:local-folder-example@latest" },
      model: { jobInputType: "mlflow_model", uri: `${TEST_WORKSPACE_ID}/models/m/versions/3` },
    },
    outputs: {},
    jobs: {
      train: {
        componentId: "azureml:my_train@latest",
        inputs: {
          data: { job_input_type: "uri_folder", uri: "azureml:local-folder-example@latest" },
        },
      },
      score: { componentId: `${TEST_WORKSPACE_ID}/components/score/versions/1` },
    },
  },
});

const refs: LabelReference[] = [
  {
    at: ["inputs", "training_data", "uri"],
    asset: "data",
    name: "local-folder-example",
    label: "latest",
  },
  {
    at: ["jobs", "train", "inputs", "data", "uri"],
    asset: "data",
    name: "local-folder-example",
    label: "latest",
  },
  { at: ["jobs", "train", "componentId"], asset: "components", name: "my_train", label: "latest" },
];

describe("planLabelLookups", () => {
  it("makes one look-up per asset, with every place it fills and azure-ai-ml's GET", () => {
    const planned = planLabelLookups(refs, body(), workspace, ARM, new Set());
    expect(planned).toEqual({
      ok: true,
      value: [
        {
          asset: "data",
          name: "local-folder-example",
          label: "latest",
          workspace: TEST_WORKSPACE_ID,
          at: [
            ["inputs", "training_data", "uri"],
            ["jobs", "train", "inputs", "data", "uri"],
          ],
          url: `${ARM}${TEST_WORKSPACE_ID}/data/local-folder-example?api-version=2025-12-01`,
        },
        expect.objectContaining({
          asset: "components",
          url: `${ARM}${TEST_WORKSPACE_ID}/components/my_train/versions?api-version=2025-12-01&$orderBy=createdtime%20desc&$top=1`,
        }),
      ],
    });
  });

  it("does not look up a reference under a pipeline input the workflow sets", () => {
    const planned = planLabelLookups(refs, body(), workspace, ARM, new Set(["training_data"]));
    expect(planned.ok && planned.value.map((l) => l.at)).toEqual([
      [["jobs", "train", "inputs", "data", "uri"]],
      [["jobs", "train", "componentId"]],
    ]);
  });

  it("rejects a label other than latest, naming the asset and the label", () => {
    const planned = planLabelLookups(
      [
        {
          at: ["jobs", "train", "componentId"],
          asset: "components",
          name: "my_train",
          label: "latest",
        },
      ],
      body(),
      workspace,
      ARM,
      new Set(),
    );
    expect(planned.ok).toBe(true);
    const prod = body();
    prod.properties.jobs!.train!.componentId = "azureml:my_train@prod";
    const refused = planLabelLookups(
      [
        {
          at: ["jobs", "train", "componentId"],
          asset: "components",
          name: "my_train",
          label: "prod",
        },
      ],
      prod,
      workspace,
      ARM,
      new Set(),
    );
    expect(refused).toEqual({
      ok: false,
      errors: [
        expect.stringMatching(
          /^Asset my_train with version label prod does not exist in workspace ml-ws \(components my_train@prod\): only @latest can be looked up/,
        ),
      ],
    });
  });

  it("rejects a reference whose place does not hold the text as written (a compiled file out of step)", () => {
    const planned = planLabelLookups(
      [
        {
          at: ["jobs", "score", "componentId"],
          asset: "components",
          name: "score",
          label: "latest",
        },
      ],
      body(),
      workspace,
      ARM,
      new Set(),
    );
    expect(!planned.ok && planned.errors[0]).toMatch(
      /puts components score@latest at jobs\.score\.componentId, but the body holds ".*\/components\/score\/versions\/1" there/,
    );
  });
});

describe("withLabelsResolved", () => {
  it("puts each version's ARM id in every place, copying only along those paths", () => {
    const original = body();
    Object.freeze(original.properties.jobs);
    const planned = planLabelLookups(refs, original, workspace, ARM, new Set());
    if (!planned.ok) throw new Error(planned.errors.join());
    const [data, component] = planned.value;
    const resolved = withLabelsResolved(original, [
      { ...data!, version: "3" },
      { ...component!, version: "7" },
    ]);
    const ws = TEST_WORKSPACE_ID;
    expect(resolved.properties.inputs.training_data?.uri).toBe(
      `${ws}/data/local-folder-example/versions/3`,
    );
    expect(resolved.properties.jobs?.train).toEqual({
      componentId: `${ws}/components/my_train/versions/7`,
      inputs: {
        data: { job_input_type: "uri_folder", uri: `${ws}/data/local-folder-example/versions/3` },
      },
    });
    // The bound body is untouched, and what no look-up reaches is shared, not copied.
    expect(original.properties.jobs?.train?.componentId).toBe("azureml:my_train@latest");
    expect(resolved.properties.jobs?.score).toBe(original.properties.jobs?.score);
    expect(resolved.properties.inputs.model).toBe(original.properties.inputs.model);
  });
});
