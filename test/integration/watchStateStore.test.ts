import { mkdtempSync } from "node:fs";
import { mkdir, rm, stat, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { BlobServiceClient } from "@azure/storage-blob";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { STORAGE_CONTAINERS } from "../../shared/constants";
import { createBlobWatchStateStore } from "../../shared/watch/blobWatchStateStore";
import { createFolderWatchStateStore } from "../../shared/watch/folderWatchStateStore";
import { parseWatchState, watchStateEntryName } from "../../shared/watch/parseWatchState";
import {
  type WatchState,
  WatchStateConflict,
  type WatchStateStore,
} from "../../shared/watch/watchState";
import { startTestAzurite } from "../support/azurite";

let workspaces = 0;
/** A workspace id of its own per test, so tests sharing one store do not see each other's states. */
const newWorkspace = () =>
  `/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/Example-RG/providers/Microsoft.MachineLearningServices/workspaces/ws-${++workspaces}`;

const stateOf = (workspace: string, observedAt: string): WatchState => ({
  version: 1,
  workspace,
  baselineAt: "2026-01-01T00:00:00.000Z",
  observedAt,
  targets: "targets-hash",
  complete: false,
  cursor: { models: "churn" },
  models: {
    churn: {
      newest: "2026-01-01T00:00:00.000Z",
      versions: { "3": { createdAt: "2026-01-01T00:00:00.000Z", tags: { approved: "true" } } },
    },
  },
  data: {
    sales: { newest: "2026-01-02T00:00:00.000Z", versions: { "1": "2026-01-02T00:00:00.000Z" } },
  },
  jobs: { open: { "job-1": "Running" }, newest: "2026-01-03T00:00:00.000Z" },
  pending: { until: "2026-01-03T00:05:00.000Z", events: [{ id: "e1" }] },
});

/** What the contract tests need of a store's backend. */
interface Backend {
  store: () => WatchStateStore;
  /** Puts `text` where the state of `workspace` is kept. */
  plant: (workspace: string, text: string) => Promise<void>;
  /** Removes the state of `workspace`. */
  remove: (workspace: string) => Promise<void>;
}

function contractTests(backend: () => Backend) {
  it("a first write (no ETag) succeeds once; a second first write conflicts", async () => {
    const { store } = backend();
    const workspace = newWorkspace();
    const etag = await store().write(workspace, stateOf(workspace, "t1"), undefined);
    expect(etag).toEqual(expect.any(String));
    await expect(store().write(workspace, stateOf(workspace, "t2"), undefined)).rejects.toThrow(
      WatchStateConflict,
    );
    expect((await store().read(workspace))?.state.observedAt).toBe("t1");
  });

  it("read returns what was written with the ETag the write returned, whatever the id's case", async () => {
    const { store } = backend();
    const workspace = newWorkspace();
    const state = stateOf(workspace, "t1");
    const etag = await store().write(workspace, state, undefined);
    expect(await store().read(workspace)).toEqual({ state, etag });
    expect(await store().read(workspace.toLowerCase())).toEqual({ state, etag });
  });

  it("a write with the ETag read succeeds and moves the ETag; one with a stale ETag conflicts", async () => {
    const { store } = backend();
    const workspace = newWorkspace();
    const first = await store().write(workspace, stateOf(workspace, "t1"), undefined);
    const second = await store().write(workspace, stateOf(workspace, "t2"), first);
    expect(second).not.toBe(first);
    await expect(store().write(workspace, stateOf(workspace, "t3"), first)).rejects.toThrow(
      WatchStateConflict,
    );
    expect(await store().read(workspace)).toEqual({
      state: stateOf(workspace, "t2"),
      etag: second,
    });
  });

  it("a write with an ETag conflicts when the state was removed since it was read", async () => {
    const { store, remove } = backend();
    const workspace = newWorkspace();
    const etag = await store().write(workspace, stateOf(workspace, "t1"), undefined);
    await remove(workspace);
    await expect(store().write(workspace, stateOf(workspace, "t2"), etag)).rejects.toThrow(
      WatchStateConflict,
    );
  });

  it("of 10 runs writing from the same ETag at once, exactly one wins", async () => {
    const { store } = backend();
    const workspace = newWorkspace();
    const etag = await store().write(workspace, stateOf(workspace, "t0"), undefined);
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) =>
        store().write(workspace, stateOf(workspace, `run-${i}`), etag),
      ),
    );
    const won = results.flatMap((r, i) => (r.status === "fulfilled" ? [{ i, etag: r.value }] : []));
    expect(won).toHaveLength(1);
    for (const r of results)
      if (r.status === "rejected") expect(r.reason).toBeInstanceOf(WatchStateConflict);
    expect(await store().read(workspace)).toEqual({
      state: stateOf(workspace, `run-${won[0]!.i}`),
      etag: won[0]!.etag,
    });
  });

  it("of 10 runs making the first state at once, exactly one wins", async () => {
    const { store } = backend();
    const workspace = newWorkspace();
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) =>
        store().write(workspace, stateOf(workspace, `run-${i}`), undefined),
      ),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    for (const r of results)
      if (r.status === "rejected") expect(r.reason).toBeInstanceOf(WatchStateConflict);
  });

  it.each([
    ["text that is not JSON", "{ not json", /not JSON/],
    ["a state of another version", JSON.stringify({ version: 2 }), /version 2, not 1/],
    [
      "a state with a field of the wrong kind",
      JSON.stringify({ ...stateOf("w", "t"), models: [] }),
      /models is not an object/,
    ],
  ])("read throws naming the entry when it holds %s", async (_, text, problem) => {
    const { store, plant } = backend();
    const workspace = newWorkspace();
    await plant(workspace, text);
    const failure = store().read(workspace);
    await expect(failure).rejects.toThrow(problem);
    await expect(failure).rejects.toThrow(watchStateEntryName(workspace));
    await expect(failure).rejects.toThrow(workspace);
  });

  it("read is undefined for a workspace never written", async () => {
    expect(await backend().store().read(newWorkspace())).toBeUndefined();
  });
}

