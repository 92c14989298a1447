import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { runScript } from "../support/runScript";
import { EXAMPLE_WORKFLOWS, REPO_ROOT } from "../support/samples";
import { eventually, type LocalLoop, startLocalLoop } from "../support/startedHost";

const PROMOTE = "promote-approved-model";
const RETRAIN = "retrain-on-new-data";
const OTHER_WORKSPACE =
  "/subscriptions/99999999-0000-0000-0000-000000000000/resourceGroups/team-b/providers/Microsoft.MachineLearningServices/workspaces/team-b-ws";

// The example's validation, reporting onto the model; a promotion gated on its result and an
// approval; a retraining on each CSV landing under landing/churn/.
const WORKFLOWS = `    report: model-tags
  - name: ${PROMOTE}
    on: ModelTagsChanged
    when:
      model: churn
      tags: { approved: true, validate-registered-model.status: Completed }
    pipeline: pipelines/validate-model.yml
    inputs:
      model: { type: mlflow_model, path: "azureml:{{ model.name }}:{{ model.version }}" }
      model_name: "{{ model.name }}"
  - name: ${RETRAIN}
    on: Microsoft.Storage.BlobCreated
    when: { subject: "/blobServices/default/containers/landing/blobs/churn/*.csv" }
    pipeline: pipelines/retrain.yml
    inputs:
      training_data: { type: uri_file, path: "azureml://datastores/landing/paths/{{ blob.path }}" }
`;
const RETRAIN_PIPELINE = `type: pipeline
experiment_name: churn-retrain
settings: { default_compute: azureml:cpu-cluster }
inputs:
  training_data: { type: uri_file, path: azureml://datastores/landing/paths/churn/latest.csv }
jobs:
  train:
    type: command
    command: python train.py --data \${{inputs.training_data}}
    environment: azureml:churn-train-env:1
    inputs: { training_data: "\${{parent.inputs.training_data}}" }
`;

interface DryRunJob {
  body: {
    properties: {
      tags: Record<string, string>;
      inputs: Record<string, { jobInputType: string; uri?: string }>;
    };
  };
}

