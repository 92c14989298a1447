import { describe, expect, it } from "vitest";

import { parseWorkspaceId } from "../../shared/aml/workspace";
import { loadWorkflowsOrThrow } from "../../shared/compile/workflows/loadWorkflows";
import type { EventOutcome } from "../../shared/core/outcome";
import { planEvent } from "../../shared/core/planEvent";
import { MINIMAL_PIPELINE, writeConfig } from "../support/tempConfig";

const parsed = parseWorkspaceId(
  "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/mlws",
);
if (!parsed.ok) throw new Error("workspace");
const workspace = parsed.value;

const config = loadWorkflowsOrThrow(
  writeConfig({
    "workflows.yaml": `workflows:
  - name: gate
    on: Microsoft.MachineLearningServices.ModelRegistered
    when:
      model: "credit-*"
      tags: { stage: "cand*" }
    pipeline: p.yml
    inputs:
      model:
        type: mlflow_model
        path: "azureml:{{ model.name }}:{{ model.version }}"
      model_name: "{{ model.tags.note }}"
  - name: audit
    on: microsoft.machinelearningservices.modelregistered
    pipeline: p.yml
`,
    "p.yml": MINIMAL_PIPELINE,
  }),
);

const modelEvent = (name: string, tags: Record<string, string>) => ({
  id: "evt-1",
  eventType: "Microsoft.MachineLearningServices.ModelRegistered",
  subject: `models/${name}:5`,
  topic: "/subscriptions/x",
  data: { modelName: name, modelVersion: "5", modelTags: tags },
});

const plan = (raw: unknown): EventOutcome =>
  planEvent(raw, { config, workspace, armEndpoint: "https://management.azure.com" });
const workflowsOf = (p: EventOutcome) => (p.kind === "processed" ? p.workflows : []);

describe("planEvent", () => {
  it("runs every workflow whose type and conditions match; event types compare without case", () => {
    const result = workflowsOf(plan(modelEvent("credit-risk", { stage: "candidate", note: "n" })));
    expect(result.map((w) => [w.workflow, w.kind])).toEqual([
      ["gate", "planned"],
      ["audit", "planned"],
    ]);
    const [gate, audit] = result;
    expect(gate?.kind === "planned" && gate.jobName).not.toBe(
      audit?.kind === "planned" && audit.jobName,
    );
  });

  it("skips a workflow whose model glob or tag glob does not hold", () => {
    expect(
      workflowsOf(plan(modelEvent("fraud", { stage: "candidate" }))).map((w) => w.workflow),
    ).toEqual(["audit"]);
    expect(
      workflowsOf(plan(modelEvent("credit-risk", { stage: "prod" }))).map((w) => w.workflow),
    ).toEqual(["audit"]);
    expect(workflowsOf(plan(modelEvent("credit-risk", {}))).map((w) => w.workflow)).toEqual([
      "audit",
    ]);
  });

  it("ignores an event type nobody listens for, saying so", () => {
    expect(plan({ id: "1", eventType: "Other.Event", data: {} })).toMatchObject({
      kind: "ignored",
      reason: "no workflow listens for Other.Event",
    });
  });

  it("rejects a workflow whose placeholder has no value, naming the input", () => {
    const [gate] = workflowsOf(plan(modelEvent("credit-risk", { stage: "candidate" })));
    expect(gate).toEqual({
      kind: "rejected",
      workflow: "gate",
      reason: 'input "model_name": {{ model.tags.note }} has no value in event evt-1',
    });
  });

  it("puts URL, resolved ids and pipeline defaults into the request", () => {
    const [gate] = workflowsOf(
      plan(modelEvent("credit-risk", { stage: "candidate", note: "hello" })),
    );
    if (gate?.kind !== "planned") throw new Error("expected a job");
    expect(gate.request.url).toBe(
      `https://management.azure.com${workspace.id}/jobs/${gate.jobName}?api-version=2025-12-01`,
    );
    const { properties } = gate.request.body;
    expect(properties.settings.default_compute).toBe(`${workspace.id}/computes/cpu-cluster`);
    expect(properties.jobs?.check?.componentId).toBe(`${workspace.id}/components/check/versions/1`);
    expect(properties.inputs).toEqual({
      // azureml:<name>:<version> from the event is sent as the model's versioned ARM id, with no mode (as azure-ai-ml sends it).
      model: {
        jobInputType: "mlflow_model",
        uri: `${workspace.id}/models/credit-risk/versions/5`,
      },
      model_name: { jobInputType: "literal", value: "hello" },
      threshold: { jobInputType: "literal", value: "0.5" },
    });
  });

  it("keeps hostile tag content as one literal value: the job's structure does not change", () => {
    const hostile = 'x"\n  jobs: {evil: {type: command}}\n# {{ event.id }} \u202e';
    const clean = workflowsOf(
      plan(modelEvent("credit-risk", { stage: "candidate", note: "plain" })),
    )[0];
    const dirty = workflowsOf(
      plan(modelEvent("credit-risk", { stage: "candidate", note: hostile })),
    )[0];
    if (clean?.kind !== "planned" || dirty?.kind !== "planned") throw new Error("expected jobs");
    expect(dirty.request.body.properties.inputs.model_name).toEqual({
      jobInputType: "literal",
      value: hostile,
    });
    const shape = (body: unknown): unknown =>
      JSON.parse(
        JSON.stringify(body, (key, value: unknown) =>
          key === "value" && typeof value === "string" ? "<v>" : value,
        ),
      );
    expect(shape(dirty.request.body)).toEqual(shape(clean.request.body));
  });

  it("rejects an event whose tag would inject an Azure ML binding", () => {
    const [gate] = workflowsOf(
      plan(
        modelEvent("credit-risk", {
          stage: "candidate",
          note: "${{parent.jobs.check.outputs.secret}}",
        }),
      ),
    );
    expect(gate).toMatchObject({
      kind: "rejected",
      reason: expect.stringMatching(/binding expression/) as string,
    });
  });

  it("rejects a malformed event with the reason", () => {
    expect(plan(42)).toEqual({
      kind: "rejected",
      eventId: null,
      reason: "malformed event: event is a number, not an object",
    });
  });
});
