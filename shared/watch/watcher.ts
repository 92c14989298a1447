import type { TokenCredential } from "@azure/core-auth";

import type { ArmPacing } from "../aml/armPacers";
import type { Workspace } from "../aml/workspace";
import type { EventOutcome } from "../core/outcome";
import { errorMessage, TransientError } from "../errors";
import { blobServiceFor, blobServiceLocation } from "../rejections/blobRejectionStore";
import type { Settings } from "../settings";
import type { WorkflowsConfig } from "../workflows/workflow";
import { createArmWorkspaceReader } from "./armWorkspaceReader";
import { createBlobWatchStateStore } from "./blobWatchStateStore";
import { createDryRunWorkspaceReader } from "./dryRunWorkspaceReader";
import { createFolderWatchStateStore } from "./folderWatchStateStore";
import type { WatchStateStore } from "./watchState";
import { watchesAnything, watchTargets } from "./watchTargets";
import { type WatchRun, watchWorkspace } from "./watchWorkspace";

/** Newest versions read per model or data asset each run: tag edits on older versions go unseen. */
export const VERSIONS_PER_ASSET = 20;
/** Pages of the lineage jobs list read each run; jobs seen running and beyond them are read one by one. */
export const JOB_PAGES = 3;
/** A run's claim on its events: longer than a run takes, so a live run is never doubled. */
export const WATCH_LEASE_MS = 10 * 60_000;

/** Runs the watcher over every served workspace: what the timer function calls. */
export interface Watcher {
  readonly location: string;
  run(onOutcome: (outcome: EventOutcome) => void): Promise<WatchRun[]>;
}

/** The watcher for these settings: ARM or the dry-run folder, its state in the host's storage or a folder. */
export function createWatcher(options: {
  settings: Settings;
  credential: TokenCredential;
  pacer: ArmPacing;
  config: () => WorkflowsConfig;
  process: (raw: unknown) => Promise<EventOutcome>;
}): Watcher {
  const { settings, credential } = options;
  const { target } = settings;
  const storage = settings.rejectionStore;
  const store: WatchStateStore =
    storage.kind === "folder"
      ? createFolderWatchStateStore(settings.watch.stateDir)
      : createBlobWatchStateStore(
          () => blobServiceFor(storage, credential),
          blobServiceLocation(storage),
        );
  const workspaces: Workspace[] =
    target.kind === "azure" ? [target.workspace, ...target.others] : [target.workspace];
  return {
    location: store.location,
    async run(onOutcome) {
      const targets = watchTargets(options.config());
      if (!watchesAnything(targets)) return [];
      // One reader per run: its read count is the run's, bounded by WATCH_MAX_READS.
      const reader =
        target.kind === "azure"
          ? createArmWorkspaceReader({
              credential,
              scope: settings.armScope,
              armEndpoint: settings.armEndpoint,
              pacer: options.pacer,
            })
          : createDryRunWorkspaceReader(target.dir);
      const runs: WatchRun[] = [];
      for (const workspace of workspaces) {
        try {
          runs.push(
            await watchWorkspace({
              workspace,
              targets,
              reader,
              store,
              limits: {
                versionsPerAsset: VERSIONS_PER_ASSET,
                // Each workspace its share, so one with many models never starves the next.
                maxReads: Math.max(1, Math.floor(settings.watch.maxReads / workspaces.length)),
                jobPages: JOB_PAGES,
              },
              leaseMs: WATCH_LEASE_MS,
              deliver: async (event) => {
                try {
                  onOutcome(await options.process(event));
                  return { kind: "done" };
                } catch (error) {
                  if (error instanceof TransientError)
                    return { kind: "retry", reason: errorMessage(error) };
                  throw error;
                }
              },
            }),
          );
        } catch (error) {
          // One workspace's failure (a refusal, storage down) does not keep the others unwatched.
          runs.push({ kind: "failed", workspace: workspace.id, reason: errorMessage(error) });
        }
      }
      return runs;
    },
  };
}
