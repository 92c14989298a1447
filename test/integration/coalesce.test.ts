import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { QueueServiceClient } from "@azure/storage-queue";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { modelRegisteredEvent } from "../../scripts/sendEvent/buildEvents";
import { createBlobSupersededStore } from "../../shared/coalesce/blobSupersededStore";
import { createCoalescer } from "../../shared/coalesce/coalescer";
import type { CoalesceState } from "../../shared/coalesce/coalesceState";
import { parseCoalesceState } from "../../shared/coalesce/coalesceStateStore";
import { createStorageWindowQueue } from "../../shared/coalesce/storageWindowQueue";
import type { SupersededRecord } from "../../shared/coalesce/supersededStore";
import type { WindowOutcome } from "../../shared/coalesce/windowOutcome";
import { loadWorkflowsOrThrow } from "../../shared/compile/workflows/loadWorkflows";
import {
  LINEAGE_TAGS,
  PLACEHOLDER_WORKSPACE_ID,
  SETTING_NAMES,
  STORAGE_CONTAINERS,
  STORAGE_QUEUES,
} from "../../shared/constants";
import type { EventOutcome, HeldWindow } from "../../shared/core/outcome";
import {
  createRuntime,
  type Runtime,
  runtimeFromEnvironment,
  settingsOrThrow,
} from "../../shared/core/runtime";
import { blobServiceFor } from "../../shared/rejections/blobRejectionStore";
import { createGuardedBlobDocuments } from "../../shared/storage/guardedBlobDocuments";
import { startTestAzurite } from "../support/azurite";
import { dryRunJobFiles } from "../support/dryRun";
import { MINIMAL_PIPELINE, writeConfig } from "../support/tempConfig";

const WINDOW_SECONDS = 2;
const CONFIG = `workflows:
  - name: validate
    on: ModelRegistered
    coalesce: { window: ${WINDOW_SECONDS}s }
    pipeline: pipeline.yml
    inputs:
      model: { type: mlflow_model, path: "azureml:{{ model.name }}:{{ model.version }}" }
      model_name: "{{ model.name }}"
  - name: audit
    on: ModelRegistered
    pipeline: pipeline.yml
    inputs:
      model: { type: mlflow_model, path: "azureml:{{ model.name }}:{{ model.version }}" }
      model_name: "{{ model.name }}"
`;

const model = (name: string, version: string) =>
  modelRegisteredEvent({ name, version }, { stage: "candidate" }, PLACEHOLDER_WORKSPACE_ID, false);
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function heldOf(outcome: EventOutcome): HeldWindow {
  const held =
    outcome.kind === "processed"
      ? outcome.workflows.find((w) => w.workflow === "validate")
      : undefined;
  if (held?.kind !== "held") throw new Error(`not held: ${JSON.stringify(outcome)}`);
  return held.window;
}

