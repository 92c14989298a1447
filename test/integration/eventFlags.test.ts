import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { describe, expect, it } from "vitest";

import { PLACEHOLDER_WORKSPACE_ID, SETTING_NAMES } from "../../shared/constants";
import { runScript } from "../support/runScript";
import { REPO_ROOT } from "../support/samples";
import { MINIMAL_PIPELINE, writeConfig } from "../support/tempConfig";

interface PlanEntry {
  file: string;
  event: string;
  workflow: string | null;
  outcome: string;
  jobName: string | null;
  request: { body: { properties: { inputs: Record<string, unknown> } } } | null;
}

/** Settings of the test's own: a dry-run folder, nothing of the developer's. */
function ownSettings(): Record<string, string> {
  return {
    [SETTING_NAMES.dryRunDir]: mkdtempSync(join(tmpdir(), "event-flags-dry-")),
    [SETTING_NAMES.rejectedDir]: mkdtempSync(join(tmpdir(), "event-flags-rejected-")),
  };
}

async function planJson(args: string[], env: Record<string, string>): Promise<PlanEntry[]> {
  const { status, stdout, stderr } = await runScript("plan.ts", ["--json", ...args], env);
  expect(stderr).toBe("");
  expect(status).toBe(0);
  return JSON.parse(stdout) as PlanEntry[];
}

/** What `send-event --print` prints, written to a file of its own, as `> e.json` would. */
async function printed(args: string[], env: Record<string, string>): Promise<string> {
  const { status, stdout, stderr } = await runScript("sendEvent.ts", ["--print", ...args], env);
  expect(stderr).toBe("");
  expect(status).toBe(0);
  const file = join(mkdtempSync(join(tmpdir(), "event-flags-")), "e.json");
  writeFileSync(file, stdout);
  return file;
}

const sample = join(REPO_ROOT, "samples", "events", "model-registered.eventgrid.json");

describe("plan builds events from the flags send-event takes", () => {
  it("plan --model --tag plans the job plan plans for the same event in a file", async () => {
    const env = ownSettings();
    const flags = ["--model", "churn:3", "--tag", "stage=candidate"];
    const [fromFlags] = await planJson(flags, env);
    expect(fromFlags).toMatchObject({
      file: "--model churn:3",
      workflow: "validate-registered-model",
      outcome: "submit",
    });
    // A built event is new each time: its id names the job, so the file gets the id plan used.
    const file = await printed(flags, env);
    const [event] = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>[];
    writeFileSync(file, JSON.stringify({ ...event, id: fromFlags?.event }));
    const [fromFile] = await planJson([file], env);
    expect(fromFile?.jobName).toBe(fromFlags?.jobName);
    expect(fromFile?.request?.body.properties.inputs).toEqual(
      fromFlags?.request?.body.properties.inputs,
    );
  });

  it("plan --completed <job> plans the same chained job as plan on send-event --print's file", async () => {
    const env = ownSettings();
    const workflows = writeConfig({
      "workflows.yaml": `workflows:
  - name: validate
    on: ModelRegistered
    pipeline: p.yml
  - name: promote
    on: { workflow: validate, status: Completed }
    pipeline: p.yml
`,
      "p.yml": MINIMAL_PIPELINE,
    });
    const job = "validate-0123456789abcdef01234567";
    writeFileSync(
      join(env[SETTING_NAMES.dryRunDir] ?? "", `${job}.json`),
      JSON.stringify({
        method: "PUT",
        url: `https://management.azure.com${PLACEHOLDER_WORKSPACE_ID}/jobs/${job}`,
        body: {
          properties: {
            jobType: "Pipeline",
            experimentName: "validation",
            tags: { "trigger.workflow": "validate", "trigger.model": "churn:3" },
          },
        },
      }),
    );
    const settings = { ...env, [SETTING_NAMES.workflowsFile]: workflows };
    const [fromFlags] = await planJson(["--completed", job], settings);
    expect(fromFlags).toMatchObject({
      file: `--completed ${job}`,
      workflow: "promote",
      outcome: "submit",
    });
    const [fromFile] = await planJson([await printed(["--completed", job], settings)], settings);
    expect(fromFile?.jobName).toMatch(/^promote-[0-9a-f]{24}$/);
    expect(fromFile?.jobName).toBe(fromFlags?.jobName);
  });

  it("plans the files' events first, then the built ones", async () => {
    const entries = await planJson(
      ["--model", "churn:3", "--tag", "stage=candidate", sample],
      ownSettings(),
    );
    expect(entries.map((e) => [e.file, e.outcome])).toEqual([
      [sample, "submit"],
      ["--model churn:3", "submit"],
    ]);
  });
});

describe("plan and send-event answer bad arguments in one line of their own", () => {
  it.each([
    ["plan.ts", "plan"],
    ["sendEvent.ts", "send-event"],
  ])("%s: an unknown option names it and points at --help, exit 2", async (script, name) => {
    const { status, stdout, stderr } = await runScript(
      script,
      ["--model", "churn:3", "--frobnicate"],
      ownSettings(),
    );
    expect(status).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toBe(`Unknown option '--frobnicate' (usage: amlwf ${name} --help)\n`);
  });

  it("an option without its value is named too", async () => {
    const { status, stderr } = await runScript("plan.ts", [sample, "--model"], ownSettings());
    expect(status).toBe(2);
    expect(stderr).toMatch(/^Option '--model' needs a value.* \(usage: amlwf plan --help\)\n$/);
  });
});

describe("send-event --print", () => {
  it("prints a JSON array that plan and send-event take back as it is", async () => {
    const env = ownSettings();
    const file = await printed(
      [sample, "--model", "churn:3", "--tag", "stage=candidate", "--cloudevents"],
      env,
    );
    const events = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>[];
    expect(events).toHaveLength(2);
    expect(events[1]).toMatchObject({
      specversion: "1.0",
      subject: "models/churn:3",
      data: { modelTags: { stage: "candidate" } },
    });
    const entries = await planJson([file], env);
    expect(entries.map((e) => [e.event, e.outcome])).toEqual(events.map((e) => [e.id, "submit"]));
    const again = await runScript("sendEvent.ts", ["--print", file], env);
    expect(JSON.parse(again.stdout)).toEqual(events);
  });

  it("sends nothing: the webhook it would deliver to gets no request", async () => {
    let requests = 0;
    const server = createServer((_request, response) => {
      requests += 1;
      response.end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = String((server.address() as AddressInfo).port);
    try {
      const printedRun = await runScript("sendEvent.ts", ["--print", "--model", "churn:3"], {
        ...ownSettings(),
        PORT: port,
      });
      expect(printedRun.status).toBe(0);
      expect(requests).toBe(0);
      // The same command without --print does reach this server: the test would see a send.
      await runScript("sendEvent.ts", ["--model", "churn:3"], { ...ownSettings(), PORT: port });
      expect(requests).toBe(1);
    } finally {
      server.close();
    }
  });

  it("refuses a place to send to, exit 2", async () => {
    const { status, stderr } = await runScript(
      "sendEvent.ts",
      ["--print", "--model", "churn:3", "--endpoint", "https://topic.example"],
      ownSettings(),
    );
    expect(status).toBe(2);
    expect(stderr).toMatch(/^--print sends nothing: drop --endpoint\n/);
  });
});
