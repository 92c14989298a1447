import { readFileSync } from "node:fs";
import { join } from "node:path";

import { describe, expect, it } from "vitest";

import { parseWorkspaceId } from "../../shared/aml/workspace";
import { loadWorkflows, loadWorkflowsOrThrow } from "../../shared/compile/workflows/loadWorkflows";
import { resolveEventType } from "../../shared/compile/workflows/resolveEventType";
import { PLACEHOLDER_STORAGE_ACCOUNT_ID, WATCHED_EVENT_TYPES } from "../../shared/constants";
import type { EventOutcome } from "../../shared/core/outcome";
import { planEvent } from "../../shared/core/planEvent";
import { REPO_ROOT } from "../support/samples";
import { MINIMAL_PIPELINE, writeConfig } from "../support/tempConfig";

const parsed = parseWorkspaceId(
  "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/mlws",
);
if (!parsed.ok) throw new Error("workspace");
const workspace = parsed.value;

const RETRAIN_PIPELINE = `type: pipeline
settings:
  default_compute: azureml:cpu-cluster
inputs:
  training_data:
    type: uri_file
    path: azureml://datastores/landing/paths/seed.csv
jobs:
  train:
    type: command
    component: azureml:train:1
    inputs:
      training_data: \${{parent.inputs.training_data}}
`;

const config = loadWorkflowsOrThrow(
  writeConfig({
    "workflows.yaml": `workflows:
  - name: promote
    on: ModelTagsChanged
    when: { model: "churn*", tags: { approved: true } }
    pipeline: p.yml
    inputs:
      model: { type: mlflow_model, path: "azureml:{{ model.name }}:{{ model.version }}" }
      model_name: "{{ model.tags.approved.by }}"
  - name: retrain
    on: Microsoft.Storage.BlobCreated
    when: { subject: "/blobServices/default/containers/landing/blobs/churn/*.csv" }
    pipeline: retrain.yml
    inputs:
      training_data: { type: uri_file, path: "azureml://datastores/landing/paths/{{ blob.path }}" }
  - name: refresh
    on: DataVersionCreated
    when: { data: "churn-*" }
    pipeline: retrain.yml
    inputs:
      training_data: { type: uri_file, path: "azureml:{{ data.dataName }}:{{ data.dataVersion }}" }
`,
    "p.yml": MINIMAL_PIPELINE,
    "retrain.yml": RETRAIN_PIPELINE,
  }),
);

const plan = (raw: unknown, eventSources: string[] = []): EventOutcome =>
  planEvent(raw, {
    config,
    workspace,
    workspaces: [workspace],
    armEndpoint: "https://management.azure.com",
    eventSources,
  });

const tagsChanged = (version: string, tags: Record<string, string>, topic = workspace.id) => ({
  id: `watch-${version}-${Object.keys(tags).join("-")}`,
  eventType: WATCHED_EVENT_TYPES.modelTagsChanged,
  topic,
  subject: `models/churn:${version}`,
  eventTime: "2026-12-06T12:00:00Z",
  data: { modelName: "churn", modelVersion: version, modelTags: tags, previousModelTags: null },
});

const blobSample = JSON.parse(
  readFileSync(join(REPO_ROOT, "samples", "events", "blob-created.eventgrid.json"), "utf8"),
) as Record<string, unknown>;

function submitted(outcome: EventOutcome) {
  if (outcome.kind !== "processed") throw new Error(`${outcome.kind}: ${JSON.stringify(outcome)}`);
  return outcome.workflows.map((w) =>
    w.kind === "planned"
      ? { workflow: w.workflow, job: w.jobName, inputs: w.request.body.properties.inputs }
      : { workflow: w.workflow, kind: w.kind, reason: "reason" in w ? w.reason : "" },
  );
}