describe("parseWatchState", () => {
  it("accepts a state with no pending events and empty maps", () => {
    const state = { ...stateOf("w", "t"), cursor: {}, models: {}, data: {}, pending: null };
    expect(parseWatchState(JSON.stringify(state), "here")).toEqual(state);
  });
  it.each([
    [null, /here: not a version-1 watch state: not a JSON object/],
    [{ ...stateOf("w", "t"), version: undefined }, /no version/],
    [{ ...stateOf("w", "t"), targets: 1 }, /targets is not a string/],
    [{ ...stateOf("w", "t"), complete: "yes" }, /complete is not/],
    [{ ...stateOf("w", "t"), cursor: { models: 1 } }, /cursor is not/],
    [{ ...stateOf("w", "t"), models: { churn: { newest: "x" } } }, /models\.churn is not/],
    [{ ...stateOf("w", "t"), jobs: { open: {} } }, /jobs is not/],
    [{ ...stateOf("w", "t"), pending: { until: "x" } }, /pending is neither/],
  ])("rejects %j", (value, problem) => {
    expect(() => parseWatchState(JSON.stringify(value), "here")).toThrow(problem);
  });
});

describe("the blob watch state store (Azurite)", () => {
  let azurite: Awaited<ReturnType<typeof startTestAzurite>>;
  const service = () => BlobServiceClient.fromConnectionString(azurite.connectionString);
  const blob = (workspace: string) =>
    service()
      .getContainerClient(STORAGE_CONTAINERS.watcherState)
      .getBlockBlobClient(watchStateEntryName(workspace));
  beforeAll(async () => {
    azurite = await startTestAzurite();
  }, 30_000);
  afterAll(() => azurite.stop());

  it("before any write there is no container: read is undefined and the first write makes it", async () => {
    const container = service().getContainerClient(STORAGE_CONTAINERS.watcherState);
    await container.deleteIfExists();
    const store = createBlobWatchStateStore(service, "azurite/");
    expect(store.location).toBe(`azurite/${STORAGE_CONTAINERS.watcherState}`);
    const workspace = newWorkspace();
    expect(await store.read(workspace)).toBeUndefined();
    const etag = await store.write(workspace, stateOf(workspace, "t1"), undefined);
    expect(await container.exists()).toBe(true);
    expect((await store.read(workspace))?.etag).toBe(etag);
    // A second store (another process) finds the container there and writes its own workspace.
    const other = newWorkspace();
    await createBlobWatchStateStore(service, "azurite/").write(
      other,
      stateOf(other, "t1"),
      undefined,
    );
  });

  it("keeps one JSON blob per workspace, named by the hash of the lower-cased id", async () => {
    const store = createBlobWatchStateStore(service, "azurite/");
    const workspace = newWorkspace();
    await store.write(workspace, stateOf(workspace, "t1"), undefined);
    expect(watchStateEntryName(workspace)).toMatch(/^[0-9a-f]{64}\.json$/);
    const properties = await blob(workspace.toUpperCase()).getProperties();
    expect(properties.contentType).toBe("application/json");
  });

  contractTests(() => ({
    store: () => createBlobWatchStateStore(service, "azurite/"),
    plant: async (workspace, text) => {
      await service().getContainerClient(STORAGE_CONTAINERS.watcherState).createIfNotExists();
      await blob(workspace).upload(text, Buffer.byteLength(text));
    },
    remove: async (workspace) => {
      await blob(workspace).delete();
    },
  }));
});