describe("approvals and data landing, end to end through amlwf start (watcher every second)", () => {
  const project = mkdtempSync(join(tmpdir(), "approval-project-"));
  writeFileSync(join(project, "package.json"), '{ "name": "approval-project", "private": true }\n');
  const workflows = join(project, "workflows");
  cpSync(dirname(EXAMPLE_WORKFLOWS), workflows, { recursive: true });
  const workflowsFile = join(workflows, "workflows.yaml");
  writeFileSync(workflowsFile, `${readFileSync(workflowsFile, "utf8")}${WORKFLOWS}`);
  writeFileSync(join(workflows, "pipelines", "retrain.yml"), RETRAIN_PIPELINE);
  const dryRun = join(project, ".local", "dry-run");
  const env: Record<string, string | undefined> = {
    AML_WORKSPACE_ID: "",
    AzureWebJobsStorage: "UseDevelopmentStorage=true",
    AZURITE_DATA_DIR: join(project, ".local", "azurite"),
    DRY_RUN_DIR: dryRun,
    WORKFLOWS_FILE: workflowsFile,
    ARM_ENDPOINT: "",
    SUBMIT_BUDGET_MS: "",
    EVENT_SOURCES: "",
    WATCH_SCHEDULE: "*/1 * * * * *",
  };
  const run = (script: string, args: string[]) => runScript(script, args, env, project);
  let started: LocalLoop | undefined;
  const loop = () => {
    if (started === undefined) throw new Error("amlwf start did not start (see beforeAll)");
    return started;
  };
  const send = (...args: string[]) => run("sendEvent.ts", ["--port", String(loop().port), ...args]);
  const jobFiles = (workflow: string) =>
    readdirSync(dryRun).filter((f) => f.startsWith(`${workflow}-`) && f.endsWith(".json"));
  const readJob = (file: string) =>
    JSON.parse(readFileSync(join(dryRun, file), "utf8")) as DryRunJob;

  beforeAll(async () => {
    const validated = await run("validate.ts", []);
    expect(validated.stdout).toContain(
      `valid (3 workflows: validate-registered-model, ${PROMOTE}, ${RETRAIN})`,
    );
    started = await startLocalLoop(project, env);
  }, 40_000);
  afterAll(async () => {
    await started?.stop();
    rmSync(project, { recursive: true, force: true });
  }, 20_000);

  it("validate → approve → promote: the watcher turns the approval into ModelTagsChanged and the promotion starts; status shows all three", async () => {
    expect(loop().output()).toMatch(/timer: watchWorkspaces on "\*\/1 \* \* \* \* \*" \(UTC\)/);
    // Its first run only records what is there: a change made before it would be no event.
    await eventually(
      "the watcher's first run",
      () => (/watch example-workspace: first run/.test(loop().output()) ? true : undefined),
      loop().output,
    );
    const registered = await send("--model", "churn:3", "--tag", "stage=candidate");
    const validate = /submitted job (validate-registered-model-[0-9a-f]{24})/.exec(
      registered.stdout,
    )?.[1];
    expect(validate, registered.stdout + registered.stderr).toBeDefined();
    const completed = await send("--completed", validate ?? "");
    expect(completed.stdout).toMatch(
      /tagged model churn:3 with validate-registered-model\.status=Completed/,
    );

    const before = await run("status.ts", ["--model", "churn:3"]);
    expect(before.stdout).toMatch(/approval +no approval recorded for churn:3/);
    expect(before.stdout).toMatch(new RegExp(`waiting +${PROMOTE} — tag approved is missing`));
    expect(jobFiles(PROMOTE)).toEqual([]);

    const approved = await run("approve.ts", ["--model", "churn:3", "--note", "looks good"]);
    expect(approved.status, approved.stderr).toBe(0);
    expect(approved.stdout).toMatch(/^approve: churn:3 approved by .+ \(local\) at \S+Z — dry run/);
    expect(approved.stdout).toContain('approved.note="looks good"');

    const promote = await eventually(
      `a ${PROMOTE} job in ${dryRun}`,
      () => jobFiles(PROMOTE)[0],
      () => `${readdirSync(dryRun).join(", ")}\nhost:\n${loop().output()}`,
    );
    const tags = readJob(promote).body.properties.tags;
    expect(tags["trigger.eventType"]).toBe("AmlEventWorkflows.ModelTagsChanged");
    expect(tags["trigger.model"]).toBe("churn:3");
    expect(tags["trigger.workflow"]).toBe(PROMOTE);

    const after = await run("status.ts", ["--model", "churn:3"]);
    const lines = after.stdout.split("\n");
    const at = (pattern: RegExp) => lines.findIndex((line) => pattern.test(line));
    const approval = at(/^approval +approved by .+ \(local\) at \S+Z: "looks good"$/);
    expect(approval, after.stdout).toBeGreaterThan(at(/validate-registered-model-[0-9a-f]{24} — /));
    expect(at(new RegExp(`${promote.replace(/\.json$/, "")} — workflow ${PROMOTE}`))).toBe(
      approval + 1,
    );
    expect(after.stdout).not.toMatch(/^waiting/m);
    expect(after.stdout).toMatch(/^status: jobs=2 rejections=0 /m);

    const hostLog = readFileSync(join(project, ".local", "logs", "host.log"), "utf8");
    expect(hostLog).toMatch(
      /watchWorkspaces \(\w+\) information: watch example-workspace: first run/,
    );
    expect(hostLog).toMatch(
      new RegExp(
        `watchWorkspaces \\(\\w+\\) information: submitted job ${PROMOTE}-[0-9a-f]{24} — .*\\(ModelTagsChanged churn:3\\)`,
      ),
    );
  }, 40_000);

  it("a CSV landing under landing/churn/ starts a retraining with the blob as its datastore input; one elsewhere starts nothing", async () => {
    const sample = join(REPO_ROOT, "samples", "events", "blob-created.eventgrid.json");
    const sent = await send(
      sample,
      "--blob",
      "landing/churn/2026-12-07.csv",
      "--blob",
      "other/x.csv",
    );
    const lines = sent.stdout.trim().split("\n");
    expect(lines).toHaveLength(3);
    for (const line of lines.slice(0, 2))
      expect(line).toMatch(new RegExp(`202 submitted job ${RETRAIN}-[0-9a-f]{24} — `));
    expect(lines[2]).toMatch(
      new RegExp(
        `containers/other/blobs/x\\.csv → .* 202 ignored event .*${RETRAIN}: subject "/blobServices/default/containers/other/blobs/x\\.csv" does not match "/blobServices/default/containers/landing/blobs/churn/\\*\\.csv"`,
      ),
    );
    const inputs = jobFiles(RETRAIN).map((f) => readJob(f).body.properties.inputs.training_data);
    expect(inputs).toHaveLength(2);
    expect(inputs).toEqual(
      expect.arrayContaining([
        {
          jobInputType: "uri_file",
          uri: "azureml://datastores/landing/paths/churn/2026-12-06.csv",
        },
        {
          jobInputType: "uri_file",
          uri: "azureml://datastores/landing/paths/churn/2026-12-07.csv",
        },
      ]),
    );
  });

  it("a ModelTagsChanged whose topic is not the served workspace is rejected, and promotes nothing", async () => {
    const sample = JSON.parse(
      readFileSync(
        join(REPO_ROOT, "samples", "events", "model-tags-changed.eventgrid.json"),
        "utf8",
      ),
    ) as Record<string, unknown>;
    const forged = join(project, "forged.json");
    writeFileSync(
      forged,
      JSON.stringify({
        ...sample,
        id: "forged-0001",
        topic: OTHER_WORKSPACE,
        subject: "models/churn:4",
        data: { ...(sample.data as Record<string, unknown>), modelVersion: "4" },
      }),
    );
    const sent = await send(forged);
    expect(sent.stdout).toMatch(
      new RegExp(
        `^forged-0001 models/churn:4 → .* 202 rejected event forged-0001: ModelTagsChanged is the watcher's event type, believed only from the watcher of a workspace this deployment serves; the event's topic "${OTHER_WORKSPACE}" is not one`,
      ),
    );
    const promoted = jobFiles(PROMOTE).map((f) => readJob(f).body.properties.tags["trigger.model"]);
    expect(promoted).not.toContain("churn:4");
    const status = await run("status.ts", ["--model", "churn:4"]);
    expect(status.stdout).toMatch(/^rejected +event forged-0001 \(model churn:4\)/m);
  });
});
