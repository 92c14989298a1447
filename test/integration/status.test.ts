import { mkdtempSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { BlobServiceClient } from "@azure/storage-blob";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { createBlobSupersededStore } from "../../shared/coalesce/blobSupersededStore";
import { emptyCoalesceState } from "../../shared/coalesce/coalesceState";
import { coalesceStateName, parseCoalesceState } from "../../shared/coalesce/coalesceStateStore";
import type { SupersededRecord } from "../../shared/coalesce/supersededStore";
import { loadWorkflowsOrThrow } from "../../shared/compile/workflows/loadWorkflows";
import {
  LINEAGE_TAGS,
  PLACEHOLDER_WORKSPACE_ID,
  SETTING_NAMES,
  STORAGE_CONTAINERS,
} from "../../shared/constants";
import { createRuntime, settingsOrThrow } from "../../shared/core/runtime";
import { createGuardedBlobDocuments } from "../../shared/storage/guardedBlobDocuments";
import { type ArmStandIn, startArmStandIn } from "../support/armStandIn";
import { TEST_WORKSPACE_ID, useLocalManagedIdentity } from "../support/azureEnv";
import { startTestAzurite } from "../support/azurite";
import { handlerWith } from "../support/functionModule";
import { type IdentityEndpoint, startIdentityEndpoint } from "../support/identityEndpoint";
import { capturingContext } from "../support/invocation";
import { runScript } from "../support/runScript";
import { MINIMAL_PIPELINE, writeConfig } from "../support/tempConfig";

const modelEvent = (name: string, version: string, id: string, topic = TEST_WORKSPACE_ID) => ({
  id,
  eventType: "Microsoft.MachineLearningServices.ModelRegistered",
  subject: `models/${name}:${version}`,
  eventTime: "2026-11-24T10:00:00Z",
  topic,
  dataVersion: "2",
  data: { modelName: name, modelVersion: version, modelTags: { stage: "candidate" } },
});

describe("npm run status, against the workspace (ARM stand-in)", () => {
  let arm: ArmStandIn;
  let identity: IdentityEndpoint;
  let restoreEnv: () => void;
  const rejectedDir = mkdtempSync(join(tmpdir(), "status-rejected-"));
  let env: Record<string, string | undefined> = {};

  beforeAll(async () => {
    [arm, identity] = await Promise.all([startArmStandIn(), startIdentityEndpoint()]);
    restoreEnv = useLocalManagedIdentity(identity);
    const settings = {
      [SETTING_NAMES.amlWorkspaceId]: TEST_WORKSPACE_ID,
      [SETTING_NAMES.armEndpoint]: arm.endpoint,
      [SETTING_NAMES.rejectedDir]: rejectedDir,
      [SETTING_NAMES.submitBudgetMs]: "2000",
    };
    const handler = handlerWith(settings);
    for (const [name, version, id] of [
      ["churn", "3", "evt-churn-3"],
      ["churn", "4", "evt-churn-4"],
      ["fraud", "1", "evt-fraud-1"],
      ["fraud", "2", "evt-fraud-2"],
    ] as const)
      await handler(modelEvent(name, version, id), capturingContext().context);
    // A rejection for churn:3 too: the workspace refuses the job of another event for it.
    arm.faults.push({ status: 400, body: { error: { code: "UserError", message: "no compute" } } });
    await handler(modelEvent("churn", "3", "evt-churn-3-again"), capturingContext().context);
    // Someone else's job, without our lineage: the list's tag filter leaves it out.
    arm.jobs.set("hand-made", { properties: { jobType: "Pipeline", tags: {} } });
    env = {
      ...settings,
      IDENTITY_ENDPOINT: identity.url,
      IDENTITY_HEADER: identity.header,
    };
  });
  afterAll(async () => {
    restoreEnv();
    await Promise.all([arm.close(), identity.close()]);
  });

  it("--model churn:3 shows its job with status and studio link, and its rejection", async () => {
    const { status, stdout } = await runScript("status.ts", ["--model", "churn:3"], env);
    expect(status).toBe(0);
    expect(stdout).toMatch(
      /^Running\s+validate-registered-model-[0-9a-f]{24} — workflow validate-registered-model, event evt-churn-3 \(model churn:3\)/m,
    );
    expect(stdout).toMatch(
      /https:\/\/ml\.azure\.com\/runs\/validate-registered-model-[0-9a-f]{24}\?wsid=%2Fsubscriptions%2F/,
    );
    expect(stdout).toMatch(
      /^rejected\s+event evt-churn-3-again for workflow validate-registered-model \(model churn:3\) at .*: ARM answered 400: UserError: no compute/m,
    );
    // A version given, its tags are read too: the stand-in has no such model version, which is said.
    expect(stdout).toMatch(/^model {6}no model churn:3 in workspace ml-ws$/m);
    // Every page was read: four of our jobs, two to a page; the hand-made one is filtered out by tag.
    expect(stdout).toMatch(
      /status: jobs=1 rejections=1 deadletters=0 — looked at 4 job\(s\) in workspace /,
    );
    const gets = arm.requests.filter((r) => r.method === "GET" && r.path.endsWith("/jobs"));
    expect(gets.length).toBe(2);
    expect(gets.every((r) => r.authorization === `Bearer ${identity.token}`)).toBe(true);
  });

  it("--model churn matches every version; --event one event; --json is the report", async () => {
    const all = await runScript("status.ts", ["--model", "churn", "--json"], env);
    const report = JSON.parse(all.stdout) as { jobs: { eventId: string }[] };
    expect(report.jobs.map((j) => j.eventId).sort()).toEqual(["evt-churn-3", "evt-churn-4"]);
    const one = await runScript("status.ts", ["--event", "evt-fraud-2"], env);
    expect(one.stdout).toMatch(/event evt-fraud-2 \(model fraud:2\)/);
    expect(one.stdout).toMatch(/status: jobs=1 rejections=0/);
  });

  it("says so plainly when nothing matches", async () => {
    const { status, stdout } = await runScript("status.ts", ["--model", "nope:1"], env);
    expect(status).toBe(0);
    expect(stdout).toMatch(
      /^status: nothing matches — looked at 4 job\(s\) in workspace .*, \d+ rejection\(s\) in .* \(no dead letters, superseded events or coalescing windows: they live in Blob Storage\)$/m,
    );
  });
});

describe("npm run status, in dry-run mode", () => {
  it("reads the dry-run requests, so it works on a laptop", async () => {
    const dryRunDir = mkdtempSync(join(tmpdir(), "status-dry-"));
    const settings = {
      [SETTING_NAMES.dryRunDir]: dryRunDir,
      [SETTING_NAMES.rejectedDir]: mkdtempSync(join(tmpdir(), "status-dry-rejected-")),
    };
    await handlerWith(settings)(
      modelEvent("churn", "3", "evt-dry", PLACEHOLDER_WORKSPACE_ID),
      capturingContext().context,
    );
    const { stdout } = await runScript("status.ts", ["--model", "churn:3"], {
      ...settings,
      AML_WORKSPACE_ID: "",
    });
    expect(stdout).toMatch(
      /^dry run \(not submitted\) validate-registered-model-[0-9a-f]{24} — workflow validate-registered-model, event evt-dry \(model churn:3\)/m,
    );
    expect(stdout).toMatch(/status: jobs=1 .* in dry-run folder /);
  });
});

describe("npm run status, coalescing: superseded events and open windows (Azurite)", () => {
  let azurite: Awaited<ReturnType<typeof startTestAzurite>>;
  let env: Record<string, string> = {};
  const WORKFLOW = "validate-registered-model";
  const config = writeConfig({
    "workflows.yaml": `workflows:
  - name: ${WORKFLOW}
    on: ModelRegistered
    coalesce: { key: "{{ model.name }}", window: 10m }
    pipeline: pipeline.yml
    inputs:
      model: { type: mlflow_model, path: "azureml:{{ model.name }}:{{ model.version }}" }
      model_name: "{{ model.name }}"
`,
    "pipeline.yml": MINIMAL_PIPELINE,
  });
  const dryRunDir = mkdtempSync(join(tmpdir(), "status-coalesce-dry-"));
  const CLOSED_AT = "2026-11-24T10:10:00.000Z";
  const churn7Job = `${WORKFLOW}-${"7".repeat(24)}`;
  const fraud = ["1", "2"].map((v) =>
    modelEvent("fraud", v, `evt-fraud-${v}`, PLACEHOLDER_WORKSPACE_ID),
  );
  const superseded = (version: string): SupersededRecord => ({
    workflow: WORKFLOW,
    key: "churn",
    window: "w-churn",
    eventId: `evt-churn-${version}`,
    eventType: "Microsoft.MachineLearningServices.ModelRegistered",
    model: `churn:${version}`,
    eventTime: "2026-11-24T10:00:00Z",
    receivedAt: `2026-11-24T10:0${version}:00.000Z`,
    supersededBy: { eventId: "evt-churn-7", model: "churn:7", job: churn7Job },
    closedAt: CLOSED_AT,
  });

  beforeAll(async () => {
    azurite = await startTestAzurite();
    env = {
      AzureWebJobsStorage: azurite.connectionString,
      AML_WORKSPACE_ID: "",
      [SETTING_NAMES.dryRunDir]: dryRunDir,
      [SETTING_NAMES.workflowsFile]: config,
    };
    // The function's own path: two fraud versions held in an open window of ten minutes.
    const runtime = createRuntime(settingsOrThrow(env), loadWorkflowsOrThrow(config));
    for (const event of fraud) {
      const outcome = await runtime.process(event);
      expect(outcome.kind === "processed" && outcome.workflows[0]?.kind).toBe("held");
    }
    // A window that closed: churn:5 and churn:6 superseded by churn:7, whose job ran after.
    const service = () => BlobServiceClient.fromConnectionString(azurite.connectionString);
    await createBlobSupersededStore(service, "azurite/").record([superseded("5"), superseded("6")]);
    const job = join(dryRunDir, `${churn7Job}.json`);
    writeFileSync(
      job,
      JSON.stringify({
        body: {
          properties: {
            tags: {
              [LINEAGE_TAGS.workflow]: WORKFLOW,
              [LINEAGE_TAGS.eventId]: "evt-churn-7",
              [LINEAGE_TAGS.model]: "churn:7",
            },
          },
        },
      }),
    );
    utimesSync(job, new Date("2026-11-24T10:10:05Z"), new Date("2026-11-24T10:10:05Z"));
    // A window stuck closing (its job's submission keeps failing), for churn:8 and churn:9.
    const states = createGuardedBlobDocuments(
      service,
      "azurite/",
      STORAGE_CONTAINERS.coalesceState,
      parseCoalesceState,
    );
    const member = (version: string) => ({
      eventId: `evt-churn-${version}`,
      eventType: "Microsoft.MachineLearningServices.ModelRegistered",
      model: `churn:${version}`,
      eventTime: "2026-11-24T11:00:00Z",
      receivedAt: `2026-11-24T11:0${version}:00.000Z`,
    });
    await states.write(
      coalesceStateName(WORKFLOW, "churn"),
      {
        ...emptyCoalesceState(WORKFLOW, "churn"),
        windows: [
          {
            id: "w-churn-2",
            openedAt: "2026-11-24T11:08:00.000Z",
            closesAt: "2026-11-24T11:18:00.000Z",
            closingSince: "2026-11-24T11:18:01.000Z",
            members: [member("8"), member("9")],
            latest: { eventId: "evt-churn-9", raw: {} },
          },
        ],
      },
      undefined,
    );
    // One entry of each that does not read.
    const container = (name: string) => service().getContainerClient(name);
    await container(STORAGE_CONTAINERS.supersededEvents)
      .getBlockBlobClient(`${WORKFLOW}/broken.json`)
      .upload("{", 1);
    await container(STORAGE_CONTAINERS.coalesceState)
      .getBlockBlobClient(`${WORKFLOW}/broken.json`)
      .upload("[]", 2);
  }, 60_000);
  afterAll(() => azurite.stop());

  it("--model churn lists churn:5 and churn:6 as superseded by churn:7, before its job, and the window stuck closing", async () => {
    const { status, stdout, stderr } = await runScript("status.ts", ["--model", "churn"], env);
    expect(stderr).toBe("");
    expect(status).toBe(0);
    const lines = stdout.trimEnd().split("\n");
    expect(lines.slice(0, 3)).toEqual([
      `superseded churn:5 — workflow ${WORKFLOW}: superseded by evt-churn-7 (churn:7), job ${churn7Job}, window closed ${CLOSED_AT}`,
      `superseded churn:6 — workflow ${WORKFLOW}: superseded by evt-churn-7 (churn:7), job ${churn7Job}, window closed ${CLOSED_AT}`,
      `dry run (not submitted) ${churn7Job} — workflow ${WORKFLOW}, event evt-churn-7 (model churn:7), created 2026-11-24T10:10:05.000Z`,
    ]);
    expect(stdout).toContain(
      `\nheld       in window "churn" of workflow ${WORKFLOW}: churn:8, churn:9 (latest churn:9), closing since 2026-11-24T11:18:01.000Z\n`,
    );
    // Looked at: 3 superseded records (one broken), 2 windows (fraud's and churn's), 2 unreadable.
    expect(stdout).toMatch(
      /^status: jobs=1 rejections=0 deadletters=0 superseded=2 held=1 — looked at 1 job\(s\) in dry-run folder .*, 0 dead-lettered event\(s\), 3 superseded event\(s\), 2 open coalescing window\(s\); 2 entr\(ies\) could not be read$/m,
    );
  });

  it("--model fraud shows the window the function holds its two versions in, and when it closes", async () => {
    const { stdout } = await runScript("status.ts", ["--model", "fraud"], env);
    expect(stdout).toMatch(
      new RegExp(
        `^held {7}in window "fraud" of workflow ${WORKFLOW}: fraud:1, fraud:2 \\(latest fraud:2\\), closes at \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z$`,
        "m",
      ),
    );
    expect(stdout).not.toMatch(/churn/);
  });

  it("--json carries them under superseded and windows, filtered by event, workflow and time", async () => {
    const json = async (args: string[]) => {
      const { stdout } = await runScript("status.ts", [...args, "--json"], env);
      return JSON.parse(stdout) as {
        superseded: { eventId: string; supersededBy: { eventId: string }; where: string }[];
        windows: { key: string; latest: string; members: { eventId: string }[] }[];
        looked: { superseded: number; windows: number; unreadable: number };
      };
    };
    const all = await json(["--model", "churn"]);
    expect(all.superseded.map((s) => [s.eventId, s.supersededBy.eventId])).toEqual([
      ["evt-churn-5", "evt-churn-7"],
      ["evt-churn-6", "evt-churn-7"],
    ]);
    expect(all.superseded[0]?.where).toMatch(/superseded-events\/validate-registered-model\//);
    expect(all.windows.map((w) => [w.key, w.latest])).toEqual([["churn", "evt-churn-9"]]);
    expect(all.looked).toEqual(expect.objectContaining({ superseded: 3, windows: 2 }));

    const one = await json(["--event", "evt-fraud-1"]);
    expect(one.superseded).toEqual([]);
    expect(one.windows.map((w) => w.members.map((m) => m.eventId))).toEqual([
      ["evt-fraud-1", "evt-fraud-2"],
    ]);
    expect(await json(["--event", "evt-churn-6"])).toMatchObject({
      superseded: [{ eventId: "evt-churn-6" }],
      windows: [],
    });
    expect(await json(["--workflow", "other"])).toMatchObject({ superseded: [], windows: [] });
    // Their window closed before --since: the superseded events are left out, the later window kept.
    const later = await json(["--model", "churn", "--since", "2026-11-24T10:30:00Z"]);
    expect(later.superseded).toEqual([]);
    expect(later.windows.map((w) => w.key)).toEqual(["churn"]);
  });
});
