import { describe, expect, it } from "vitest";

import { parseWorkspaceId, type Workspace } from "../../shared/aml/workspace";
import type { LabelReference } from "../../shared/compiled/compiledConfig";
import { PLACEHOLDER_WORKSPACE_ID } from "../../shared/constants";
import { describeOutcome } from "../../shared/core/describeOutcome";
import type { EventOutcome, WorkflowOutcome } from "../../shared/core/outcome";
import { planEvent } from "../../shared/core/planEvent";
import { hydrate } from "../../shared/workflows/hydrate";
import { EXAMPLE_LABELS, labelledExample } from "../support/labelledConfig";
import { sampleEvent } from "../support/samples";

const workspaceOf = (id: string): Workspace => {
  const parsed = parseWorkspaceId(id);
  if (!parsed.ok) throw new Error(id);
  return parsed.value;
};
const ARM = "https://management.azure.com";
// The workspace the sample event comes from: served, but not the default.
const source = workspaceOf(PLACEHOLDER_WORKSPACE_ID.replace(/example-workspace$/, "source-ws"));
const event = sampleEvent("model-registered.eventgrid.json", source.id);

function plan(labels: LabelReference[], workspace = workspaceOf(PLACEHOLDER_WORKSPACE_ID)) {
  const config = hydrate(labelledExample(labels));
  if (!config.ok) throw new Error(config.errors.join());
  return planEvent(event, {
    config: config.value,
    workspace,
    workspaces: [workspace, source],
    armEndpoint: ARM,
  });
}
const only = (outcome: EventOutcome): WorkflowOutcome => {
  if (outcome.kind !== "processed" || outcome.workflows[0] === undefined)
    throw new Error(outcome.kind);
  return outcome.workflows[0];
};

describe("plan: label look-ups", () => {
  it("lists each look-up the job needs, one per asset with its GET, and says it is not sent", () => {
    const outcome = plan(EXAMPLE_LABELS);
    const planned = only(outcome);
    if (planned.kind === "rejected") throw new Error(planned.reason);
    if (planned.kind === "held") throw new Error("planning holds nothing");
    const ws = PLACEHOLDER_WORKSPACE_ID;
    expect(planned.lookups?.map((l) => [l.asset, l.name, l.at.length, l.url])).toEqual([
      [
        "data",
        "local-folder-example",
        2,
        `${ARM}${ws}/data/local-folder-example?api-version=2025-12-01`,
      ],
      [
        "components",
        "validate_model",
        1,
        `${ARM}${ws}/components/validate_model/versions?api-version=2025-12-01&$orderBy=createdtime%20desc&$top=1`,
      ],
      [
        "models",
        "baseline-model",
        1,
        `${ARM}${ws}/models/baseline-model/versions?api-version=2025-12-01&$orderBy=createdtime%20desc&$top=1`,
      ],
    ]);
    // The body keeps the text as written until a submission looks it up.
    expect(planned.request.body.properties.inputs.training_data?.uri).toBe(
      "azureml:local-folder-example@latest",
    );
    expect(describeOutcome(outcome).map((l) => l.message)).toContain(
      `label look-up: data local-folder-example@latest (GET ${ARM}${ws}/data/local-folder-example?api-version=2025-12-01), not sent — job ${planned.jobName}`,
    );
  });

  it("does not look up a label under an input the workflow sets from the event", () => {
    const planned = only(
      plan([
        ...EXAMPLE_LABELS,
        {
          at: ["inputs", "model", "uri"],
          asset: "models",
          name: "candidate-model",
          label: "latest",
        },
      ]),
    );
    expect(planned.kind === "planned" && planned.lookups?.map((l) => l.name)).toEqual([
      "local-folder-example",
      "validate_model",
      "baseline-model",
    ]);
  });

  it("rejects the workflow for a label other than latest, naming the asset and the label", () => {
    const outcome = plan([
      {
        at: ["jobs", "validate", "environmentId"],
        asset: "environments",
        name: "sklearn-env",
        label: "prod",
      },
    ]);
    expect(only(outcome)).toMatchObject({
      kind: "rejected",
      workflow: "validate-registered-model",
      reason: expect.stringMatching(
        /^Asset sklearn-env with version label prod does not exist in workspace example-workspace/,
      ) as string,
    });
  });

  it("marks the look-up of the model the event announces, in its own workspace, as fresh", () => {
    const announced: LabelReference[] = [
      {
        at: ["jobs", "validate", "inputs", "baseline", "uri"],
        asset: "models",
        name: "credit-risk",
        label: "latest",
      },
    ];
    const inSource = only(plan(announced, source));
    expect(inSource.kind === "planned" && inSource.lookups?.[0]?.fresh).toBe(true);
    const elsewhere = only(plan(announced));
    expect(elsewhere.kind === "planned" && elsewhere.lookups?.[0]?.fresh).toBeUndefined();
  });
});
