import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

import { beforeAll, describe, expect, it } from "vitest";

import { hostLogFile, hostLogPath } from "../../scripts/localHost/hostLog";
import { startLocalHost } from "../../scripts/localHost/webhookServer";
import { FUNCTION_NAMES, WEBHOOK_PATH } from "../../shared/constants";
import { OUTCOME_RECORD_PREFIX, type OutcomeRecord } from "../../shared/core/outcomeRecords";
import { functionsWith } from "../support/functionModule";
import { newProject, record, runLogs } from "../support/runLogs";
import { sampleEvent } from "../support/samples";

const ago = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();

describe("amlwf logs, locally: the outcome records in the host's log", () => {
  const project = newProject();
  const log = hostLogPath(project);

  beforeAll(() => {
    mkdirSync(join(project, ".local", "logs"), { recursive: true });
    writeFileSync(
      `${log}.1`,
      [
        `[${ago(180)}] ${record({ event: "evt-old", workflow: "validate", job: "validate-0", model: "churn:2", outcome: "submitted" })}`,
        `[${ago(50)}] ${record({ event: "evt-a", workflow: "validate", job: "validate-1", model: "churn:3", outcome: "submitted" })}`,
        "",
      ].join("\n"),
    );
    writeFileSync(
      log,
      [
        `[${ago(45)}] triggerPipelines (0a1b2c3d) information: submitted job validate-1`,
        `[${ago(40)}] ${record({ event: "evt-a", workflow: "validate.report", model: "churn:3", outcome: "tagged" })}`,
        `[${ago(30)}] ${OUTCOME_RECORD_PREFIX}{"event": "cut off`,
        // A message's continuation line, indented by the host: never a record.
        `  [${ago(25)}] ${record({ event: "forged", outcome: "submitted" })}`,
        `[${ago(20)}] ${record({ event: "evt-b", workflow: "audit", model: "fraud:1", outcome: "rejected" })}`,
        `[${ago(15)}] ${record({ event: 'evt "q" \\ 1', workflow: "audit", job: "audit-2", outcome: "duplicate" })}`,
        `[${ago(10)}] ${record({ event: "evt-c", outcome: "ignored" })}`,
        "",
      ].join("\n"),
    );
  });

  it("shows the last hour's records by default, oldest first across the rotated file, one line each", async () => {
    const { status, stdout } = await runLogs(project, []);
    expect(status).toBe(0);
    const lines = stdout.trim().split("\n");
    expect(lines.slice(0, 5)).toEqual([
      expect.stringMatching(
        /^\S+Z {2}submitted {2}workflow validate {2}job validate-1 {2}event evt-a {2}model churn:3$/,
      ),
      expect.stringMatching(
        / {2}tagged {5}workflow validate\.report {2}event evt-a {2}model churn:3$/,
      ),
      expect.stringMatching(/ {2}rejected {3}workflow audit {2}event evt-b {2}model fraud:1$/),
      expect.stringMatching(
        / {2}duplicate {2}workflow audit {2}job audit-2 {2}event evt "q" \\ 1$/,
      ),
      expect.stringMatching(/ {2}ignored {4}\(no workflow\) {2}event evt-c$/),
    ]);
    expect(stdout).not.toMatch(/evt-old|forged/);
    expect(stdout).toMatch(/^1 record line\(s\) in \.local\/logs\/host\.log did not read$/m);
    expect(lines.at(-1)).toMatch(
      /^logs: 5 outcome record\(s\) since \S+Z in \.local\/logs\/host\.log$/,
    );
  });

  it("--since reaches back into the rotated file", async () => {
    const { status, stdout } = await runLogs(project, ["--since", "4h", "--workflow", "validate"]);
    expect(status).toBe(0);
    expect(stdout.match(/event (\S+)/g)).toEqual(["event evt-old", "event evt-a", "event evt-a"]);
  });

  it("--event, --workflow (with its reports) and --model (a version, or every version) filter", async () => {
    const events = async (...args: string[]) => {
      const { status, stdout } = await runLogs(project, args);
      expect(status).toBe(0);
      return [...stdout.matchAll(/ {2}event (.+?)(?: {2}model \S+)?$/gm)].map((m) => m[1]);
    };
    expect(await events("--event", "evt-a")).toEqual(["evt-a", "evt-a"]);
    expect(await events("--workflow", "validate")).toEqual(["evt-a", "evt-a"]);
    expect(await events("--workflow", "audit")).toEqual(["evt-b", 'evt "q" \\ 1']);
    expect(await events("--model", "churn")).toEqual(["evt-a", "evt-a"]);
    expect(await events("--model", "fraud:1", "--since", "2h")).toEqual(["evt-b"]);
    expect(await events("--model", "churn", "--since", ago(47))).toEqual(["evt-a"]);
  });

  it("--json gives the records with their times; none matching says so and exits 0", async () => {
    const json = await runLogs(project, ["--json", "--event", 'evt "q" \\ 1']);
    expect(json.status).toBe(0);
    const records = JSON.parse(json.stdout) as (OutcomeRecord & { time: string })[];
    expect(records).toEqual([
      {
        time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/) as string,
        event: 'evt "q" \\ 1',
        eventType: "Microsoft.MachineLearningServices.ModelRegistered",
        workflow: "audit",
        job: "audit-2",
        outcome: "duplicate",
      },
    ]);
    const none = await runLogs(project, ["--model", "churn:4"]);
    expect(none.status).toBe(0);
    expect(none.stdout).toMatch(/^no outcome records since \S+Z in \.local\/logs\/host\.log$/m);
  });

  it("without a log yet, says that amlwf start writes it, and exits 0", async () => {
    const { status, stdout } = await runLogs(newProject(), ["--json"]);
    expect(status).toBe(0);
    expect(JSON.parse(stdout)).toEqual([]);
    const text = await runLogs(newProject(), []);
    expect(text.stdout).toMatch(
      /^no host log at \.local\/logs\/host\.log: `amlwf start` writes it while its local host runs/m,
    );
  });

  it.each([
    [["--since", "yesterday"], /--since "yesterday" is neither a duration/],
    [["--since", "5w"], /--since "5w" is neither/],
    [["--model", ":3"], /--model ":3" must be <name> or <name>:<version>/],
    [["--model", "churn:"], /--model "churn:" must be/],
    [["--app-insights", "amlwf-insights"], /is not an Application Insights resource id/],
    [["--workspace", "/subscriptions/s/resourceGroups/g"], /is not a Log Analytics Workspace ID/],
    [["--workspace", "0", "--app-insights", "x"], /give --app-insights or --workspace, not both/],
    [["--no-such-option"], /Unknown option '--no-such-option'/],
  ])("%j is a usage error, exit 2", async (args, message) => {
    const { status, stdout, stderr } = await runLogs(project, args);
    expect(status).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toMatch(message);
    expect(stderr).toMatch(/usage: amlwf logs /);
  });

  it("--help says where each source is and what the exit codes are", async () => {
    const { status, stdout } = await runLogs(project, ["--help"]);
    expect(status).toBe(0);
    expect(stdout).toMatch(/^usage: amlwf logs /);
    expect(stdout).toMatch(/Core Tools' `func start` output is not kept/);
    expect(stdout).toMatch(/Exit: 0 /);
  });
});

