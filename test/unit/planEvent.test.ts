import { describe, expect, it } from "vitest";

import type { JobSubmitter } from "../../shared/aml/jobSubmitter";
import { parseWorkspaceId } from "../../shared/aml/workspace";
import { loadWorkflowsOrThrow } from "../../shared/compile/workflows/loadWorkflows";
import type { EventOutcome } from "../../shared/core/outcome";
import { planEvent } from "../../shared/core/planEvent";
import { processEvent } from "../../shared/core/processEvent";
import type { RejectionStore } from "../../shared/rejections/rejectionStore";
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
  topic: workspace.id,
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

  it("says which type Azure sends when a hand-written event uses the short name", () => {
    // The workflows say `on: ModelRegistered`; Azure ML's events never carry the bare name.
    expect(plan({ id: "1", eventType: "ModelRegistered", data: {} })).toMatchObject({
      kind: "ignored",
      reason:
        'no workflow listens for "ModelRegistered": Azure ML sends "Microsoft.MachineLearningServices.ModelRegistered", which `on: ModelRegistered` means — use that as the eventType',
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

  it.each([
    [
      "the custom domain topic",
      "topic",
      "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg/providers/Microsoft.EventGrid/domains/d/topics/t",
    ],
    [
      "a workspace this deployment does not serve",
      "topic",
      "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/stranger",
    ],
    ["an attacker's CloudEvent source", "source", "https://attacker.example/"],
  ])(
    "believes an Azure ML event type only from a served workspace: refuses one from %s",
    (_, key, from) => {
      const raw =
        key === "source"
          ? {
              specversion: "1.0",
              id: "evt-1",
              type: "Microsoft.MachineLearningServices.ModelRegistered",
              source: from,
              subject: "models/credit-risk:5",
              data: {
                modelName: "credit-risk",
                modelVersion: "5",
                modelTags: { stage: "candidate" },
              },
            }
          : { ...modelEvent("credit-risk", { stage: "candidate", note: "n" }), topic: from };
      const outcome = plan(raw);
      expect(outcome).toMatchObject({ kind: "rejected", eventId: "evt-1" });
      expect(outcome.kind === "rejected" && outcome.reason).toContain(`${key} "${from}"`);
      expect(outcome.kind === "rejected" && outcome.reason).toContain(workspace.id);
    },
  );

  it("compares the served workspace's ARM id without case, and takes custom types from anywhere", () => {
    const upper = {
      ...modelEvent("credit-risk", { stage: "candidate" }),
      topic: workspace.id.toUpperCase(),
    };
    expect(plan(upper).kind).toBe("processed");
    expect(
      plan({ id: "1", eventType: "Contoso.Data.Arrived", topic: "/domains/d/topics/t", data: {} })
        .kind,
    ).toBe("ignored");
  });

  it.each([
    ["NUL", "a\u0000b", /input "model_name": the rendered value holds NUL/],
    [
      "a 1 MB value",
      "v".repeat(1_000_000),
      /input "model_name": the rendered value is 1000000 characters/,
    ],
  ])("sends no event content holding %s to ARM, and says so briefly", (_, note, reason) => {
    const [gate] = workflowsOf(plan(modelEvent("credit-risk", { stage: "candidate", note })));
    expect(gate?.kind).toBe("rejected");
    expect(gate?.kind === "rejected" && gate.reason).toMatch(reason);
    expect(gate?.kind === "rejected" && gate.reason.length).toBeLessThan(1000);
  });

  it("keeps a bounded, escaped reason for a rejection that quotes a huge event id", async () => {
    const kept: string[] = [];
    const rejections: RejectionStore = {
      location: "memory",
      record: (r) => (kept.push(r.reason), Promise.resolve()),
      list: async function* () {},
      remove: () => Promise.resolve(),
    };
    const submitter: JobSubmitter = { submit: () => Promise.resolve({ kind: "submitted" }) };
    const raw = {
      ...modelEvent("credit-risk", { stage: "candidate" }),
      id: `\u202e${"x".repeat(1_000_000)}`,
    };
    await processEvent(raw, { config, workspace, armEndpoint: "https://x" }, submitter, rejections);
    expect(kept).toHaveLength(1);
    expect(kept[0]).toMatch(
      /^input "model_name": \{\{ model\.tags\.note \}\} has no value in event \\u202ex+… \(\d+ more characters\)$/,
    );
    expect(kept[0]?.length).toBeLessThan(5000);
  });

  it("rejects a malformed event with the reason", () => {
    expect(plan(42)).toEqual({
      kind: "rejected",
      eventId: null,
      reason: "malformed event: event is a number, not an object",
    });
  });
});
