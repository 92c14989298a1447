import { appendFileSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { beforeAll, describe, expect, it } from "vitest";

import { eventsFromFlags } from "../../scripts/events/fromFlags";
import { modelRegisteredEvent } from "../../scripts/sendEvent/buildEvents";
import { eventKey, jobNameFor, upstreamKey } from "../../shared/aml/jobName";
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
const NOTIFY = `  - name: notify
    on: { workflow: validate, status: Completed }
${INPUTS}`;

// What ran: validate on candidates, notify after each validation.
const CONFIGURED = `workflows:
  - name: validate
    on: ModelRegistered
    when: { tags: { stage: candidate } }
${INPUTS}${NOTIFY}`;

// The change under test: validate on the risk team's models instead, and a new workflow.
const EDITED = `workflows:
  - name: validate
    on: ModelRegistered
    when: { tags: { team: risk } }
${INPUTS}${NOTIFY}  - name: scorecard
    on: ModelRegistered
    when: { model: churn }
${INPUTS}`;

interface Entry {
  event: string;
  type: string;
  subject: string;
  jobName: string;
  why?: string;
}
interface Answer {
  since: string;
  until: string;
  events: number;
  workflows: Record<string, { both: Entry[]; wouldOnly: Entry[]; didOnly: Entry[] }>;
  rejected: unknown[];
  corrupt: { where: string; reason: string }[];
}

const job = (key: string, workflow: string) => jobNameFor(key, workflow);
const keyOf = (event: Record<string, unknown>) =>
  eventKey(PLACEHOLDER_WORKSPACE_ID, String(event.id));
/** Per workflow, its three lists as job names. */
const names = (answer: Answer) =>
  Object.fromEntries(
    Object.entries(answer.workflows).map(([name, w]) => [
      name,
      {
        both: w.both.map((e) => e.jobName),
        wouldOnly: w.wouldOnly.map((e) => e.jobName),
        didOnly: w.didOnly.map((e) => e.jobName),
      },
    ]),
  );

describe("npm run plan -- --backtest: an edited config over the archived events, beside the jobs that ran", () => {
  const configured = writeConfig({
    "workflows.yaml": CONFIGURED,
    "pipeline.yml": MINIMAL_PIPELINE,
  });
  const edited = writeConfig({ "workflows.yaml": EDITED, "pipeline.yml": MINIMAL_PIPELINE });
  const project = mkdtempSync(join(tmpdir(), "backtest-"));
  const dirs = {
    [SETTING_NAMES.workflowsFile]: configured,
    [SETTING_NAMES.dryRunDir]: join(project, "dry-run"),
    [SETTING_NAMES.rejectedDir]: join(project, "rejected"),
    [SETTING_NAMES.watcherStateDir]: join(project, "watcher"),
    // Where the runtime archived what it processed, just now.
    [SETTING_NAMES.archiveDir]: join(project, "archive"),
  };
  // A recorded history with times of its own, as the archive lays it out.
  const recorded = join(project, "recorded");
  const env = { ...dirs, AML_WORKSPACE_ID: "" };
  const model = (version: string, tags: Record<string, string>) =>
    modelRegisteredEvent({ name: "churn", version }, tags, PLACEHOLDER_WORKSPACE_ID, false);
  const e1 = model("5", { stage: "candidate" });
  const e2 = model("6", { stage: "candidate", team: "risk" });
  const e3 = model("7", { stage: "experiment", team: "risk" });
  let completed: Record<string, unknown> = {};
  const validate1 = job(keyOf(e1), "validate");
  const validate2 = job(keyOf(e2), "validate");
  let notify1 = "";

  const record = (receivedAt: string, line: string) => {
    const hour = join(recorded, archiveHour(new Date(receivedAt)));
    mkdirSync(hour, { recursive: true });
    appendFileSync(join(hour, "0123456789ab.jsonl"), `${line}\n`);
  };
  const backtest = (args: string[], archive = recorded) =>
    runScript(
      "plan.ts",
      ["--backtest", ...args],
      { ...env, [SETTING_NAMES.archiveDir]: archive },
      project,
    );

  beforeAll(async () => {
    // The function's own path: what it started is in the dry-run folder, what it saw in the archive.
    const settings = settingsOrThrow(dirs);
    const runtime = createRuntime(settings, loadWorkflowsOrThrow(configured));
    for (const event of [e1, e2, e3]) await runtime.process(event);
    const built = eventsFromFlags([], { completed: [validate1] }, settings.target, []);
    completed = built[0]?.event as Record<string, unknown>;
    const outcome = await runtime.process(completed);
    expect(outcome.kind).toBe("processed");
    notify1 = job(upstreamKey(PLACEHOLDER_WORKSPACE_ID, validate1), "notify");
    expect(dryRunJobFiles(dirs.DRY_RUN_DIR)).toEqual(
      [validate1, validate2, notify1].map((n) => `${n}.json`).sort(),
    );

    const line = (receivedAt: string, event: unknown) => {
      record(receivedAt, JSON.stringify({ receivedAt, event }));
    };
    line("2026-11-20T09:50:00.000Z", e1);
    line("2026-11-20T10:05:00.000Z", e2);
    // Event Grid delivered e2 twice: both deliveries are archived.
    line("2026-11-20T10:06:00.000Z", e2);
    line("2026-11-20T10:40:00.000Z", e3);
    record("2026-11-20T10:41:00.000Z", '{"receivedAt": "2026-11-20T10:41:00.000Z", "event": ');
    line("2026-11-20T10:50:00.000Z", completed);
    // Outside every window below.
    line("2026-11-20T12:00:00.000Z", model("8", { stage: "candidate", team: "risk" }));
  });

  const WINDOW = ["--since", "2026-11-20T09:00:00Z", "--until", "2026-11-20T11:00:00Z"];

  it("prints per workflow what would start and did, would start and did not, did start and would no longer", async () => {
    const { status, stdout } = await backtest([...WINDOW, "--workflows", edited]);
    expect(status).toBe(0);
    const section = (name: string) =>
      stdout.slice(
        stdout.indexOf(`\n${name}\n`),
        stdout.indexOf("\n\n", stdout.indexOf(`\n${name}\n`) + 1),
      );
    const validate = section("validate");
    expect(validate).toContain(
      `  would start and did: 1\n    ${String(e2.id)} ModelRegistered churn:6 → ${validate2} [dry run (not submitted)]\n`,
    );
    expect(validate).toContain(
      `  would start and did not: 1\n    ${String(e3.id)} ModelRegistered churn:7 → ${job(keyOf(e3), "validate")}\n`,
    );
    expect(validate).toContain(
      `  did start and would no longer: 1\n    ${String(e1.id)} ModelRegistered churn:5 → ${validate1} [dry run (not submitted)] — tag team is missing`,
    );
    expect(section("notify")).toContain(
      `  would start and did: 1\n    ${String(completed.id)} RunCompleted`,
    );
    expect(section("scorecard")).toContain("  would start and did not: 3\n");
    expect(stdout).toContain(
      "backtest: events=5 workflows=3 both=2 wouldOnly=4 didOnly=1 rejected=0 corrupt=1. Nothing was sent.",
    );
  });

  it("--json gives the same lists, by job name: a chain step's from its upstream job", async () => {
    const { status, stdout } = await backtest([...WINDOW, "--workflows", edited, "--json"]);
    expect(status).toBe(0);
    const answer = JSON.parse(stdout) as Answer;
    expect(answer).toMatchObject({
      since: "2026-11-20T09:00:00.000Z",
      until: "2026-11-20T11:00:00.000Z",
      events: 5,
    });
    expect(names(answer)).toEqual({
      validate: {
        both: [validate2],
        wouldOnly: [job(keyOf(e3), "validate")],
        didOnly: [validate1],
      },
      notify: { both: [notify1], wouldOnly: [], didOnly: [] },
      scorecard: {
        both: [],
        wouldOnly: [e1, e2, e3].map((e) => job(keyOf(e), "scorecard")),
        didOnly: [],
      },
    });
    expect(answer.workflows.validate?.didOnly[0]).toMatchObject({
      event: e1.id,
      type: "ModelRegistered",
      subject: "churn:5",
      why: expect.stringMatching(/^tag team is missing/) as unknown,
    });
  });

  it("names and counts a corrupt archive line, and answers all the same", async () => {
    const { status, stdout } = await backtest([...WINDOW, "--json"]);
    expect(status).toBe(0);
    const answer = JSON.parse(stdout) as Answer;
    expect(answer.corrupt).toEqual([
      { where: join(recorded, "2026/11/20/10/0123456789ab.jsonl:4"), reason: "not JSON" },
    ]);
    // The configured workflows over their own history: no difference.
    expect(names(answer)).toEqual({
      validate: { both: [validate1, validate2], wouldOnly: [], didOnly: [] },
      notify: { both: [notify1], wouldOnly: [], didOnly: [] },
    });
  });

  it("a window that leaves an event out compares without it and the jobs it started", async () => {
    const { status, stdout } = await backtest([
      "--since",
      "2026-11-20T10:00:00Z",
      "--until",
      "2026-11-20T10:45:00Z",
      "--workflows",
      edited,
      "--json",
    ]);
    expect(status).toBe(0);
    const answer = JSON.parse(stdout) as Answer;
    expect(answer.events).toBe(3);
    expect(names(answer)).toEqual({
      validate: { both: [validate2], wouldOnly: [job(keyOf(e3), "validate")], didOnly: [] },
      notify: { both: [], wouldOnly: [], didOnly: [] },
      scorecard: {
        both: [],
        wouldOnly: [e2, e3].map((e) => job(keyOf(e), "scorecard")),
        didOnly: [],
      },
    });
  });

  it("reads what the runtime archived as it processed the events (--since 1h)", async () => {
    const { status, stdout } = await backtest(
      ["--since", "1h", "--workflows", edited, "--json"],
      dirs.ARCHIVE_DIR,
    );
    expect(status).toBe(0);
    const answer = JSON.parse(stdout) as Answer;
    expect(answer.events).toBe(4);
    expect(names(answer).validate).toEqual({
      both: [validate2],
      wouldOnly: [job(keyOf(e3), "validate")],
      didOnly: [validate1],
    });
  });

  it("exits 1 when the archive cannot be read, 2 when events are given beside --backtest or --since is missing", async () => {
    const broken = mkdtempSync(join(tmpdir(), "archive-"));
    mkdirSync(join(broken, "2026", "11", "20"), { recursive: true });
    writeFileSync(join(broken, "2026", "11", "20", "10"), "a file where an hour's folder goes");
    const unreadable = await backtest(
      ["--since", "2026-11-20T10:00:00Z", "--until", "2026-11-20T10:30:00Z"],
      broken,
    );
    expect(unreadable.status).toBe(1);
    expect(unreadable.stdout).toBe("");

    const beside = await backtest(["--since", "1h", "events.json"]);
    expect(beside.status).toBe(2);
    expect(beside.stderr).toMatch(/--backtest plans the archived events: it takes no events file/);
    const flag = await backtest(["--since", "1h", "--model", "churn:9"]);
    expect(flag.status).toBe(2);
    expect(flag.stderr).toMatch(/it takes no --model/);
    const noSince = await backtest([]);
    expect(noSince.status).toBe(2);
    expect(noSince.stderr).toMatch(/plan --backtest needs --since/);
  });
});
