import { createArmJobSubmitter } from "../aml/armJobSubmitter";
import { createDryRunSubmitter } from "../aml/dryRunSubmitter";
import type { JobSubmitter } from "../aml/jobSubmitter";
import { lazyDefaultAzureCredential } from "../aml/lazyCredential";
import type { EventOutcome } from "../outcome";
import {
  blobServiceFor,
  blobServiceLocation,
  createBlobRejectionStore,
} from "../rejections/blobRejectionStore";
import { createFolderRejectionStore } from "../rejections/folderRejectionStore";
import type { RejectionStore } from "../rejections/rejectionStore";
import { loadSettings, type Settings } from "../settings";
import { loadWorkflowsOrThrow } from "../workflows/loadWorkflows";
import type { WorkflowsConfig } from "../workflows/workflow";
import type { PlanContext } from "./planEvent";
import { processEvent } from "./processEvent";

/** Everything one process needs to handle events, built once at start-up. */
export interface Runtime {
  settings: Settings;
  config: WorkflowsConfig;
  submitter: JobSubmitter;
  rejections: RejectionStore;
  process(raw: unknown): Promise<EventOutcome>;
}

/** Invalid settings, reported with every problem at once. */
export class SettingsError extends Error {
  override readonly name = "SettingsError";
}

/** Reads settings, loads and validates the workflows, and makes one ARM pipeline and credential (or the dry-run writer). */
export function createRuntime(env: Record<string, string | undefined> = process.env): Runtime {
  const loaded = loadSettings(env);
  if (!loaded.ok)
    throw new SettingsError(`Invalid settings:\n${loaded.errors.map((e) => `  ${e}`).join("\n")}`);
  const settings = loaded.value;
  const config = loadWorkflowsOrThrow(settings.workflowsFile);
  // One credential for the process: ARM and Blob Storage share its token cache.
  const credential = lazyDefaultAzureCredential();
  const submitter = settings.workspace
    ? createArmJobSubmitter({
        credential,
        scope: settings.armScope,
        budgetMs: settings.submitBudgetMs,
      })
    : createDryRunSubmitter(settings.dryRunDir);
  const store = settings.rejectionStore;
  const rejections =
    store.kind === "folder"
      ? createFolderRejectionStore(store.dir)
      : createBlobRejectionStore(
          () => blobServiceFor(store, credential),
          blobServiceLocation(store),
        );
  const context: PlanContext = {
    config,
    workspace: settings.effectiveWorkspace,
    armEndpoint: settings.armEndpoint,
  };
  return {
    settings,
    config,
    submitter,
    rejections,
    process: (raw) => processEvent(raw, context, submitter, rejections),
  };
}
