import { spawnSync } from "node:child_process";
import { join } from "node:path";

import { describe, expect, it } from "vitest";

import { REPO_ROOT } from "../support/samples";
import { writeConfig } from "../support/tempConfig";

function plan(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(
    process.execPath,
    [
      join(REPO_ROOT, "node_modules", "tsx", "dist", "cli.mjs"),
      join(REPO_ROOT, "scripts", "plan.ts"),
      ...args,
    ],
    {
      cwd: REPO_ROOT,
      encoding: "utf8",
      env: { PATH: process.env.PATH ?? "", ...env },
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
    const { stdout } = plan(["--json", sample("model-registered.cloudevent.json")], {
      AML_WORKSPACE_ID: ws,
    });
    const [entry] = JSON.parse(stdout) as { request: { url: string } }[];
    expect(entry?.request.url).toMatch(new RegExp(`^https://management\\.azure\\.com${ws}/jobs/`));
  });

  it("gives one entry for an ignored and for a rejected event", () => {
    const ignored = JSON.parse(
      plan(["--json", sample("run-status-changed.eventgrid.json")]).stdout,
    ) as unknown[];
    expect(ignored).toEqual([
      {
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
      /validate-registered-model: submit job validate-registered-model-[0-9a-f]{24}/,
    );
    expect(stdout).toMatch(
      /1 event: 1 job\(s\) to submit, 0 ignored, 0 rejected\. Nothing was sent\./,
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
