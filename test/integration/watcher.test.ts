import { setTimeout as sleep } from "node:timers/promises";

import type { Timer } from "@azure/functions";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

import { createWatchWorkspaces } from "../../functions/watchWorkspaces";
import {
  AML_EVENT_TYPES,
  LINEAGE_TAGS,
  SETTING_NAMES,
  WATCHED_EVENT_TYPES,
} from "../../shared/constants";
import type { EventOutcome } from "../../shared/core/outcome";
import type { ArmStandIn } from "../support/armStandIn";
import { TEST_WORKSPACE_ID } from "../support/azureEnv";
import { capturingContext } from "../support/invocation";
import {
  claimDeliverAndDie,
  startWatcherStandIns,
  tagChanges,
  type WatcherStandIns,
  watchOnce,
} from "../support/watcherStandIns";

const VALIDATED = { stage: "candidate", "validate-registered-model.status": "Completed" };
const APPROVAL = { approved: "true", "approved.by": "reviewer@example.com" };

/** The id of the event an outcome is about. */
const eventIdOf = (outcome: EventOutcome | undefined) =>
  outcome?.kind === "rejected" ? outcome.eventId : outcome?.event.id;

/** The job a processed event started (or found started) for `workflow`. */
function jobFor(outcome: EventOutcome | undefined, workflow: string) {
  const found =
    outcome?.kind === "processed"
      ? outcome.workflows.find((w) => w.workflow === workflow)
      : undefined;
  if (found === undefined || found.kind === "rejected" || found.kind === "held")
    throw new Error(`no job for ${workflow} in ${JSON.stringify(outcome)}`);
  return found;
}

