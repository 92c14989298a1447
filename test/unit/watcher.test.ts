import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { beforeEach, describe, expect, it } from "vitest";

import { parseWorkspaceId } from "../../shared/aml/workspace";
import { WATCHED_EVENT_TYPES } from "../../shared/constants";
import { normalizeEvent } from "../../shared/events/normalizeEvent";
import { createFolderWatchStateStore } from "../../shared/watch/folderWatchStateStore";
import type { WatchStateStore } from "../../shared/watch/watchState";
import { type WatchTargets, watchTargets } from "../../shared/watch/watchTargets";
import { type Delivery, type WatchRun, watchWorkspace } from "../../shared/watch/watchWorkspace";
import { compileGlob } from "../../shared/workflows/glob";
import type { WorkflowsConfig } from "../../shared/workflows/workflow";
import { TEST_WORKSPACE_ID } from "../support/azureEnv";
import { type FakeWorkspace, fakeWorkspace } from "../support/fakeWorkspace";

const parsed = parseWorkspaceId(TEST_WORKSPACE_ID);
if (!parsed.ok) throw new Error("test workspace id");
const workspace = parsed.value;

function glob(pattern: string) {
  const compiled = compileGlob(pattern);
  if (!compiled.ok) throw new Error(pattern);
  return compiled.value;
}

/** Targets for workflows on these types, with these model globs (undefined: every model). */
function targets(
  models: (string | undefined)[],
  options: { jobs?: boolean; data?: (string | undefined)[] } = {},
): WatchTargets {
  const workflows = [
    ...models.map((m) => ({
      on: [WATCHED_EVENT_TYPES.modelTagsChanged],
      when: { model: m === undefined ? undefined : glob(m), tags: [] },
    })),
    ...(options.data ?? []).map((d) => ({
      on: [WATCHED_EVENT_TYPES.dataVersionCreated],
      when: { data: d === undefined ? undefined : glob(d), tags: [] },
    })),
    ...(options.jobs ? [{ on: [WATCHED_EVENT_TYPES.runCanceled], when: { tags: [] } }] : []),
  ];
  return watchTargets({ workflows } as unknown as WorkflowsConfig);
}

interface Delivered {
  id: string;
  type: string;
  model?: string;
  tags?: Record<string, string>;
  previous?: unknown;
  run?: string;
}

function delivered(event: unknown): Delivered {
  const normalized = normalizeEvent(event);
  if (!normalized.ok) throw new Error(normalized.errors.join("; "));
  const e = normalized.value;
  const data = e.data as { previousModelTags?: unknown };
  return {
    id: e.id,
    type: e.type,
    ...(e.model ? { model: `${e.model.name}:${e.model.version}`, tags: e.model.tags } : {}),
    ...(e.type === WATCHED_EVENT_TYPES.modelTagsChanged
      ? { previous: data.previousModelTags }
      : {}),
    ...(e.run ? { run: `${e.run.id} ${e.run.status}` } : {}),
  };
}

