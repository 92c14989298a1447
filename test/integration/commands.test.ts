import { spawnSync } from "node:child_process";
import { dirname, join, relative } from "node:path";

import { describe, expect, it } from "vitest";

import { runScript } from "../support/runScript";
import { REPO_ROOT } from "../support/samples";
import { MINIMAL_PIPELINE, writeConfig } from "../support/tempConfig";

const COMMANDS = [
  ["start", "start.ts"],
  ["validate", "validate.ts"],
  ["plan", "plan.ts"],
  ["send-event", "sendEvent.ts"],
  ["status", "status.ts"],
  ["replay", "replay.ts"],
  ["register", "register.ts"],
  ["clear-local", "clearLocal.ts"],
  ["package", "package.ts"],
  ["deploy-package", "deployPackage.ts"],
] as const;

describe("every command runs the same way", () => {
  it.each(COMMANDS)("%s: --help prints its usage and exits 0", async (name, script) => {
    const { status, stdout } = await runScript(script, ["--help"]);
    expect(status).toBe(0);
    expect(stdout).toMatch(new RegExp(`^usage: npm (run ${name}|start)`));
    expect(stdout).toMatch(/Exit: 0 /);
  });

  it.each(COMMANDS)("%s: an unknown option is a usage error, exit 2", async (_name, script) => {
    const { status, stdout, stderr } = await runScript(script, ["--no-such-option"]);
    expect(status).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toMatch(/Unknown option '--no-such-option'[\s\S]*usage: npm/);
  });
});

describe("through npm run, as people type it", () => {
  it("`npm run plan -- --json <files>` leaves stdout as JSON alone, even when an event would be rejected", () => {
    const samples = ["model-registered.eventgrid.json", "malformed.eventgrid.json"].map((f) =>
      join(REPO_ROOT, "samples", "events", f),
    );
    const npm = process.platform === "win32" ? "npm.cmd" : "npm";
    const result = spawnSync(npm, ["run", "plan", "--", "--json", ...samples], {
      cwd: REPO_ROOT,
      encoding: "utf8",
      env: { ...process.env, AML_WORKSPACE_ID: "" },
    });
    expect(result.status).toBe(0);
    const entries = JSON.parse(result.stdout) as { outcome: string }[];
    expect(entries.map((e) => e.outcome)).toEqual(["submit", "rejected"]);
    // npm's own "> script" banner went to stderr (the project's .npmrc sets json=true).
    expect(result.stderr).toMatch(/> aml-event-workflows@[\d.]+ plan/);
  });
});

describe("npm run plan shows what a pipeline needs in the workspace", () => {
  it("lists code, data, environments and components, in text and in --json", async () => {
    const workflows = join(REPO_ROOT, "test", "fixtures", "assets", "workflows.yaml");
    const sample = join(REPO_ROOT, "samples", "events", "model-registered.eventgrid.json");
    const text = await runScript("plan.ts", [sample], { WORKFLOWS_FILE: workflows });
    expect(text.stdout).toMatch(
      /needs in the workspace \(npm run register\):\n\s+code [0-9a-f-]{36} ← jobs\/prep \(2 files/,
    );
    expect(text.stdout).toMatch(
      /component azureml_anonymous:[0-9a-f-]{36} ← components\/train\/component\.yml/,
    );
    expect(text.stdout).toMatch(
      // azure-ai-ml's version for an environment is 32 hex digits; a build context is a folder.
      /environment CliV2AnonymousEnvironment:[0-9a-f]{32} \(built from \{workspaceblobstore\}\/LocalUpload\/[0-9a-f]{32}\/r-base\/\)/,
    );
    const json = await runScript("plan.ts", ["--json", sample], { WORKFLOWS_FILE: workflows });
    const [entry] = JSON.parse(json.stdout) as {
      assets: { codes: unknown[]; components: unknown[]; data: unknown[] };
    }[];
    expect([
      entry?.assets.codes.length,
      entry?.assets.components.length,
      entry?.assets.data.length,
    ]).toEqual([2, 3, 2]);
  });
});

describe("npm run validate", () => {
  it("lists every problem with file:line:col and exits 1; a valid config exits 0", async () => {
    const bad = writeConfig({
      "workflows.yaml":
        "workflows:\n  - name: Bad\n    on: ModelRegistred\n    pipeline: nope.yml\n",
    });
    const refused = await runScript("validate.ts", [bad]);
    expect(refused.status).toBe(1);
    const lines = refused.stdout.trim().split("\n");
    expect(lines.slice(0, -1)).toEqual([
      expect.stringMatching(/workflows\.yaml:2:5 workflows\[0\]\.name: must be 1-63/) as string,
      expect.stringMatching(
        /workflows\.yaml:3:5 workflows\[0\]\.on: unknown Azure ML event type/,
      ) as string,
      expect.stringMatching(
        /workflows\.yaml:4:5 workflows\[0\]\.pipeline: pipeline file not found/,
      ) as string,
    ]);
    expect(lines.at(-1)).toBe("validate: files=1 accepted=0 refused=1 problems=3");

    const ok = await runScript("validate.ts", []);
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(
      /valid \(1 workflow: validate-registered-model\)\nvalidate: files=1 accepted=1 refused=0 problems=0/,
    );
  });

  it("--json is one JSON document with each problem's place", async () => {
    const bad = writeConfig({ "workflows.yaml": "workflows: []\n" });
    const { stdout } = await runScript("validate.ts", ["--json", bad]);
    expect(JSON.parse(stdout)).toEqual([
      {
        file: relative(REPO_ROOT, bad),
        kind: "workflows",
        ok: false,
        workflows: [],
        problems: [
          expect.objectContaining({
            line: 1,
            column: 1,
            path: "workflows",
            message: "list at least one workflow",
          }),
        ],
      },
    ]);
  });
});

describe("npm run validate over pipeline files and folders", () => {
  it("finds workflows configs and pipeline jobs in a folder, skips pipeline components, and sums up", async () => {
    const config = writeConfig({
      "workflows.yaml":
        "workflows:\n  - name: a\n    on: ModelRegistered\n    pipeline: jobs/good.yml\n",
      "jobs/good.yml": MINIMAL_PIPELINE,
      "jobs/bad.yml": MINIMAL_PIPELINE.replace("component: azureml:check:1", "component: 3"),
      "components/pc.yml":
        "$schema: https://azuremlschemas.azureedge.net/latest/pipelineComponent.schema.json\ntype: pipeline\njobs: {}\n",
      "notes.yml": "title: not a config\n",
    });
    const folder = dirname(config);
    const { status, stdout } = await runScript("validate.ts", [folder]);
    expect(status).toBe(1);
    expect(stdout).toMatch(
      /jobs\/bad\.yml:\d+:\d+ jobs\.check\.component: component must be a reference/,
    );
    expect(stdout).toMatch(/jobs\/good\.yml: valid pipeline job/);
    expect(stdout).toMatch(/workflows\.yaml: valid \(1 workflow: a\)/);
    expect(stdout.trim().split("\n").at(-1)).toBe(
      "validate: files=3 accepted=2 refused=1 problems=1",
    );
  });
});

describe("npm run package", () => {
  it("refuses an invalid config, naming the problem, and builds nothing", async () => {
    const bad = writeConfig({ "workflows.yaml": "workflows:\n  - name: x\n" });
    const { status, stdout, stderr } = await runScript("package.ts", ["--workflows", bad]);
    expect(status).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toMatch(/Invalid workflows config[\s\S]*a workflow needs "on"/);
  });
});
