import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

import { BlobServiceClient } from "@azure/storage-blob";

import { toolRuntime } from "../../scripts/cli/toolConfig";
import { ArmPacers } from "../../shared/aml/armPacers";
import { lazyDefaultAzureCredential } from "../../shared/aml/lazyCredential";
import { parseWorkspaceId } from "../../shared/aml/workspace";
import {
  HOST_STORAGE_SETTINGS,
  SETTING_NAMES,
  STORAGE_CONTAINERS,
  WATCHED_EVENT_TYPES,
} from "../../shared/constants";
import type { EventOutcome } from "../../shared/core/outcome";
import type { Runtime } from "../../shared/core/runtime";
import { blobServiceFor, blobServiceLocation } from "../../shared/rejections/blobRejectionStore";
import { createArmWorkspaceReader } from "../../shared/watch/armWorkspaceReader";
import { createBlobWatchStateStore } from "../../shared/watch/blobWatchStateStore";
import { watchStateEntryName } from "../../shared/watch/parseWatchState";
import { JOB_PAGES, VERSIONS_PER_ASSET } from "../../shared/watch/watcher";
import type { WatchState } from "../../shared/watch/watchState";
import { watchTargets } from "../../shared/watch/watchTargets";
import { type WatchRun, watchWorkspace } from "../../shared/watch/watchWorkspace";
import { type ArmStandIn, startArmStandIn } from "./armStandIn";
import { TEST_WORKSPACE_ID, useLocalManagedIdentity } from "./azureEnv";
import { startTestAzurite } from "./azurite";
import { type IdentityEndpoint, startIdentityEndpoint } from "./identityEndpoint";
import { EXAMPLE_WORKFLOWS } from "./samples";

/**
 * The example's validation reporting onto the model, a promotion once the version is validated and
 * approved (the same pipeline), and a step that follows a cancelled validation: YAML in a temp folder.
 */
export function approvalChainConfig(): string {
  const dir = mkdtempSync(join(tmpdir(), "watch-chain-"));
  cpSync(dirname(EXAMPLE_WORKFLOWS), dir, { recursive: true });
  const file = join(dir, "workflows.yaml");
  const inputs = `    inputs:
      model: { type: mlflow_model, path: "azureml:{{ model.name }}:{{ model.version }}" }
      model_name: "{{ model.name }}"
`;
  writeFileSync(
    file,
    `${readFileSync(file, "utf8")}    report: model-tags
  - name: promote-approved-model
    on: ModelTagsChanged
    when:
      tags: { approved: true, validate-registered-model.status: Completed }
    pipeline: pipelines/validate-model.yml
    experiment: model-promotion
${inputs}  - name: revalidate-canceled-model
    on: { workflow: validate-registered-model, status: Canceled }
    pipeline: pipelines/validate-model.yml
${inputs}`,
  );
  return file;
}

/** What one watcher run did, and the outcome of every event it emitted. */
export interface Watched {
  runs: WatchRun[];
  outcomes: EventOutcome[];
}

/** One `Runtime.watch`, with the outcomes it reported. */
export async function watchOnce(runtime: Runtime): Promise<Watched> {
  const outcomes: EventOutcome[] = [];
  const runs = await runtime.watch((outcome) => outcomes.push(outcome));
  return { runs, outcomes };
}

/**
 * A watcher run over the test workspace, built from the runtime's settings as createWatcher builds
 * it but with its own lease, whose process dies after delivering the first event it claimed and
 * before confirming it: resolves with that event's outcome, and the run never ends.
 */