describe("the folder watch state store", () => {
  const root = mkdtempSync(join(tmpdir(), "watch-state-"));
  const dir = join(root, "watcher-state");
  const fileOf = (workspace: string) => join(dir, watchStateEntryName(workspace));
  afterAll(() => rm(root, { recursive: true, force: true }));

  it("read is undefined when the folder does not exist; the first write makes it", async () => {
    const store = createFolderWatchStateStore(join(root, "not-yet"));
    const workspace = newWorkspace();
    expect(await store.read(workspace)).toBeUndefined();
    await store.write(workspace, stateOf(workspace, "t1"), undefined);
    expect((await stat(join(root, "not-yet", watchStateEntryName(workspace)))).isFile()).toBe(true);
  });

  it("takes over a lock left more than 30 s ago by a process that died", async () => {
    const store = createFolderWatchStateStore(dir);
    const workspace = newWorkspace();
    await mkdir(dir, { recursive: true });
    await writeFile(`${fileOf(workspace)}.lock`, "dead");
    const longAgo = new Date(Date.now() - 60_000);
    await utimes(`${fileOf(workspace)}.lock`, longAgo, longAgo);
    await store.write(workspace, stateOf(workspace, "t1"), undefined);
    await expect(stat(`${fileOf(workspace)}.lock`)).rejects.toThrow(/ENOENT/);
  });

  it("waits for a fresh lock to go before writing", async () => {
    const store = createFolderWatchStateStore(dir);
    const workspace = newWorkspace();
    await mkdir(dir, { recursive: true });
    await writeFile(`${fileOf(workspace)}.lock`, "alive");
    let done = false;
    const writing = store.write(workspace, stateOf(workspace, "t1"), undefined).finally(() => {
      done = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(done).toBe(false);
    await rm(`${fileOf(workspace)}.lock`);
    await writing;
    expect((await store.read(workspace))?.state.observedAt).toBe("t1");
  });

  contractTests(() => ({
    store: () => createFolderWatchStateStore(dir),
    plant: async (workspace, text) => {
      await mkdir(dir, { recursive: true });
      await writeFile(fileOf(workspace), text);
    },
    remove: (workspace) => rm(fileOf(workspace)),
  }));
});