describe("coalesce: one job per window on the latest event, the rest superseded (Azurite queues and blobs)", () => {
  let azurite: Awaited<ReturnType<typeof startTestAzurite>>;
  const config = writeConfig({ "workflows.yaml": CONFIG, "pipeline.yml": MINIMAL_PIPELINE });
  const settingsFor = (dryRunDir: string) =>
    settingsOrThrow({
      [SETTING_NAMES.workflowsFile]: config,
      [SETTING_NAMES.dryRunDir]: dryRunDir,
      AzureWebJobsStorage: azurite.connectionString,
      AML_WORKSPACE_ID: "",
    });
  const newRuntime = (dryRunDir: string) =>
    createRuntime(settingsFor(dryRunDir), loadWorkflowsOrThrow(config));
  const queue = () =>
    QueueServiceClient.fromConnectionString(azurite.connectionString).getQueueClient(
      STORAGE_QUEUES.coalesceWindows,
    );

  /** Hands every message visible within `ms` to the runtimes in turn, as the host's queue trigger would, and deletes it. */
  async function closeDue(runtimes: Runtime[], ms: number, key: string): Promise<WindowOutcome[]> {
    const outcomes: WindowOutcome[] = [];
    const until = Date.now() + ms;
    let turn = 0;
    while (Date.now() < until) {
      const { receivedMessageItems } = await queue().receiveMessages({
        numberOfMessages: 16,
        visibilityTimeout: 30,
      });
      await Promise.all(
        receivedMessageItems.map(async (item) => {
          const body = JSON.parse(Buffer.from(item.messageText, "base64").toString()) as {
            key: string;
          };
          // Another test's window: left for its own test.
          if (body.key !== key) return;
          const runtime = runtimes[turn++ % runtimes.length];
          if (runtime === undefined) throw new Error("no runtime");
          outcomes.push(await runtime.closeWindow(body));
          await queue().deleteMessage(item.messageId, item.popReceipt);
        }),
      );
      await pause(200);
    }
    return outcomes;
  }

  const superseded = async (): Promise<SupersededRecord[]> => {
    const store = createBlobSupersededStore(
      () =>
        blobServiceFor(
          { kind: "blob-connection-string", connectionString: azurite.connectionString },
          { getToken: () => Promise.resolve(null) },
        ),
      "",
    );
    const records: SupersededRecord[] = [];
    for await (const entry of store.list()) if ("record" in entry) records.push(entry.record);
    return records;
  };

  const jobsOf = (dir: string, workflow: string) =>
    dryRunJobFiles(dir)
      .map(
        (f) =>
          JSON.parse(readFileSync(join(dir, f), "utf8")) as {
            body: { properties: { tags: Record<string, string> } };
          },
      )
      .filter((r) => r.body.properties.tags[LINEAGE_TAGS.workflow] === workflow)
      .map((r) => r.body.properties.tags[LINEAGE_TAGS.model]);

  beforeAll(async () => {
    azurite = await startTestAzurite();
  });
  afterAll(async () => {
    await azurite.stop();
  });

  it("three versions in the window start one job, on the highest; the other two are recorded superseded by it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "coalesce-three-"));
    const runtime = newRuntime(dir);
    // Out of order: the job runs on the highest version, not the last to arrive.
    const events = Object.fromEntries(["5", "6", "7"].map((v) => [v, model("churn", v)]));
    const held = [];
    for (const version of ["6", "7", "5"])
      held.push(heldOf(await runtime.process(events[version])));
    expect(held.map((h) => h.how)).toEqual(["opened", "joined", "joined"]);
    expect(new Set(held.map((h) => h.id)).size).toBe(1);
    expect(held[2]).toMatchObject({ latest: "churn:7", events: 3 });
    // The workflow that does not coalesce ran at once for each; the coalescing one not yet.
    expect(jobsOf(dir, "audit").sort()).toEqual(["churn:5", "churn:6", "churn:7"]);
    expect(jobsOf(dir, "validate")).toEqual([]);

    const closed = await closeDue([runtime], WINDOW_SECONDS * 1000 + 2500, "churn");
    expect(closed.map((c) => c.kind)).toEqual(["closed"]);
    const [outcome] = closed;
    if (outcome?.kind !== "closed") throw new Error("not closed");
    expect(outcome.job.kind).toBe("submitted");
    expect(outcome.latest.model).toBe("churn:7");
    expect(jobsOf(dir, "validate")).toEqual(["churn:7"]);
    const records = (await superseded()).filter((r) => r.window === outcome.window);
    expect(records.map((r) => r.model).sort()).toEqual(["churn:5", "churn:6"]);
    for (const r of records)
      expect(r.supersededBy).toMatchObject({
        model: "churn:7",
        job: outcome.job.kind === "submitted" ? outcome.job.jobName : "?",
      });

    // Event Grid redelivers 6 after the close: it is remembered, not a window of its own.
    const again = heldOf(await runtime.process(events["6"]));
    expect(again).toMatchObject({ how: "closed", id: outcome.window });
    expect(await closeDue([runtime], 300, "churn")).toEqual([]);
    expect(jobsOf(dir, "validate")).toEqual(["churn:7"]);
  });

  it("a version arriving after the window opens its own window and gets its own job, even before the first closes", async () => {
    const dir = mkdtempSync(join(tmpdir(), "coalesce-after-"));
    const runtime = newRuntime(dir);
    const first = heldOf(await runtime.process(model("late", "1")));
    await pause(WINDOW_SECONDS * 1000 + 200);
    const second = heldOf(await runtime.process(model("late", "2")));
    expect(first.how).toBe("opened");
    expect(second.how).toBe("opened");
    expect(second.id).not.toBe(first.id);
    const closed = await closeDue([runtime], WINDOW_SECONDS * 1000 + 2500, "late");
    expect(closed.filter((c) => c.kind === "closed")).toHaveLength(2);
    expect(jobsOf(dir, "validate").sort()).toEqual(["late:1", "late:2"]);
  });

  it("two instances racing on one key open one window between them: one job, on the highest of all", async () => {
    const dir = mkdtempSync(join(tmpdir(), "coalesce-race-"));
    const a = newRuntime(dir);
    const b = newRuntime(dir);
    const versions = ["1", "2", "3", "4", "5", "6", "7", "8"];
    const outcomes = await Promise.all(
      versions.map((v, i) => (i % 2 === 0 ? a : b).process(model("race", v))),
    );
    const held = outcomes.map(heldOf);
    expect(held.filter((h) => h.how === "opened")).toHaveLength(1);
    expect(new Set(held.map((h) => h.id)).size).toBe(1);
    const closed = await closeDue([a, b], WINDOW_SECONDS * 1000 + 2500, "race");
    expect(closed.filter((c) => c.kind === "closed")).toHaveLength(1);
    expect(jobsOf(dir, "validate")).toEqual(["race:8"]);
    const records = (await superseded()).filter((r) => r.key === "race");
    expect(records.map((r) => r.model).sort()).toEqual(
      versions.slice(0, 7).map((v) => `race:${v}`),
    );
  });

  it("a crash after the close is scheduled and before the window is kept still ends in one job", async () => {
    const service = () =>
      blobServiceFor(
        { kind: "blob-connection-string", connectionString: azurite.connectionString },
        { getToken: () => Promise.resolve(null) },
      );
    const states = createGuardedBlobDocuments<CoalesceState>(
      service,
      "",
      STORAGE_CONTAINERS.coalesceState,
      parseCoalesceState,
    );
    const parts = {
      queue: createStorageWindowQueue(
        { kind: "connection-string", connectionString: azurite.connectionString },
        { getToken: () => Promise.resolve(null) },
      ),
      superseded: createBlobSupersededStore(service, ""),
    };
    // The instance dies on its first state write: the message is out, the window is not kept.
    const crashing = createCoalescer({
      ...parts,
      states: {
        ...states,
        write: () => Promise.reject(new Error("the instance died")),
      },
    });
    const restarted = createCoalescer({ ...parts, states });
    const event = (version: string) => ({
      workflow: "validate",
      key: "crash",
      windowSeconds: WINDOW_SECONDS,
      event: {
        id: `crash-${version}`,
        type: "ModelRegistered",
        source: "",
        subject: "",
        model: `crash:${version}`,
      },
      raw: { version },
    });
    await expect(crashing.hold(event("1"))).rejects.toThrow("the instance died");
    // Event Grid redelivers the unacknowledged event to another instance; a second one joins.
    expect((await restarted.hold(event("1"))).how).toBe("opened");
    expect((await restarted.hold(event("2"))).how).toBe("joined");

    const runs: unknown[] = [];
    const outcomes: WindowOutcome[] = [];
    const until = Date.now() + WINDOW_SECONDS * 1000 + 2500;
    while (Date.now() < until) {
      const { receivedMessageItems } = await queue().receiveMessages({ numberOfMessages: 16 });
      for (const item of receivedMessageItems) {
        const body = JSON.parse(Buffer.from(item.messageText, "base64").toString()) as Parameters<
          typeof restarted.close
        >[0];
        if (body.key !== "crash") continue;
        outcomes.push(
          await restarted.close(body, (raw) => {
            runs.push(raw);
            return Promise.resolve({
              job: { kind: "rejected", workflow: "validate", reason: "counted only" },
            });
          }),
        );
        await queue().deleteMessage(item.messageId, item.popReceipt);
      }
      await pause(200);
    }
    // Two messages for the one window (the crashed instance's and the redelivery's): one closes it.
    expect(outcomes.map((o) => o.kind).sort()).toEqual(["closed", "gone"]);
    expect(runs).toEqual([{ version: "2" }]);
  });
});

