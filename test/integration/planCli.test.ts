import { spawnSync } from "node:child_process";
import { join } from "node:path";

import { describe, expect, it } from "vitest";

import { PLACEHOLDER_WORKSPACE_ID } from "../../shared/constants";
import { EXAMPLE_WORKFLOWS, REPO_ROOT, sampleEvent } from "../support/samples";
import { MINIMAL_PIPELINE, writeConfig } from "../support/tempConfig";

function plan(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(
    process.execPath,
    [join(REPO_ROOT, "dist", "scripts", "plan.js"), ...args],
    {
      cwd: REPO_ROOT,
      encoding: "utf8",
      env: {
        PATH: process.env.PATH ?? "",
        WORKFLOWS_FILE: EXAMPLE_WORKFLOWS,
        AML_WORKSPACE_ID: "",
        ...env,
      },
    },
  );
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const sample = (name: string) => join(REPO_ROOT, "samples", "events", name);

describe("npm run plan", () => {
  it("--json prints only a JSON array with the request for the shipped workflow", () => {
    const { status, stdout } = plan(["--json", sample("model-registered.eventgrid.json")]);
    expect(status).toBe(0);
    const entries = JSON.parse(stdout) as {
      event: string;
      workflow: string;
      outcome: string;
      jobName: string;
      request: { method: string; url: string; body: { properties: { jobType: string } } };
      reason: null;
    }[];
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      event: "5b6a2c1e-8f3d-4e7a-9c10-2d4f6a8b0c11",
      workflow: "validate-registered-model",
      outcome: "submit",
      reason: null,
      request: { method: "PUT", body: { properties: { jobType: "Pipeline" } } },
    });
    expect(entries[0]?.request.url).toContain(
      `/jobs/${entries[0]?.jobName}?api-version=2025-12-01`,
    );
  });

  it("uses AML_WORKSPACE_ID for the URL when it is set", () => {
    const ws =
      "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/prod/providers/Microsoft.MachineLearningServices/workspaces/prod-ws";
    // The event comes from the workspace plan serves: Azure ML events are believed only from it.
    const event = writeConfig({
      "workflows.yaml": JSON.stringify({
        ...sampleEvent("model-registered.cloudevent.json"),
        source: ws,
      }),
    });
    const { stdout } = plan(["--json", event], { AML_WORKSPACE_ID: ws });
    const [entry] = JSON.parse(stdout) as { request: { url: string } }[];
    expect(entry?.request.url).toMatch(new RegExp(`^https://management\\.azure\\.com${ws}/jobs/`));
  });

  it("gives one entry for an ignored and for a rejected event", () => {
    const ignored = JSON.parse(
      plan(["--json", sample("run-status-changed.eventgrid.json")]).stdout,
    ) as unknown[];
    expect(ignored).toEqual([
      {
        file: sample("run-status-changed.eventgrid.json"),
        skipped: [],
        assets: null,
        event: "9d8c7b6a-5f4e-3d2c-1b0a-998877665544",
        workflow: null,
        outcome: "ignored",
        jobName: null,
        request: null,
        reason: expect.stringMatching(/no workflow listens/) as string,
      },
    ]);
    const rejected = JSON.parse(
      plan(["--json", sample("malformed.eventgrid.json")]).stdout,
    ) as unknown[];
    expect(rejected).toEqual([
      {
        file: sample("malformed.eventgrid.json"),
        skipped: [],
        assets: null,
        event: "bad-0001",
        workflow: null,
        outcome: "rejected",
        jobName: null,
        request: null,
        reason: expect.stringMatching(/no model name/) as string,
      },
    ]);
  });

  it("prints a human summary by default", () => {
    const { status, stdout } = plan([sample("model-registered.pascal.eventgrid.json")]);
    expect(status).toBe(0);
    expect(stdout).toMatch(
      /would submit job validate-registered-model-[0-9a-f]{24} — workflow validate-registered-model, event .* \(ModelRegistered [^)]+\)/,
    );
    expect(stdout).toMatch(/plan: events=1 jobs=1 ignored=0 rejected=0\. Nothing was sent\./);
  });

  it("takes several files; --json stays one JSON array; both forms exit 1 when something would be rejected", () => {
    const files = ["model-registered.eventgrid.json", "malformed.eventgrid.json"].map(sample);
    const json = plan(["--json", ...files]);
    expect(json.status).toBe(1);
    const entries = JSON.parse(json.stdout) as { file: string; outcome: string }[];
    expect(entries.map((e) => [e.file, e.outcome])).toEqual([
      [files[0], "submit"],
      [files[1], "rejected"],
    ]);
    const text = plan(files);
    expect(text.status).toBe(1);
    expect(text.stdout).toMatch(/plan: events=2 jobs=1 ignored=0 rejected=1\./);
  });

  it("--explain names each workflow an event does not start and the condition that failed", () => {
    const config = writeConfig({
      "workflows.yaml": `workflows:
  - name: gate
    on: ModelRegistered
    when: { tags: { stage: candidate } }
    pipeline: p.yml
  - name: churn-only
    on: ModelRegistered
    when: { model: "churn*" }
    pipeline: p.yml
`,
      "p.yml": MINIMAL_PIPELINE,
    });
    const event = writeConfig({
      "workflows.yaml": JSON.stringify({
        id: "e-1",
        eventType: "Microsoft.MachineLearningServices.ModelRegistered",
        subject: "models/fraud:2",
        topic: PLACEHOLDER_WORKSPACE_ID,
        data: { modelName: "fraud", modelVersion: "2", modelTags: { Stage: "Candidate" } },
      }),
    });
    const { stdout } = plan(["--explain", "--workflows", config, event]);
    expect(stdout).toContain(
      'ignored event e-1 (ModelRegistered fraud:2): no workflow\'s conditions hold — gate: tag stage "Candidate" does not match "candidate"; churn-only: model "fraud" does not match "churn*"',
    );
  });

  it("exits non-zero with a clear message for an invalid config", () => {
    const bad = writeConfig({
      "workflows.yaml": "workflows:\n  - name: x\n    on: a.b\n    pipeline: nope.yml\n",
    });
    const { status, stdout, stderr } = plan([
      "--workflows",
      bad,
      sample("model-registered.eventgrid.json"),
    ]);
    expect(status).not.toBe(0);
    expect(stdout).toBe("");
    expect(stderr).toMatch(/workflows\.yaml:4:5 workflows\[0\]\.pipeline: pipeline file not found/);
  });

  it("exits non-zero for an unreadable events file or bad usage", () => {
    const missing = plan(["/nonexistent/events.json"]);
    expect(missing.status).not.toBe(0);
    expect(missing.stderr).toMatch(/cannot read events from \/nonexistent\/events\.json/);
    expect(plan([]).status).toBe(2);
  });
});