describe("the watcher over ARM and Blob Storage: runtimes built from settings, the stand-in, Azurite", () => {
  let standIns: WatcherStandIns;
  let arm: ArmStandIn;

  const tagsOf = (key: string, resources = arm.models) =>
    (resources.get(key)?.properties.tags ?? {}) as Record<string, string>;
  // What a PUT of the version's tags does: its createdAt stays.
  const setTags = (key: string, tags: Record<string, string>) =>
    arm.models.set(key, { properties: { ...arm.models.get(key)?.properties, tags } });
  const register = (key: string, tags: Record<string, string>) =>
    arm.models.set(key, { properties: { description: "churn model", flavors: {}, tags } });

  beforeAll(async () => {
    standIns = await startWatcherStandIns();
    arm = standIns.arm;
  });
  afterAll(() => standIns.close());
  beforeEach(() => standIns.reset());

  it("the approval chain: validation reported onto the version, approval starts one promotion, a later tag edit none", async () => {
    const runtime = standIns.runtime();
    register("churn/3", { stage: "candidate" });
    const baseline = await watchOnce(runtime);
    expect(baseline.runs).toEqual([
      expect.objectContaining({ kind: "ran", baseline: true, emitted: 0 }),
    ]);
    expect(baseline.outcomes).toEqual([]);

    // Azure ML announces the registration and the validation's end; the report tags the version.
    const registered = await runtime.process({
      id: "evt-churn-3",
      eventType: AML_EVENT_TYPES.modelRegistered,
      subject: "models/churn:3",
      eventTime: new Date().toISOString(),
      topic: TEST_WORKSPACE_ID,
      dataVersion: "2",
      data: { modelName: "churn", modelVersion: "3", modelTags: { stage: "candidate" } },
    });
    const validation = jobFor(registered, "validate-registered-model").jobName;
    const lineage = tagsOf(validation, arm.jobs);
    arm.jobs.set(validation, { properties: { status: "Completed", tags: lineage } });
    await runtime.process({
      id: "evt-run-completed",
      eventType: AML_EVENT_TYPES.runCompleted,
      subject: `experiments/model-validation/runs/${validation}`,
      topic: TEST_WORKSPACE_ID,
      data: { experimentName: "model-validation", runId: validation, runTags: lineage },
    });
    expect(tagsOf("churn/3")).toMatchObject(VALIDATED);

    // The watcher sees the report's tags: the promotion waits for the approval.
    const validated = await watchOnce(runtime);
    expect(validated.outcomes).toEqual([
      expect.objectContaining({
        kind: "ignored",
        skipped: expect.arrayContaining([
          { workflow: "promote-approved-model", why: expect.stringMatching(/approved/) as string },
        ]) as unknown,
      }),
    ]);

    setTags("churn/3", { ...tagsOf("churn/3"), ...APPROVAL });
    const approved = await watchOnce(runtime);
    expect(approved.runs).toEqual([expect.objectContaining({ kind: "ran", emitted: 1 })]);
    const approval = eventIdOf(approved.outcomes[0]);
    expect(approval).toMatch(/^watch-[0-9a-f]{40}$/);
    const promotion = jobFor(approved.outcomes[0], "promote-approved-model");
    expect(promotion.kind).toBe("submitted");
    expect(arm.creations.map((c) => c.workflow)).toEqual([
      "validate-registered-model",
      "promote-approved-model",
    ]);
    expect(tagsOf(promotion.jobName, arm.jobs)).toMatchObject({
      [LINEAGE_TAGS.eventId]: approval,
      [LINEAGE_TAGS.model]: "churn:3",
      [LINEAGE_TAGS.eventType]: WATCHED_EVENT_TYPES.modelTagsChanged,
      [LINEAGE_TAGS.subject]: "models/churn:3",
      [LINEAGE_TAGS.source]: TEST_WORKSPACE_ID,
    });

    // A note added after the approval is a new tag change, and the version's promotion has started.
    setTags("churn/3", { ...tagsOf("churn/3"), "approved.note": "ship it" });
    const noted = await watchOnce(runtime);
    expect(tagChanges(noted.outcomes)).toHaveLength(1);
    expect(eventIdOf(noted.outcomes[0])).not.toBe(approval);
    expect(jobFor(noted.outcomes[0], "promote-approved-model")).toMatchObject({
      kind: "duplicate",
      jobName: promotion.jobName,
    });
    expect(arm.creations).toHaveLength(2);
  });

  it("two processes watching at once deliver each change once between them", async () => {
    const [one, other] = [standIns.runtime(), standIns.runtime()];
    register("churn/3", VALIDATED);
    await watchOnce(one);
    for (const [round, tags] of [
      APPROVAL,
      { "approved.note": "a" },
      { "approved.note": "b" },
    ].entries()) {
      setTags("churn/3", { ...tagsOf("churn/3"), ...tags });
      const both = await Promise.all([one, other].map(watchOnce));
      expect(tagChanges(both.flatMap((w) => w.outcomes)), `round ${round}`).toHaveLength(1);
      const runs = both.flatMap((w) => w.runs);
      expect(
        runs.filter((r) => r.kind === "ran" && r.emitted === 1),
        `round ${round}`,
      ).toHaveLength(1);
    }
    expect(arm.creations).toEqual([
      expect.objectContaining({ workflow: "promote-approved-model" }),
    ]);
  });

  it("a process that dies between claiming and confirming: the event stays pending in the blob, and after the lease another process emits it again under the same id — one job", async () => {
    const [dying, survivor] = [standIns.runtime(), standIns.runtime()];
    register("churn/3", VALIDATED);
    await watchOnce(survivor);
    setTags("churn/3", { ...tagsOf("churn/3"), ...APPROVAL });

    // Runtime.watch holds its claim for 10 minutes and has no hook: the dying run is watchWorkspace
    // with createWatcher's parts and a 1 s lease.
    const first = await claimDeliverAndDie(dying, 1000);
    expect(jobFor(first, "promote-approved-model").kind).toBe("submitted");
    const pending = (await standIns.storedState())?.pending;
    expect(pending?.events).toEqual([expect.objectContaining({ id: eventIdOf(first) })]);

    const early = await watchOnce(survivor);
    expect(early.runs).toEqual([
      expect.objectContaining({
        kind: "skipped",
        reason: expect.stringMatching(/^another run claimed 1 event\(s\) until/) as string,
      }),
    ]);
    await sleep(Math.max(0, Date.parse(pending?.until ?? "") - Date.now()) + 50);
    const late = await watchOnce(survivor);
    expect(late.runs).toEqual([expect.objectContaining({ kind: "ran", resumed: 1, emitted: 1 })]);
    expect(late.outcomes.map(eventIdOf)).toEqual([eventIdOf(first)]);
    expect(jobFor(late.outcomes[0], "promote-approved-model").kind).toBe("duplicate");
    expect(arm.creations).toHaveLength(1);
    expect((await standIns.storedState())?.pending).toBeNull();
  });

  it("a delivery that fails transiently (every job PUT dropped) stays pending and the next run delivers it at once", async () => {
    const runtime = standIns.runtime({ [SETTING_NAMES.submitBudgetMs]: "800" });
    register("churn/3", VALIDATED);
    await watchOnce(runtime);
    setTags("churn/3", { ...tagsOf("churn/3"), ...APPROVAL });
    arm.chooseFault = (method) => (method === "PUT" ? { drop: "before-create" } : undefined);
    const failed = await watchOnce(runtime);
    expect(failed.runs).toEqual([expect.objectContaining({ emitted: 0, retrying: 1 })]);
    expect((await standIns.storedState())?.pending?.events).toHaveLength(1);

    arm.chooseFault = undefined;
    const retried = await watchOnce(runtime);
    expect(retried.runs).toEqual([expect.objectContaining({ resumed: 1, emitted: 1 })]);
    expect(jobFor(retried.outcomes[0], "promote-approved-model").kind).toBe("submitted");
    expect(arm.creations).toHaveLength(1);
  });

  it("follows the lists' pages: a tag change on the oldest version of the last model listed is seen, and every read is one request", async () => {
    const runtime = standIns.runtime();
    arm.pageSize = 2;
    const names = ["model-a", "model-b", "model-c", "model-d", "model-e"];
    for (const name of names)
      for (const version of ["1", "2", "3"]) register(`${name}/${version}`, { stage: "candidate" });
    await watchOnce(runtime);

    setTags("model-e/1", { stage: "retired" });
    arm.requests.length = 0;
    const paged = await watchOnce(runtime);
    expect(paged.outcomes).toEqual([
      expect.objectContaining({
        kind: "ignored",
        event: expect.objectContaining({ model: "model-e:1" }) as unknown,
      }),
    ]);
    // Names: 3 pages of 2; versions: 2 pages per model; the lineage jobs: 1 page.
    expect(arm.requests).toHaveLength(3 + 2 * names.length + 1);
    expect(paged.runs).toEqual([expect.objectContaining({ reads: arm.requests.length })]);
    expect(
      arm.requests.some(
        (r) => r.path.endsWith("/models/model-e/versions") && r.query.includes("%24skip=2"),
      ),
    ).toBe(true);
  });

  it("a RunCanceled for a job of this project: Canceled reported onto its model, the step after a cancellation started", async () => {
    const runtime = standIns.runtime();
    register("churn/3", { stage: "candidate" });
    const job = "validate-registered-model-0123456789abcdef01234567";
    const lineage = {
      [LINEAGE_TAGS.eventKey]: "a".repeat(64),
      [LINEAGE_TAGS.workflow]: "validate-registered-model",
      [LINEAGE_TAGS.model]: "churn:3",
    };
    arm.jobs.set(job, {
      properties: { status: "Running", experimentName: "model-validation", tags: lineage },
    });
    await watchOnce(runtime);
    expect((await standIns.storedState())?.jobs.open).toEqual({ [job]: "Running" });

    arm.jobs.set(job, { properties: { ...arm.jobs.get(job)?.properties, status: "Canceled" } });
    const canceled = await watchOnce(runtime);
    expect(canceled.outcomes).toEqual([
      expect.objectContaining({
        event: expect.objectContaining({ type: WATCHED_EVENT_TYPES.runCanceled }) as unknown,
        reports: [expect.objectContaining({ kind: "tagged", model: "churn:3" })],
      }),
    ]);
    expect(tagsOf("churn/3")).toEqual({
      stage: "candidate",
      "validate-registered-model.status": "Canceled",
      "validate-registered-model.job": job,
    });
    const after = jobFor(canceled.outcomes[0], "revalidate-canceled-model");
    expect(after.kind).toBe("submitted");
    expect(tagsOf(after.jobName, arm.jobs)).toMatchObject({
      [LINEAGE_TAGS.upstreamJob]: job,
      [LINEAGE_TAGS.model]: "churn:3",
    });

    // The next run sees the report's tags (nothing waits on them) and not the cancellation again.
    const next = await watchOnce(runtime);
    expect(next.outcomes.map((o) => o.kind !== "rejected" && o.event.type)).toEqual([
      WATCHED_EVENT_TYPES.modelTagsChanged,
    ]);
    expect(arm.creations).toHaveLength(1);
  });

  it("a deleted version, then a deleted model: no event, no failure", async () => {
    const runtime = standIns.runtime();
    for (const version of ["1", "2", "3"]) register(`churn/${version}`, { stage: "candidate" });
    await watchOnce(runtime);

    arm.models.delete("churn/2");
    const one = await watchOnce(runtime);
    expect(one.runs).toEqual([
      expect.objectContaining({ kind: "ran", emitted: 0, deletedVersions: 1 }),
    ]);
    expect(one.outcomes).toEqual([]);
    expect(
      Object.keys((await standIns.storedState())?.models.churn?.versions ?? {}).sort(),
    ).toEqual(["1", "3"]);

    arm.models.clear();
    const all = await watchOnce(runtime);
    expect(all.runs).toEqual([expect.objectContaining({ kind: "ran", emitted: 0 })]);
    expect(all.outcomes).toEqual([]);
  });

  it("the timer function logs each workspace's run; a refused read fails the invocation, its error line naming the workspace and the role", async () => {
    const handler = createWatchWorkspaces(standIns.runtime());
    const timer: Timer = {
      isPastDue: false,
      schedule: { adjustForDST: true },
      scheduleStatus: { last: "", next: "", lastUpdated: "" },
    };
    register("churn/3", VALIDATED);
    const first = capturingContext();
    await handler(timer, first.context);
    expect(first.logs).toContainEqual({
      level: "information",
      message: expect.stringMatching(
        /^watch ml-ws: first run, recorded what is there \(\d+ reads\)/,
      ) as string,
    });

    setTags("churn/3", { ...tagsOf("churn/3"), ...APPROVAL });
    const second = capturingContext();
    await handler(timer, second.context);
    const said = second.logs.map((l) => l.message).join("\n");
    expect(said).toMatch(
      /^submitted job promote-approved-model-\S+ — workflow promote-approved-model/m,
    );
    expect(said).toMatch(/^watch ml-ws: 1 event\(s\) emitted, \d+ reads$/m);

    // A missing role refuses every read.
    arm.chooseFault = (method) => (method === "GET" ? { status: 403 } : undefined);
    const refused = capturingContext();
    await expect(handler(timer, refused.context)).rejects.toThrow(
      /^the watcher failed for 1 of 1 workspace\(s\): watch ml-ws: failed: .* answered 403/,
    );
    expect(refused.logs).toContainEqual({
      level: "error",
      message: expect.stringMatching(
        /^watch ml-ws: failed: listing the [a-z ]+ in workspace ml-ws answered 403 \(the identity needs AzureML Data Scientist/,
      ) as string,
    });
  });
});