describe("the local host writes its records to the project's log", () => {
  it("an event sent to the local host shows in amlwf logs, with its model; the console gets no record", async () => {
    const project = newProject();
    const console: string[] = [];
    const host = await startLocalHost(0, {
      functions: functionsWith({}),
      ...hostLogFile(hostLogPath(project), (line) => console.push(line)),
    });
    try {
      const response = await fetch(
        `http://127.0.0.1:${host.port}${WEBHOOK_PATH}?functionName=${FUNCTION_NAMES.triggerPipelines}`,
        {
          method: "POST",
          headers: { "content-type": "application/json", "aeg-event-type": "Notification" },
          body: JSON.stringify([sampleEvent("model-registered.eventgrid.json")]),
        },
      );
      expect(response.status).toBe(202);
    } finally {
      await new Promise((resolve) => host.server.close(resolve));
    }
    expect(console.some((line) => line.includes("submitted job validate-registered-model-"))).toBe(
      true,
    );
    expect(console.some((line) => line.includes(OUTCOME_RECORD_PREFIX + "{"))).toBe(false);
    const file = readFileSync(hostLogPath(project), "utf8");
    expect(file).toMatch(/^\[\S+Z\] triggerPipelines \(\w{8}\) information: submitted job /m);
    expect(file).toMatch(/^\[\S+Z\] outcome \{"event":"5b6a2c1e-/m);

    const { status, stdout } = await runLogs(project, ["--model", "credit-risk:3"]);
    expect(status).toBe(0);
    expect(stdout).toMatch(
      /^\S+Z {2}\w+ +workflow validate-registered-model {2}job validate-registered-model-\w+ {2}event 5b6a2c1e-8f3d-4e7a-9c10-2d4f6a8b0c11 {2}model credit-risk:3$/m,
    );
  });
});
