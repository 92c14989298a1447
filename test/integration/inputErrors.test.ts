import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { cpSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";

import { describe, expect, it } from "vitest";

import { runScript } from "../support/runScript";
import { REPO_ROOT } from "../support/samples";
import { MINIMAL_PIPELINE, writeConfig } from "../support/tempConfig";

const EVENTS = join(REPO_ROOT, "samples", "events");

/** A folder of events: copies of the samples, and whatever else the test writes. */
function eventsFolder(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), "events-"));
  for (const name of ["model-registered.eventgrid.json", "model-registered.cloudevent.json"])
    cpSync(join(EVENTS, name), join(dir, name));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const planned = (stdout: string) =>
  (JSON.parse(stdout) as { file: string; outcome: string }[]).map((e) => e.file);

/**
 * A copy of the built tools in a temp app (the commands read local.settings.json from their app root,
 * the folder with host.json), so the developer's own file is never read or touched.
 */
function tempApp(localSettings: string): { app: string; validate: () => SpawnSyncReturns<string> } {
  const app = mkdtempSync(join(tmpdir(), "app-"));
  writeFileSync(join(app, "host.json"), "{}");
  cpSync(join(REPO_ROOT, "dist"), join(app, "dist"), { recursive: true });
  symlinkSync(join(REPO_ROOT, "node_modules"), join(app, "node_modules"), "junction");
  writeFileSync(join(app, "local.settings.json"), localSettings);
  const validate = () =>
    spawnSync(process.execPath, [join(app, "dist", "scripts", "validate.js")], {
      cwd: app,
      encoding: "utf8",
      env: { PATH: process.env.PATH ?? "" },
    });
  return { app, validate };
}

describe("local.settings.json", () => {
  it("that is not JSON is a config error, exit 2, at file:line:col with what is wrong", () => {
    const { app, validate } = tempApp('{\n  "Values": {\n    "AML_WORKSPACE_ID": "",\n  }\n}\n');
    const run = validate();
    expect(run.status).toBe(2);
    expect(run.stderr.trim()).toBe(
      `${join(app, "local.settings.json")}:3:27: not valid JSON: a trailing comma before '}' (JSON allows none)`,
    );
  });

  it("with a WORKFLOWS_FILE that names no file: the setting, that the file set it, the path; exit 2", () => {
    const { app, validate } = tempApp('{ "Values": { "WORKFLOWS_FILE": "workflows/nope.yaml" } }');
    const run = validate();
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(
      `WORKFLOWS_FILE (from local.settings.json): "workflows/nope.yaml" resolves to ${join(app, "workflows", "nope.yaml")}, which does not exist`,
    );
  });
});

describe("file arguments", () => {
  it("an events file that is not JSON: exit 2 at file:line:col", async () => {
    const dir = eventsFolder({ "broken.json": '[\n  { "id": "a" },\n]\n' });
    const run = await runScript("plan.ts", [join(dir, "broken.json")]);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(
      `${join(dir, "broken.json")}:2:16: not valid JSON: a trailing comma before ']'`,
    );
    expect(run.stderr).not.toMatch(/position \d+/);
  });

  it("plan takes a folder: its *.json files, sorted", async () => {
    const dir = eventsFolder({ "notes.txt": "not an event" });
    const run = await runScript("plan.ts", ["--json", dir]);
    expect(run.status).toBe(0);
    expect(planned(run.stdout)).toEqual([
      join(dir, "model-registered.cloudevent.json"),
      join(dir, "model-registered.eventgrid.json"),
    ]);
  });

  it("plan expands a quoted glob itself, as a Windows shell leaves it", async () => {
    const run = await runScript("plan.ts", ["--json", "samples/events/model-registered.*.json"]);
    expect(run.status).toBe(0);
    expect(planned(run.stdout)).toEqual([
      join("samples", "events", "model-registered.cloudevent.json"),
      join("samples", "events", "model-registered.eventgrid.json"),
      join("samples", "events", "model-registered.pascal.eventgrid.json"),
    ]);
    const all = await runScript("plan.ts", ["--json", "samples/events/*.json"]);
    expect(planned(all.stdout)).toHaveLength(10);
    // malformed.eventgrid.json is rejected: exit 1, as for the files named one by one.
    expect(all.status).toBe(1);
  });

  it("a pattern that matches nothing is a usage error naming it, for events and for configs", async () => {
    const dir = eventsFolder();
    const events = await runScript("plan.ts", [join(dir, "*.yaml")]);
    expect(events.status).toBe(2);
    expect(events.stderr).toMatch(`no file matches "${join(dir, "*.yaml")}"`);
    const configs = await runScript("validate.ts", [join(dir, "*.yml")]);
    expect(configs.status).toBe(2);
    expect(configs.stderr).toMatch(/no file matches ".*\*\.yml"/);
  });

  it("validate and compile expand a quoted glob of pipeline jobs", async () => {
    const dir = join(
      writeConfig({ "jobs/a.yml": MINIMAL_PIPELINE, "jobs/b.yml": MINIMAL_PIPELINE }),
      "..",
    );
    const pattern = join(dir, "jobs", "*.yml");
    const validate = await runScript("validate.ts", [pattern]);
    expect(validate.status).toBe(0);
    expect(validate.stdout).toMatch(/validate: files=2 accepted=2/);
    const compile = await runScript("compile.ts", ["--json", pattern]);
    expect(compile.status).toBe(0);
    expect(
      (JSON.parse(compile.stdout) as { file: string }[]).map((a) => relative(dir, a.file)),
    ).toEqual([join("jobs", "a.yml"), join("jobs", "b.yml")]);
  });
});

describe("a WORKFLOWS_FILE that names no file", () => {
  it("is a settings error naming WORKFLOWS_FILE, where it was set and the path, exit 2", async () => {
    const app = REPO_ROOT;
    for (const [script, args] of [
      ["plan.ts", [join(EVENTS, "model-registered.eventgrid.json")]],
      ["validate.ts", []],
    ] as const) {
      const run = await runScript(script, [...args], { WORKFLOWS_FILE: "workflows/workflow.yaml" });
      expect(run.status).toBe(2);
      expect(run.stderr).toMatch(
        `WORKFLOWS_FILE (from the environment): "workflows/workflow.yaml" resolves to ${join(app, "workflows", "workflow.yaml")}, which does not exist`,
      );
    }
  });
});