describe("coalesce without storage", () => {
  const config = writeConfig({ "workflows.yaml": CONFIG, "pipeline.yml": MINIMAL_PIPELINE });
  const dir = mkdtempSync(join(tmpdir(), "coalesce-none-"));
  const env = {
    [SETTING_NAMES.workflowsFile]: config,
    [SETTING_NAMES.dryRunDir]: join(dir, "dry-run"),
    [SETTING_NAMES.rejectedDir]: join(dir, "rejected"),
    [SETTING_NAMES.archiveDir]: join(dir, "archive"),
    AML_WORKSPACE_ID: "",
  };
  const problem =
    /workflow validate coalesces events, which needs the host's storage queues: set AzureWebJobsStorage/;

  it("the function refuses to start, naming the workflow and the setting", () => {
    const compiled = join(dir, "workflows.compiled.json");
    writeFileSync(compiled, JSON.stringify(loadWorkflowsOrThrow(config).compiled));
    expect(() =>
      runtimeFromEnvironment({ ...env, [SETTING_NAMES.workflowsFile]: compiled }),
    ).toThrow(problem);
  });

  it("a tool's runtime plans such a workflow, but refuses to hold an event rather than submit it at once", async () => {
    const runtime = createRuntime(settingsOrThrow(env), loadWorkflowsOrThrow(config));
    const event = model("none", "1");
    const planned = runtime.plan(event);
    expect(planned.kind === "processed" && planned.workflows.map((w) => w.kind)).toEqual([
      "planned",
      "planned",
    ]);
    await expect(runtime.process(event)).rejects.toThrow(problem);
    // The other workflow's job went ahead (Event Grid redelivers; its name makes that a duplicate).
    expect(dryRunJobFiles(join(dir, "dry-run"))).toEqual([
      expect.stringMatching(/^audit-[0-9a-f]{24}\.json$/),
    ]);
  });
});
