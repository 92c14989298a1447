import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { beforeAll, describe, expect, it } from "vitest";

import { modelRegisteredEvent } from "../../scripts/sendEvent/buildEvents";
import { archiveHour } from "../../shared/archive/eventArchive";
import { loadWorkflowsOrThrow } from "../../shared/compile/workflows/loadWorkflows";
import { PLACEHOLDER_WORKSPACE_ID, SETTING_NAMES } from "../../shared/constants";
import { createRuntime, settingsOrThrow } from "../../shared/core/runtime";
import { dryRunJobFiles } from "../support/dryRun";
import { runScript } from "../support/runScript";
import { MINIMAL_PIPELINE, writeConfig } from "../support/tempConfig";

const INPUTS = `    pipeline: pipeline.yml
    inputs:
      model: { type: mlflow_model, path: "azureml:{{ model.name }}:{{ model.version }}" }
      model_name: "{{ model.name }}"
`;
const CONFIG = `workflows:
  - name: validate
    on: ModelRegistered
    when: { tags: { stage: candidate } }
${INPUTS}  - name: audit
    on: ModelRegistered
${INPUTS}`;

/** Every archive file's text, by name: what a replay must leave as it was (it may add files). */
function archiveFiles(dir: string): Map<string, string> {
  const files = readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((f) =>
    f.endsWith(".jsonl"),
  );
  return new Map(files.map((f) => [f, readFileSync(join(dir, f), "utf8")]));
}

describe("npm run replay -- --from archive: archived events re-delivered, the archive kept whole", () => {
  const config = writeConfig({ "workflows.yaml": CONFIG, "pipeline.yml": MINIMAL_PIPELINE });
  const project = mkdtempSync(join(tmpdir(), "replay-archive-"));
  const dirs = {
    [SETTING_NAMES.workflowsFile]: config,
    [SETTING_NAMES.dryRunDir]: join(project, "dry-run"),
    [SETTING_NAMES.rejectedDir]: join(project, "rejected"),
    [SETTING_NAMES.watcherStateDir]: join(project, "watcher"),
    [SETTING_NAMES.archiveDir]: join(project, "archive"),
  };
  const env = { ...dirs, AML_WORKSPACE_ID: "" };
  const model = (version: string, tags: Record<string, string>) =>
    modelRegisteredEvent({ name: "churn", version }, tags, PLACEHOLDER_WORKSPACE_ID, false);
  const events = [
    model("5", { stage: "candidate" }),
    model("6", { stage: "candidate" }),
    model("7", { stage: "experiment" }),
  ];
  // The window: what was archived before the tests, not the replays they archive in turn.
  let window: string[] = [];
  let before = new Map<string, string>();
  const replay = (args: string[]) =>
    runScript("replay.ts", ["--from", "archive", ...window, ...args], env, project);
  const jobs = () => dryRunJobFiles(dirs.DRY_RUN_DIR);

  beforeAll(async () => {
    const since = new Date(Date.now() - 60_000).toISOString();
    const runtime = createRuntime(settingsOrThrow(dirs), loadWorkflowsOrThrow(config));
    for (const event of events) await runtime.process(event);
    // Event Grid delivered 6 twice: both deliveries are archived.
    await runtime.process(events[1]);
    // A line that does not read, in the hour's folder beside the runtime's own file.
    const hour = join(dirs.ARCHIVE_DIR, archiveHour(new Date()));
    mkdirSync(hour, { recursive: true });
    writeFileSync(join(hour, "0123456789ab.jsonl"), "{ not an archived event\n");
    await new Promise((resolve) => setTimeout(resolve, 5));
    window = ["--since", since, "--until", new Date().toISOString()];
    before = archiveFiles(dirs.ARCHIVE_DIR);
    // validate on 5 and 6, audit on all three.
    expect(jobs()).toHaveLength(5);
  });

  it("without --as-new re-delivers the same events: those already done are duplicates, no new job", async () => {
    const { status, stdout } = await replay([]);
    expect(stdout).toMatch(
      /replay: read=3 events=3 submitted=0 duplicate=5 ignored=0 rejected=0 failed=0 published=0 removed=0 kept=0 corrupt=1\. The archive keeps every event\./,
    );
    expect(stdout).toMatch(/0123456789ab\.jsonl:1: cannot be read, skipped and kept — not JSON/);
    expect(stdout).toContain("skipped 1 repeated deliver(ies) of an event already replayed");
    // A corrupt line is named and counted; it fails nothing.
    expect(status).toBe(0);
    expect(jobs()).toHaveLength(5);
    const after = archiveFiles(dirs.ARCHIVE_DIR);
    for (const [name, text] of before) expect(after.get(name)).toBe(text);
  });

  it("--as-new --dry-run says what would start, under new names, and writes nothing", async () => {
    const { status, stdout } = await replay(["--as-new", "--dry-run"]);
    expect(status).toBe(0);
    expect(stdout.match(/ as new event [0-9a-f-]{36}: would submit job /g)).toHaveLength(5);
    expect(stdout).toMatch(/replay \(dry run\): read=3 events=3 submitted=5 duplicate=0 /);
    expect(jobs()).toHaveLength(5);
  });

  it("--as-new gives each event a fresh id and time (a redelivered one too, once): its workflows start again, and the output says so", async () => {
    const { status, stdout, stderr } = await replay(["--as-new"]);
    expect(status).toBe(0);
    expect(stderr).toMatch(/each as a new event \(a fresh id and time\)/);
    for (const event of events)
      expect(stdout).toMatch(
        new RegExp(`${String(event.id)} models/churn:\\d as new event [0-9a-f-]{36}: `),
      );
    expect(stdout).toMatch(/replay: read=3 events=3 submitted=5 duplicate=0 /);
    expect(jobs()).toHaveLength(10);
  });

  it("--workflow keeps the events the config would start it for, runs it alone, and says how many it skipped", async () => {
    const { status, stdout } = await replay(["--workflow", "validate", "--as-new"]);
    expect(status).toBe(0);
    expect(stdout).toContain("skipped 1 archived event(s) the config would not start validate for");
    expect(stdout).toMatch(/replay: read=2 events=2 submitted=2 duplicate=0 ignored=0 /);
    const added = jobs().length - 10;
    expect(added).toBe(2);
    expect(stdout).not.toMatch(/job audit-/);

    const again = await replay(["--workflow", "validate"]);
    expect(again.stdout).toMatch(/replay: read=2 events=2 submitted=0 duplicate=2 /);
    expect(jobs()).toHaveLength(12);
  });

  it("refuses archive options with other sources, and --from archive without --since or with an unknown workflow", async () => {
    const asNew = await runScript("replay.ts", ["--from", "rejected", "--as-new"], env, project);
    expect(asNew.status).toBe(2);
    expect(asNew.stderr).toMatch(/--as-new goes with --from archive/);
    const noSince = await runScript("replay.ts", ["--from", "archive"], env, project);
    expect(noSince.status).toBe(2);
    expect(noSince.stderr).toMatch(/--from archive needs --since/);
    const unknown = await replay(["--workflow", "nope"]);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(
      /--workflow nope: the config .* has no such workflow; it has validate, audit/,
    );
  });
});