export function claimDeliverAndDie(runtime: Runtime, leaseMs: number): Promise<EventOutcome> {
  const { settings } = runtime;
  const storage = settings.rejectionStore;
  const workspace = parseWorkspaceId(TEST_WORKSPACE_ID);
  if (storage.kind === "folder" || !workspace.ok)
    throw new Error("the watch state should be in Blob Storage, for the test workspace");
  const credential = lazyDefaultAzureCredential();
  return new Promise((resolve, reject) => {
    watchWorkspace({
      workspace: workspace.value,
      targets: watchTargets(runtime.config),
      reader: createArmWorkspaceReader({
        credential,
        scope: settings.armScope,
        armEndpoint: settings.armEndpoint,
        pacer: new ArmPacers(settings.armPacing),
      }),
      store: createBlobWatchStateStore(
        () => blobServiceFor(storage, credential),
        blobServiceLocation(storage),
      ),
      limits: { versionsPerAsset: VERSIONS_PER_ASSET, maxReads: 100, jobPages: JOB_PAGES },
      leaseMs,
      deliver: async (event) => {
        resolve(await runtime.process(event));
        return new Promise<never>(() => undefined);
      },
    }).then((run) => {
      reject(new Error(`the run ended without delivering: ${JSON.stringify(run)}`));
    }, reject);
  });
}

/** The ModelTagsChanged outcomes among these. */
export function tagChanges(outcomes: EventOutcome[]): EventOutcome[] {
  return outcomes.filter(
    (o) => o.kind !== "rejected" && o.event.type === WATCHED_EVENT_TYPES.modelTagsChanged,
  );
}

/** An ARM stand-in, a managed-identity endpoint and an Azurite, and runtimes built against them. */
export interface WatcherStandIns {
  arm: ArmStandIn;
  identity: IdentityEndpoint;
  /** The settings one function process reads: the test workspace over the stand-in, its state in Azurite. */
  settings: Record<string, string>;
  /** A runtime built from the settings (with `extra` over them), as one function process builds it. */
  runtime(extra?: Record<string, string>): Runtime;
  /** The test workspace's watch state as the blob holds it; undefined before the first run. */
  storedState(): Promise<WatchState | undefined>;
  /** Empties the stand-in and removes the watch state, so each test starts unwatched. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

/** Starts the stand-ins on free ports, each with its own temp folders, and points DefaultAzureCredential at the identity endpoint. */
export async function startWatcherStandIns(): Promise<WatcherStandIns> {
  const [arm, identity, azurite] = await Promise.all([
    startArmStandIn(),
    startIdentityEndpoint(),
    startTestAzurite(),
  ]);
  const restoreEnv = useLocalManagedIdentity(identity);
  const settings = {
    [SETTING_NAMES.workflowsFile]: approvalChainConfig(),
    [SETTING_NAMES.amlWorkspaceId]: TEST_WORKSPACE_ID,
    [SETTING_NAMES.armEndpoint]: arm.endpoint,
    [HOST_STORAGE_SETTINGS.connectionString]: azurite.connectionString,
    [SETTING_NAMES.dryRunDir]: mkdtempSync(join(tmpdir(), "watch-dry-run-")),
    [SETTING_NAMES.submitBudgetMs]: "5000",
  };
  const container = BlobServiceClient.fromConnectionString(
    azurite.connectionString,
  ).getContainerClient(STORAGE_CONTAINERS.watcherState);
  const stateBlob = container.getBlobClient(watchStateEntryName(TEST_WORKSPACE_ID));
  return {
    arm,
    identity,
    settings,
    runtime: (extra = {}) => toolRuntime({ ...settings, ...extra }),
    async storedState() {
      if (!(await stateBlob.exists())) return undefined;
      return JSON.parse((await stateBlob.downloadToBuffer()).toString("utf8")) as WatchState;
    },
    async reset() {
      arm.requests.length = 0;
      arm.faults.length = 0;
      arm.chooseFault = undefined;
      arm.creations.length = 0;
      arm.jobs.clear();
      arm.models.clear();
      arm.assets.clear();
      arm.pageSize = 1000;
      arm.jobsPageSize = 2;
      // The watcher makes the container on its first write.
      if (await container.exists()) await stateBlob.deleteIfExists();
    },
    async close() {
      restoreEnv();
      await Promise.all([arm.close(), identity.close(), azurite.stop()]);
    },
  };
}