describe("the watcher — changes the workspace does not announce, emitted once", () => {
  let ws: FakeWorkspace;
  let store: WatchStateStore;
  let events: Delivered[];
  let now: number;

  const run = (
    options: {
      targets?: WatchTargets;
      maxReads?: number;
      deliver?: (event: unknown) => Promise<Delivery>;
      leaseMs?: number;
    } = {},
  ): Promise<WatchRun> =>
    watchWorkspace({
      workspace,
      targets: options.targets ?? targets([undefined]),
      reader: ws,
      store,
      limits: { versionsPerAsset: 5, maxReads: options.maxReads ?? 100, jobPages: 2 },
      leaseMs: options.leaseMs ?? 60_000,
      now: () => new Date(now),
      deliver:
        options.deliver ??
        ((event) => {
          events.push(delivered(event));
          return Promise.resolve({ kind: "done" });
        }),
    });

  beforeEach(() => {
    ws = fakeWorkspace();
    store = createFolderWatchStateStore(mkdtempSync(join(tmpdir(), "watch-state-")));
    events = [];
    now = Date.parse("2026-12-06T12:00:00Z");
  });

  it("records the workspace on its first run and emits nothing, then emits a tag change with the old and new tags", async () => {
    ws.addModel("churn", "3", { stage: "candidate" });
    expect(await run()).toMatchObject({ kind: "ran", baseline: true, emitted: 0 });
    expect(events).toEqual([]);

    ws.setTags("churn", "3", { stage: "candidate", approved: "true" });
    expect(await run()).toMatchObject({ kind: "ran", baseline: false, emitted: 1 });
    expect(events).toEqual([
      {
        id: expect.stringMatching(/^watch-[0-9a-f]{40}$/) as string,
        type: WATCHED_EVENT_TYPES.modelTagsChanged,
        model: "churn:3",
        tags: { stage: "candidate", approved: "true" },
        previous: { stage: "candidate" },
      },
    ]);
    // Nothing changed since: nothing more.
    await run();
    expect(events).toHaveLength(1);
  });

  it("a tag changed twice between runs is one event, with the latest tags", async () => {
    ws.addModel("churn", "3", { stage: "candidate" });
    await run();
    ws.setTags("churn", "3", { stage: "candidate", approved: "false" });
    ws.setTags("churn", "3", { stage: "candidate", approved: "true" });
    await run();
    expect(events.map((e) => e.tags)).toEqual([{ stage: "candidate", approved: "true" }]);
  });

  it("tags set back to what they were are a new state; the same state seen again has the same id", async () => {
    ws.addModel("churn", "3", { a: "1" });
    await run();
    ws.setTags("churn", "3", { a: "2" });
    await run();
    ws.setTags("churn", "3", { a: "1" });
    await run();
    ws.setTags("churn", "3", { a: "2" });
    await run();
    expect(events.map((e) => e.tags)).toEqual([{ a: "2" }, { a: "1" }, { a: "2" }]);
    expect(events[2]?.id).toBe(events[0]?.id);
  });

  it("a version registered after the last run is announced with its tags (previous: null); untagged ones are not", async () => {
    ws.addModel("churn", "3", { stage: "candidate" });
    await run();
    ws.addModel("churn", "4", { stage: "candidate" });
    ws.addModel("churn", "5");
    await run();
    expect(events).toEqual([
      expect.objectContaining({ model: "churn:4", previous: null, tags: { stage: "candidate" } }),
    ]);
  });

  it("a model new to the watcher after its first run is announced; after an edit of what is watched, it is only recorded", async () => {
    const before = targets(["churn*", "fraud*"]);
    ws.addModel("churn", "3", { a: "1" });
    await run({ targets: before });
    ws.addModel("fraud", "1", { a: "1" });
    await run({ targets: before });
    expect(events.map((e) => e.model)).toEqual(["fraud:1"]);

    ws.addModel("credit", "1", { a: "1" });
    // The config now also names credit*: names it had not watched are recorded, not announced.
    const after = targets(["churn*", "fraud*", "credit*"]);
    await run({ targets: after });
    expect(events.map((e) => e.model)).toEqual(["fraud:1"]);
    ws.setTags("credit", "1", { a: "2" });
    await run({ targets: after });
    expect(events.map((e) => e.model)).toEqual(["fraud:1", "credit:1"]);
  });

  it("reads only the models the workflows name: literal names without listing the workspace", async () => {
    ws.addModel("churn", "3", { a: "1" });
    ws.addModel("fraud", "1", { a: "1" });
    const before = ws.reads;
    const literal = await run({ targets: targets(["churn"]) });
    expect(literal).toMatchObject({ reads: 1 });
    expect(ws.reads - before).toBe(1);
    ws.setTags("fraud", "1", { a: "2" });
    ws.setTags("churn", "3", { a: "2" });
    await run({ targets: targets(["churn"]) });
    expect(events.map((e) => e.model)).toEqual(["churn:3"]);
    // A glob lists the names first, then reads the ones it matches.
    const globbed = await run({ targets: targets(["ch*"]) });
    expect(globbed).toMatchObject({ reads: 2 });
  });

  it("a deleted version is dropped from the state and counted; nothing is emitted for it", async () => {
    ws.addModel("churn", "3", { a: "1" });
    ws.addModel("churn", "4", { a: "1" });
    await run();
    ws.models.set(
      "churn",
      (ws.models.get("churn") ?? []).filter((v) => v.version !== "3"),
    );
    expect(await run()).toMatchObject({ kind: "ran", emitted: 0, deletedVersions: 1 });
    expect(events).toEqual([]);
    expect(
      Object.keys((await store.read(workspace.id))?.state.models.churn?.versions ?? {}),
    ).toEqual(["4"]);
  });

  it("stops at WATCH_MAX_READS and carries on from there in the next run, so every model is read in turn", async () => {
    for (const name of ["a", "b", "c", "d", "e"]) ws.addModel(name, "1", { t: "0" });
    await run({ maxReads: 100 });
    for (const name of ["a", "b", "c", "d", "e"]) ws.setTags(name, "1", { t: "1" });
    // Each run: one read for the names, then two models.
    const first = await run({ maxReads: 3 });
    expect(first).toMatchObject({ unread: 3 });
    await run({ maxReads: 3 });
    await run({ maxReads: 3 });
    expect(events.map((e) => e.model).sort()).toEqual(["a:1", "b:1", "c:1", "d:1", "e:1"]);
  });

  it("models that fill WATCH_MAX_READS do not starve data assets and cancelled jobs: jobs first, data at most half", async () => {
    const all = watchTargets({
      workflows: [
        { on: [WATCHED_EVENT_TYPES.modelTagsChanged], when: { tags: [] } },
        { on: [WATCHED_EVENT_TYPES.dataVersionCreated], when: { data: glob("sales"), tags: [] } },
        { on: [WATCHED_EVENT_TYPES.runCanceled], when: { tags: [] } },
      ],
    } as unknown as WorkflowsConfig);
    for (const name of ["a", "b", "c", "d", "e", "f"]) ws.addModel(name, "1", { t: "0" });
    ws.data.set("sales", [
      { name: "sales", version: "1", createdAt: "2026-12-06T10:00:00Z", tags: {} },
    ]);
    ws.jobs.set("j1", {
      name: "j1",
      status: "Running",
      experiment: "e",
      tags: {},
      createdAt: "2026-12-06T10:00:00Z",
    });
    await run({ targets: all, maxReads: 100 });
    ws.data
      .get("sales")
      ?.push({ name: "sales", version: "2", createdAt: "2026-12-06T12:00:00Z", tags: {} });
    ws.jobs.set("j1", {
      name: "j1",
      status: "Canceled",
      experiment: "e",
      tags: {},
      createdAt: "2026-12-06T10:00:00Z",
    });
    // 5 reads: the jobs list, the data asset, then the model listing and two models.
    const bounded = await run({ targets: all, maxReads: 5 });
    expect(bounded).toMatchObject({ kind: "ran", reads: 5, unread: 4 });
    expect(events.map((e) => e.type).sort()).toEqual([
      WATCHED_EVENT_TYPES.dataVersionCreated,
      WATCHED_EVENT_TYPES.runCanceled,
    ]);
  });

  it("two concurrent runs emit each change once: the one that claims first emits, the other nothing", async () => {
    ws.addModel("churn", "3", { a: "1" });
    await run();
    ws.setTags("churn", "3", { a: "2" });
    const runs = await Promise.all([run(), run(), run()]);
    expect(runs.filter((r) => r.kind === "ran")).toHaveLength(1);
    expect(runs.filter((r) => r.kind === "skipped")).toHaveLength(2);
    expect(events).toHaveLength(1);
  });

  it("a crash between claiming and confirming: the next run waits for the lease, then emits the same events again (same ids)", async () => {
    ws.addModel("churn", "3", { a: "1" });
    await run();
    ws.setTags("churn", "3", { a: "2" });
    const crashed = run({
      deliver: () => Promise.reject(new Error("process killed")),
    });
    // A thrown delivery is a failure of the run, not of the event: simulate the kill by throwing out of deliver
    // after the claim and leaving the pending events behind.
    const result = await crashed;
    expect(result).toMatchObject({ kind: "ran", retrying: 1 });
    // The failed delivery is due at once: the next run re-emits it, same id.
    await run();
    expect(events).toHaveLength(1);

    // Now a real crash: the claim is written, the process dies before delivering anything.
    ws.setTags("churn", "3", { a: "3" });
    const dying = run({
      deliver: () => new Promise<Delivery>(() => undefined),
      leaseMs: 60_000,
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    void dying;
    const claimedBy = (await store.read(workspace.id))?.state.pending;
    expect(claimedBy?.events).toHaveLength(1);
    // Within the lease another run leaves it to the first.
    expect(await run()).toMatchObject({ kind: "skipped" });
    expect(events).toHaveLength(1);
    now += 61_000;
    const resumed = await run();
    expect(resumed).toMatchObject({ kind: "ran", resumed: 1, emitted: 1 });
    expect(events.map((e) => e.tags)).toEqual([{ a: "2" }, { a: "3" }]);
    expect((await store.read(workspace.id))?.state.pending).toBeNull();
  });

  it("an event whose delivery fails transiently stays pending and is delivered by the next run", async () => {
    ws.addModel("churn", "3", { a: "1" });
    await run();
    ws.setTags("churn", "3", { a: "2" });
    expect(
      await run({ deliver: () => Promise.resolve({ kind: "retry", reason: "ARM is busy" }) }),
    ).toMatchObject({ emitted: 0, retrying: 1 });
    expect(await run()).toMatchObject({ emitted: 1, resumed: 1, retrying: 0 });
    expect(events).toHaveLength(1);
  });

  it("RunCanceled for a job of this project seen running before, or started and cancelled between two runs", async () => {
    const jobTargets = targets([], { jobs: true });
    const job = (name: string, status: string, createdAt: string) => ({
      name,
      status,
      experiment: "model-validation",
      tags: { "trigger.workflow": "validate-registered-model", "trigger.model": "churn:3" },
      createdAt,
    });
    ws.jobs.set("j1", job("j1", "Running", "2026-12-06T11:00:00Z"));
    ws.jobs.set("j0", job("j0", "Canceled", "2026-12-06T10:00:00Z"));
    await run({ targets: jobTargets });
    ws.jobs.set("j1", job("j1", "Canceled", "2026-12-06T11:00:00Z"));
    ws.jobs.set("j2", job("j2", "Canceled", "2026-12-06T11:30:00Z"));
    ws.jobs.set("j3", job("j3", "Completed", "2026-12-06T11:31:00Z"));
    await run({ targets: jobTargets });
    expect(events.map((e) => e.run).sort()).toEqual(["j1 Canceled", "j2 Canceled"]);
    expect(events[0]?.model).toBe("churn:3");
    await run({ targets: jobTargets });
    expect(events).toHaveLength(2);
  });

  it("a job seen running that the listing no longer reaches is read by name", async () => {
    const jobTargets = targets([], { jobs: true });
    ws.jobs.set("j1", {
      name: "j1",
      status: "Running",
      experiment: "e",
      tags: {},
      createdAt: "2026-12-06T11:00:00Z",
    });
    await run({ targets: jobTargets });
    const all = ws.lineageJobs.bind(ws);
    ws.lineageJobs = async (w, pages) => (await all(w, pages)).filter((j) => j.name !== "j1");
    ws.jobs.set("j1", {
      ...(ws.jobs.get("j1") ?? { name: "j1", experiment: "e", tags: {} }),
      status: "Canceled",
    });
    await run({ targets: jobTargets });
    expect(events.map((e) => e.run)).toEqual(["j1 Canceled"]);
  });

  it("DataVersionCreated for a version registered after the last run, with its URI", async () => {
    const dataTargets = targets([], { data: ["churn-*"] });
    ws.data.set("churn-data", [
      {
        name: "churn-data",
        version: "1",
        createdAt: "2026-12-06T10:00:00Z",
        tags: {},
        uri: "azureml://datastores/x/paths/1/",
        type: "uri_folder",
      },
    ]);
    ws.data.set("other", [
      { name: "other", version: "1", createdAt: "2026-12-06T10:00:00Z", tags: {} },
    ]);
    await run({ targets: dataTargets });
    ws.data.get("churn-data")?.push({
      name: "churn-data",
      version: "2",
      createdAt: "2026-12-06T12:00:00Z",
      tags: {},
      uri: "azureml://datastores/x/paths/2/",
      type: "uri_folder",
    });
    ws.data
      .get("other")
      ?.push({ name: "other", version: "2", createdAt: "2026-12-06T12:00:00Z", tags: {} });
    await run({ targets: dataTargets });
    expect(events).toEqual([
      {
        id: expect.stringMatching(/^watch-/) as string,
        type: WATCHED_EVENT_TYPES.dataVersionCreated,
      },
    ]);
  });
});
