import { spawn, spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
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
  ["init", "init.ts"],
  ["logs", "logs.ts"],
  ["approve", "approve.ts"],
] as const;

describe("every command runs the same way", () => {
  it.each(COMMANDS)("%s: --help prints its usage and exits 0", async (name, script) => {
    const { status, stdout } = await runScript(script, ["--help"]);
    expect(status).toBe(0);
    expect(stdout).toMatch(new RegExp(`^usage: amlwf ${name}`));
    expect(stdout).toMatch(/Exit: 0 /);
  });

  it.each(COMMANDS)("%s: an unknown option is a usage error, exit 2", async (_name, script) => {
    const { status, stdout, stderr } = await runScript(script, ["--no-such-option"]);
    expect(status).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toMatch(/Unknown option '--no-such-option'[\s\S]*usage: amlwf /);
  });
});

describe("npx amlwf, as people type it", () => {
  const npx = process.platform === "win32" ? "npx.cmd" : "npx";
  const amlwf = (args: string[]) =>
    spawnSync(npx, ["--no-install", "amlwf", ...args], {
      cwd: REPO_ROOT,
      encoding: "utf8",
      env: { ...process.env, AML_WORKSPACE_ID: "" },
    });
  const events = (...files: string[]) => files.map((f) => join(REPO_ROOT, "samples", "events", f));

  it("`npx amlwf plan --json <files>` leaves stdout as JSON alone", () => {
    const result = amlwf(["plan", "--json", ...events("model-registered.eventgrid.json")]);
    expect(result.status).toBe(0);
    const entries = JSON.parse(result.stdout) as { outcome: string }[];
    expect(entries.map((e) => e.outcome)).toEqual(["submit"]);
  });

  it("exits 1 with --json when an event would be rejected, and stdout is still the answer alone", () => {
    const result = amlwf([
      "plan",
      "--json",
      ...events("model-registered.eventgrid.json", "malformed.eventgrid.json"),
    ]);
    expect(result.status).toBe(1);
    // No {"error": ...} document of npm's after it (the project no longer sets npm's json=true).
    const entries = JSON.parse(result.stdout) as { outcome: string }[];
    expect(entries.map((e) => e.outcome)).toEqual(["submit", "rejected"]);
  });

  it("lists its commands, runs each one's --help, and refuses one it does not have with exit 2", () => {
    const help = amlwf(["--help"]);
    expect(help.status).toBe(0);
    for (const name of ["validate", "plan", "compile", "start", "send-event", "status", "replay"])
      expect(help.stdout).toMatch(new RegExp(`^  ${name} `, "m"));
    const planHelp = amlwf(["plan", "--help"]);
    expect(planHelp.status).toBe(0);
    expect(planHelp.stdout).toMatch(/--model/);
    const unknown = amlwf(["deploy-everything"]);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/^amlwf: no command "deploy-everything"/);
  });
});

