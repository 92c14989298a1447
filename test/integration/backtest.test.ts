import { appendFileSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { eventsFromFlags } from "../../scripts/events/fromFlags";
import { modelRegisteredEvent } from "../../scripts/sendEvent/buildEvents";
import { eventKey, jobNameFor, upstreamKey } from "../../shared/aml/jobName";
import { createEventArchive } from "../../shared/archive/archiveFor";
import { archiveHour } from "../../shared/archive/eventArchive";
import { loadWorkflowsOrThrow } from "../../shared/compile/workflows/loadWorkflows";
import { PLACEHOLDER_WORKSPACE_ID, SETTING_NAMES } from "../../shared/constants";
import { createRuntime, settingsOrThrow } from "../../shared/core/runtime";
import { startTestAzurite } from "../support/azurite";
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
      "backtest: events=5 workflows=3 both=2 wouldOnly=4 didOnly=1 superseded=0 rejected=0 corrupt=1. Nothing was sent.",
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

describe("npm run plan -- --backtest, a coalescing workflow: one job per window, on its latest event (Azurite archive)", () => {
  let azurite: Awaited<ReturnType<typeof startTestAzurite>>;
  let env: Record<string, string> = {};
  const ran = writeConfig({
    "workflows.yaml": `workflows:\n  - name: validate\n    on: ModelRegistered\n${INPUTS}`,
    "pipeline.yml": MINIMAL_PIPELINE,
  });
  const coalescing = writeConfig({
    "workflows.yaml": `workflows:\n  - name: validate\n    on: ModelRegistered\n    coalesce: { key: "{{ model.name }}", window: 10m }\n${INPUTS}`,
    "pipeline.yml": MINIMAL_PIPELINE,
  });
  const project = mkdtempSync(join(tmpdir(), "backtest-coalesce-"));
  const model = (version: string) =>
    modelRegisteredEvent(
      { name: "churn", version },
      { stage: "candidate" },
      PLACEHOLDER_WORKSPACE_ID,
      false,
    );
  const [e5, e6, e7, e8] = ["5", "6", "7", "8"].map(model) as [
    Record<string, unknown>,
    Record<string, unknown>,
    Record<string, unknown>,
    Record<string, unknown>,
  ];
  const validate = (event: Record<string, unknown>) => job(keyOf(event), "validate");

  beforeAll(async () => {
    azurite = await startTestAzurite();
    env = {
      AzureWebJobsStorage: azurite.connectionString,
      AML_WORKSPACE_ID: "",
      [SETTING_NAMES.dryRunDir]: join(project, "dry-run"),
      [SETTING_NAMES.workflowsFile]: ran,
    };
    // What ran before the workflow coalesced: a job for churn:5 and one for churn:7.
    const settings = settingsOrThrow(env);
    const runtime = createRuntime(settings, loadWorkflowsOrThrow(ran));
    for (const event of [e5, e7]) await runtime.process(event);
    expect(dryRunJobFiles(env.DRY_RUN_DIR ?? "")).toEqual(
      [validate(e5), validate(e7)].map((n) => `${n}.json`).sort(),
    );
    // The history, in the host storage's archive: three versions within ten minutes, churn:6
    // delivered twice, and churn:8 just as the first window closes.
    const archive = createEventArchive(settings, { getToken: () => Promise.resolve(null) });
    for (const [receivedAt, event] of [
      ["2026-11-20T10:00:00.000Z", e5],
      ["2026-11-20T10:03:00.000Z", e6],
      ["2026-11-20T10:06:00.000Z", e7],
      ["2026-11-20T10:07:00.000Z", e6],
      ["2026-11-20T10:10:00.000Z", e8],
    ] as const)
      await archive.append({ receivedAt, event });
  }, 60_000);
  afterAll(() => azurite.stop());

  const backtest = (args: string[]) =>
    runScript(
      "plan.ts",
      [
        "--backtest",
        "--since",
        "2026-11-20T09:00:00Z",
        "--until",
        "2026-11-20T11:00:00Z",
        "--workflows",
        coalescing,
        ...args,
      ],
      env,
      project,
    );

  it("--json: churn:7's job would start for the window, churn:5 and churn:6 are superseded, churn:8 opens its own", async () => {
    const { status, stdout, stderr } = await backtest(["--json"]);
    expect(stderr).toBe("");
    expect(status).toBe(0);
    const answer = JSON.parse(stdout) as Answer & {
      workflows: Record<
        string,
        {
          windows?: number;
          superseded: {
            event: string;
            jobName: string;
            key: string;
            window: { opensAt: string; closesAt: string };
            supersededBy: { event: string; jobName: string };
          }[];
        }
      >;
    };
    expect(answer.events).toBe(5);
    expect(names(answer)).toEqual({
      validate: { both: [validate(e7)], wouldOnly: [validate(e8)], didOnly: [validate(e5)] },
    });
    const history = answer.workflows.validate;
    expect(history?.windows).toBe(2);
    expect(history?.superseded).toEqual([
      expect.objectContaining({
        event: e5.id,
        jobName: validate(e5),
        key: "churn",
        window: { opensAt: "2026-11-20T10:00:00.000Z", closesAt: "2026-11-20T10:10:00.000Z" },
        supersededBy: expect.objectContaining({ event: e7.id, jobName: validate(e7) }) as unknown,
      }),
      expect.objectContaining({
        event: e6.id,
        supersededBy: expect.objectContaining({ event: e7.id }) as unknown,
      }),
    ]);
    // The job churn:5 started before would not start now: its window runs churn:7's.
    expect(history?.didOnly[0]?.why).toBe(
      `its coalescing window would run ${validate(e7)} on a later event, ${String(e7.id)} (churn:7)`,
    );
  });

  it("prints the superseded events under their workflow, and counts them in the totals", async () => {
    const { status, stdout } = await backtest([]);
    expect(status).toBe(0);
    expect(stdout).toContain(
      `  superseded in coalescing windows: 2 (2 window(s), one job each)\n    ${String(e5.id)} ModelRegistered churn:5 → superseded by ${String(e7.id)} churn:7 (${validate(e7)}), window "churn" 2026-11-20T10:00:00.000Z to 2026-11-20T10:10:00.000Z\n    ${String(e6.id)} ModelRegistered churn:6 → superseded by`,
    );
    expect(stdout).toContain(
      "backtest: events=5 workflows=1 both=1 wouldOnly=1 didOnly=1 superseded=2 rejected=0 corrupt=0. Nothing was sent.",
    );
  });
});
