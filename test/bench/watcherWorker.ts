/**
 * Runs inside a fresh process trusting the stand-in's certificate: one watcher run per message, the
 * way the timer function runs one (a new ARM workspace reader, the process's credential, the folder
 * state store), and answers what it read and how long it took.
 */
import { statSync } from "node:fs";
import { join } from "node:path";
import { performance } from "node:perf_hooks";

import { ArmPacer } from "../../shared/aml/armPacer";
import { lazyDefaultAzureCredential } from "../../shared/aml/lazyCredential";
import { parseWorkspaceId } from "../../shared/aml/workspace";
import { SETTING_DEFAULTS, WATCHED_EVENT_TYPES } from "../../shared/constants";
import { createArmWorkspaceReader } from "../../shared/watch/armWorkspaceReader";
import { createFolderWatchStateStore } from "../../shared/watch/folderWatchStateStore";
import { watchStateEntryName } from "../../shared/watch/parseWatchState";
import { JOB_PAGES, VERSIONS_PER_ASSET, WATCH_LEASE_MS } from "../../shared/watch/watcher";
import { watchTargets } from "../../shared/watch/watchTargets";
import { watchWorkspace } from "../../shared/watch/watchWorkspace";
import { compileGlob } from "../../shared/workflows/glob";
import type { WorkflowsConfig } from "../../shared/workflows/workflow";

/** What the bench asks for: one run over one workspace. */
export interface WatcherRunRequest {
  workspaceId: string;
  armEndpoint: string;
  stateDir: string;
  /** The `when.model` of each `on: ModelTagsChanged` workflow; null: no `when.model` (IPC is JSON). */
  models: (string | null)[];
  /** The reader's pace; undefined: its default (20/s). */
  readsPerSecond?: number;
  maxReads: number;
}

/** What one run did. */
export interface WatcherRunAnswer {
  wallMs: number;
  reads: number;
  emitted: number;
  unread: number;
  baseline: boolean;
  stateBytes: number;
}

// The process's one credential, as in the function: the managed identity the bench points it at.
const credential = lazyDefaultAzureCredential();
const pacer = new ArmPacer({
  writesPerSecond: SETTING_DEFAULTS.armWritesPerSecond,
  burst: SETTING_DEFAULTS.armWriteBurst,
});

async function watchOnce(request: WatcherRunRequest): Promise<WatcherRunAnswer> {
  const workspace = parseWorkspaceId(request.workspaceId);
  if (!workspace.ok) throw new Error(workspace.errors.join("; "));
  // watchTargets reads only `on`, `when.model`, `when.data` and `report` of each workflow.
  const workflows = request.models.map((pattern) => {
    const glob = pattern === null ? undefined : compileGlob(pattern);
    if (glob !== undefined && !glob.ok) throw new Error(glob.errors.join("; "));
    return {
      on: [WATCHED_EVENT_TYPES.modelTagsChanged],
      when: { model: glob?.value, tags: [] },
    };
  });
  const targets = watchTargets({ workflows } as unknown as WorkflowsConfig);
  const store = createFolderWatchStateStore(request.stateDir);
  const started = performance.now();
  const reader = createArmWorkspaceReader({
    credential,
    scope: `${request.armEndpoint}/.default`,
    armEndpoint: request.armEndpoint,
    pacer,
    ...(request.readsPerSecond === undefined ? {} : { readsPerSecond: request.readsPerSecond }),
  });
  const run = await watchWorkspace({
    workspace: workspace.value,
    targets,
    reader,
    store,
    limits: {
      versionsPerAsset: VERSIONS_PER_ASSET,
      maxReads: request.maxReads,
      jobPages: JOB_PAGES,
    },
    leaseMs: WATCH_LEASE_MS,
    deliver: () => Promise.resolve({ kind: "done" }),
  });
  const wallMs = performance.now() - started;
  if (run.kind !== "ran") throw new Error(`the watcher did not run: ${run.reason}`);
  return {
    wallMs,
    reads: run.reads,
    emitted: run.emitted,
    unread: run.unread,
    baseline: run.baseline,
    stateBytes: statSync(join(request.stateDir, watchStateEntryName(request.workspaceId))).size,
  };
}

const send = (message: unknown) => {
  if (process.send === undefined) throw new Error("run this worker with an IPC channel");
  process.send(message);
};

process.on("message", (request: WatcherRunRequest) => {
  watchOnce(request).then(
    (answer) => {
      send({ answer });
    },
    (error: unknown) => {
      send({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    },
  );
});
send({ ready: true });