describe("the watcher's event types and other Azure system topics", () => {
  it("on: ModelTagsChanged resolves to the watcher's type; a misspelling names what it meant", () => {
    expect(resolveEventType("ModelTagsChanged")).toEqual({
      ok: true,
      value: "AmlEventWorkflows.ModelTagsChanged",
    });
    expect(resolveEventType("amleventworkflows.datAVersionCreated")).toEqual({
      ok: true,
      value: "AmlEventWorkflows.DataVersionCreated",
    });
    const typo = resolveEventType("ModelTagChanged");
    expect(typo.ok ? "" : typo.errors.join()).toMatch(
      /did you mean AmlEventWorkflows\.ModelTagsChanged \(or just ModelTagsChanged\)/,
    );
    const watcherTypo = resolveEventType("AmlEventWorkflows.RunCancelled");
    expect(watcherTypo.ok ? "" : watcherTypo.errors.join()).toMatch(
      /unknown watcher event type .*did you mean AmlEventWorkflows\.RunCanceled/,
    );
    expect(resolveEventType("Microsoft.Storage.BlobCreated")).toEqual({
      ok: true,
      value: "Microsoft.Storage.BlobCreated",
    });
  });

  it("a tag change that approves starts the promotion, keyed by the model version, not the event", () => {
    const first = submitted(plan(tagsChanged("3", { approved: "True", "approved.by": "alice" })));
    expect(first).toEqual([
      expect.objectContaining({
        workflow: "promote",
        job: expect.stringMatching(/^promote-/) as string,
      }),
    ]);
    // Another tag state of the same version (a note added) names the same job: a duplicate, not a second promotion.
    const second = submitted(
      plan(tagsChanged("3", { approved: "True", "approved.by": "alice", "approved.note": "ok" })),
    );
    expect(second[0]).toMatchObject({ job: (first[0] as { job: string }).job });
    const otherVersion = submitted(
      plan(tagsChanged("4", { approved: "true", "approved.by": "b" })),
    );
    expect(otherVersion[0]).not.toMatchObject({ job: (first[0] as { job: string }).job });
  });

  it("an unapproved version waits, naming the tag", () => {
    const outcome = plan(tagsChanged("3", { stage: "candidate" }));
    expect(outcome).toMatchObject({
      kind: "ignored",
      skipped: expect.arrayContaining([
        { workflow: "promote", why: expect.stringMatching(/^tag approved is missing/) as string },
      ]) as unknown,
    });
  });

  it("a ModelTagsChanged published to the domain topic is refused: only a served workspace's watcher makes one", () => {
    const forged = plan(
      tagsChanged(
        "3",
        { approved: "true" },
        "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg/providers/Microsoft.EventGrid/domains/d/topics/t",
      ),
    );
    expect(forged).toMatchObject({
      kind: "rejected",
      reason: expect.stringMatching(
        /^ModelTagsChanged is the watcher's event type, believed only from the watcher of a workspace this deployment serves; the event's topic ".*domains\/d\/topics\/t" is not one/,
      ) as string,
    });
  });

  it("the BlobCreated sample starts the retraining with the blob as a datastore path, from an account in EVENT_SOURCES", () => {
    const outcome = submitted(plan(blobSample, [PLACEHOLDER_STORAGE_ACCOUNT_ID.toUpperCase()]));
    expect(outcome).toEqual([
      {
        workflow: "retrain",
        job: expect.stringMatching(/^retrain-/) as string,
        inputs: {
          training_data: {
            jobInputType: "uri_file",
            uri: "azureml://datastores/landing/paths/churn/2026-12-06.csv",
          },
        },
      },
    ]);
  });

  it("BlobCreated from an account the stack does not name is refused; one outside the subject glob starts nothing", () => {
    expect(plan(blobSample, [])).toMatchObject({
      kind: "rejected",
      reason: expect.stringMatching(
        /^Microsoft\.Storage\.BlobCreated is an Azure system event type, believed only from a resource this deployment subscribes to \(EVENT_SOURCES, which is empty\)/,
      ) as string,
    });
    const elsewhere = {
      ...blobSample,
      subject: "/blobServices/default/containers/other/blobs/churn/x.csv",
    };
    expect(plan(elsewhere, [PLACEHOLDER_STORAGE_ACCOUNT_ID])).toMatchObject({
      kind: "ignored",
      skipped: expect.arrayContaining([
        {
          workflow: "retrain",
          why: expect.stringMatching(/^subject .* does not match/) as string,
        },
      ]) as unknown,
    });
  });

  it("DataVersionCreated matches when.data on the asset's name and binds its name and version", () => {
    const event = (name: string) => ({
      id: `d-${name}`,
      eventType: WATCHED_EVENT_TYPES.dataVersionCreated,
      topic: workspace.id,
      subject: `data/${name}:7`,
      data: { dataName: name, dataVersion: "7", dataUri: "azureml://x/", dataType: "uri_folder" },
    });
    expect(submitted(plan(event("churn-daily")))).toEqual([
      expect.objectContaining({
        workflow: "refresh",
        inputs: {
          training_data: {
            jobInputType: "uri_file",
            uri: expect.stringMatching(/\/data\/churn-daily\/versions\/7$/) as string,
          },
        },
      }),
    ]);
    expect(plan(event("sales"))).toMatchObject({
      kind: "ignored",
      skipped: expect.arrayContaining([
        { workflow: "refresh", why: 'data asset "sales" does not match "churn-*"' },
      ]) as unknown,
    });
  });

  it("validate refuses blob.* without BlobCreated, when.data without DataVersionCreated, and a Canceled chain that follows nothing", () => {
    const refused = loadWorkflows(
      writeConfig({
        "workflows.yaml": `workflows:
  - name: a
    on: ModelRegistered
    when: { data: "x" }
    pipeline: retrain.yml
    inputs:
      training_data: { type: uri_file, path: "{{ blob.url }}" }
`,
        "retrain.yml": RETRAIN_PIPELINE,
      }),
    );
    expect(refused.ok).toBe(false);
    const message = refused.ok ? "" : refused.error.message;
    expect(message).toMatch(
      /when\.data names data assets, and only DataVersionCreated events carry one/,
    );
    expect(message).toMatch(/blob\.\* placeholders need a Microsoft\.Storage\.BlobCreated event/);
    const chained = loadWorkflows(
      writeConfig({
        "workflows.yaml": `workflows:
  - name: a
    on: ModelRegistered
    pipeline: p.yml
  - name: b
    on: { workflow: a, status: Canceled }
    pipeline: p.yml
`,
        "p.yml": MINIMAL_PIPELINE,
      }),
    );
    expect(chained.ok && chained.value.workflows[1]?.on).toEqual([WATCHED_EVENT_TYPES.runCanceled]);
  });
});
