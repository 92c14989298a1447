import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { runScript } from "../support/runScript";
import { EXAMPLE_WORKFLOWS } from "../support/samples";
import { eventually, type LocalLoop, startLocalLoop } from "../support/startedHost";

const WORKFLOW = "validate-registered-model";

describe("coalescing end to end through amlwf start: churn:5, 6 and 7 in one window start one job, on 7", () => {
  const project = mkdtempSync(join(tmpdir(), "coalesce-project-"));
  writeFileSync(join(project, "package.json"), '{ "name": "coalesce-project", "private": true }\n');
  const workflows = join(project, "workflows");
  cpSync(dirname(EXAMPLE_WORKFLOWS), workflows, { recursive: true });
  const workflowsFile = join(workflows, "workflows.yaml");
  // The shipped validation, coalescing per model name over 4 seconds.
  writeFileSync(
    workflowsFile,
    readFileSync(workflowsFile, "utf8").replace(
      /(\n {4}pipeline: )/,
      '\n    coalesce: { key: "{{ model.name }}", window: 4s }$1',
    ),
  );
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
  };
  const run = (script: string, args: string[]) => runScript(script, args, env, project);
  let started: LocalLoop | undefined;
  const loop = () => {
    if (started === undefined) throw new Error("amlwf start did not start (see beforeAll)");
    return started;
  };
  const jobFiles = () =>
    readdirSync(dryRun).filter((f) => f.startsWith(`${WORKFLOW}-`) && f.endsWith(".json"));

  beforeAll(async () => {
    const validated = await run("validate.ts", []);
    expect(validated.status, validated.stderr).toBe(0);
    started = await startLocalLoop(project, env);
  }, 40_000);
  afterAll(async () => {
    await started?.stop();
    rmSync(project, { recursive: true, force: true });
  }, 20_000);

  it("holds each event, closes the window once, and status shows 5 and 6 superseded by 7", async () => {
    expect(loop().output()).toContain("queue: closeCoalesceWindows on coalesce-windows");
    const sent = [];
    for (const version of ["5", "6", "7"]) {
      const result = await run("sendEvent.ts", [
        "--port",
        String(loop().port),
        "--model",
        `churn:${version}`,
        "--tag",
        "stage=candidate",
      ]);
      expect(result.status, result.stderr).toBe(0);
      sent.push(result.stdout);
    }
    expect(sent[0]).toMatch(
      /held event \S+ \(ModelRegistered churn:5\) for workflow validate-registered-model: opened window "churn", closing at \S+Z/,
    );
    expect(sent[2]).toMatch(/joined window "churn" \(3 events, latest churn:7\)/);
    expect(jobFiles()).toEqual([]);

    const job = await eventually(
      "the window's job",
      () => jobFiles()[0],
      () => loop().output(),
    );
    const tags = (
      JSON.parse(readFileSync(join(dryRun, job), "utf8")) as {
        body: { properties: { tags: Record<string, string> } };
      }
    ).body.properties.tags;
    expect(tags["trigger.model"]).toBe("churn:7");
    // The job file is written before the close's log line is.
    await eventually(
      "the close's log line",
      () => (/closed window "churn"/.test(loop().output()) ? true : undefined),
      () => loop().output(),
    );
    expect(loop().output()).toMatch(
      /closed window "churn" of workflow validate-registered-model \(3 events, .*\): submitted job validate-registered-model-[0-9a-f]{24} on \S+ \(churn:7\)/,
    );

    const status = await run("status.ts", ["--model", "churn"]);
    expect(status.status, status.stderr).toBe(0);
    const superseded = status.stdout
      .split("\n")
      .filter((l) => l.startsWith("superseded "))
      .sort();
    expect(superseded, status.stdout).toHaveLength(2);
    for (const [line, version] of superseded.map((l, i) => [l, ["5", "6"][i]] as const))
      expect(line).toMatch(new RegExp(`churn:${version}.*superseded by \\S+ \\(churn:7\\)`));
    // Still one job a little later: the window closed once.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(jobFiles()).toHaveLength(1);
  });
});