describe("npm run plan shows what a pipeline needs in the workspace", () => {
  it("lists code, data, environments and components, in text and in --json", async () => {
    const workflows = join(REPO_ROOT, "test", "fixtures", "assets", "workflows.yaml");
    const sample = join(REPO_ROOT, "samples", "events", "model-registered.eventgrid.json");
    const text = await runScript("plan.ts", [sample], { WORKFLOWS_FILE: workflows });
    expect(text.stdout).toMatch(
      /needs in the workspace \(amlwf register\):\n\s+code [0-9a-f-]{36} ← jobs\/prep \(2 files/,
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
        warnings: [],
      },
    ]);
  });

  it("--json exits 1 when something is refused, as the text form does, so a CI step reading it goes red", async () => {
    const bad = writeConfig({
      "workflows.yaml": "workflows:\n  - name: a\n    on: ModelRegistered\n    pipeline: p.yml\n",
      "p.yml": MINIMAL_PIPELINE.replace("parent.inputs.model_name", "parent.inputs.nope"),
    });
    const refused = await runScript("validate.ts", ["--json", bad]);
    expect(refused.status).toBe(1);
    const [result] = JSON.parse(refused.stdout) as { ok: boolean; problems: unknown[] }[];
    expect(result).toMatchObject({ ok: false, problems: [expect.anything()] });
    expect((await runScript("validate.ts", [bad])).status).toBe(1);

    const good = writeConfig({
      "workflows.yaml": "workflows:\n  - name: a\n    on: ModelRegistered\n    pipeline: p.yml\n",
      "p.yml": MINIMAL_PIPELINE,
    });
    const accepted = await runScript("validate.ts", ["--json", good]);
    expect(accepted.status).toBe(0);
    expect(JSON.parse(accepted.stdout)).toMatchObject([{ ok: true, problems: [] }]);
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

describe("npm run validate on what components declare", () => {
  it("refuses a binding to an output the component lacks and an input it does not declare; warns of one a pipeline component does not declare", async () => {
    const component = (inputs: string, outputs: string) =>
      `type: command\ninputs:\n${inputs}outputs:\n${outputs}environment: azureml:env:1\ncommand: echo\n`;
    const folder = dirname(
      writeConfig({
        "workflows.yaml":
          "workflows:\n  - name: a\n    on: ModelRegistered\n    pipeline: bad.yml\n",
        "evaluate.yml": component(
          "  model: { type: uri_folder }\n",
          "  metrics: { type: uri_folder }\n",
        ),
        "inner.yml":
          "type: pipeline\ninputs:\n  raw: { type: uri_folder, optional: true }\njobs:\n  step:\n    component: azureml:step:1\n",
        "bad.yml": `type: pipeline
settings: { default_compute: azureml:cpu }
jobs:
  evaluate:
    component: ./evaluate.yml
    inputs: { model: { path: "azureml://datastores/d/paths/m" } }
  report:
    component: ./evaluate.yml
    inputs:
      model: \${{parent.jobs.evaluate.outputs.metric}}
      threshold: 0.5
`,
        "warned.yml": `type: pipeline
settings: { default_compute: azureml:cpu }
jobs:
  data:
    type: pipeline
    component: ./inner.yml
    inputs:
      test_split_ratio: 0.2
`,
      }),
    );
    const { status, stdout } = await runScript("validate.ts", [
      join(folder, "bad.yml"),
      join(folder, "warned.yml"),
    ]);
    expect(status).toBe(1);
    expect(stdout.trim().split("\n")).toEqual([
      expect.stringMatching(
        /bad\.yml:10:7 jobs\.report\.inputs\.model: binds to output "metric" of job "evaluate", which its component \S*evaluate\.yml does not declare; its outputs: metrics; did you mean "metrics"\?$/,
      ),
      expect.stringMatching(
        /bad\.yml:11:7 jobs\.report\.inputs\.threshold: the component \S*evaluate\.yml has no input "threshold" \(az ml job create would drop it without a word\); its inputs: model$/,
      ),
      expect.stringMatching(
        /warned\.yml:8:7 jobs\.data\.inputs\.test_split_ratio: warning: the component \S*inner\.yml has no input "test_split_ratio", so it is left out of the job/,
      ),
      expect.stringMatching(/warned\.yml: valid pipeline job$/),
      "validate: files=2 accepted=1 refused=1 problems=2 warnings=1",
    ]);
    // The commands that compile say it too: compile with the answer, plan on stderr.
    const compiled = await runScript("compile.ts", [join(folder, "warned.yml")]);
    expect(compiled.status).toBe(0);
    expect(compiled.stdout).toMatch(
      /warned\.yml:8:7 jobs\.data\.inputs\.test_split_ratio: warning: /,
    );
    writeFileSync(
      join(folder, "workflows.yaml"),
      "workflows:\n  - name: a\n    on: ModelRegistered\n    pipeline: warned.yml\n",
    );
    const planned = await runScript("plan.ts", ["--model", "churn:3"], {
      WORKFLOWS_FILE: join(folder, "workflows.yaml"),
      AML_WORKSPACE_ID: "",
    });
    expect(planned.status).toBe(0);
    expect(planned.stderr).toMatch(
      /warned\.yml:8:7 jobs\.data\.inputs\.test_split_ratio: warning: /,
    );
  });
});

describe("npm run compile", () => {
  it("shows each upload from where the command runs, not from the file system's root", async () => {
    const { status, stdout } = await runScript("compile.ts", [
      join(REPO_ROOT, "test", "fixtures", "assets", "pipelines", "retrain.yml"),
    ]);
    expect(status).toBe(0);
    expect(stdout).toMatch(/^ {2}register uploads test\/fixtures\/assets\/data\/raw to /m);
  });
});

describe("a reader that stops early", () => {
  it("ends the command quietly: `amlwf compile … | head` prints no EPIPE stack", async () => {
    const child = spawn(
      process.execPath,
      // Far more than a pipe holds (about 400 KB), so writes go on after the reader is gone.
      [
        join(REPO_ROOT, "dist", "scripts", "compile.js"),
        ...Array<string>(30).fill(join(REPO_ROOT, "test", "fixtures", "kitchen-sink")),
      ],
      { cwd: REPO_ROOT, env: { ...process.env, AML_WORKSPACE_ID: "" } },
    );
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    // Like head: read the first chunk, then close the pipe.
    child.stdout.once("data", () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.once("close", resolve));
    expect(stderr).not.toMatch(/EPIPE|Unhandled/);
    expect(code).toBe(0);
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
