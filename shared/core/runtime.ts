import { createArmJobSubmitter } from "../aml/armJobSubmitter";
import { createArmModelTagger } from "../aml/armModelTagger";
import { ArmPacers } from "../aml/armPacers";
import { registerDryRunModel } from "../aml/dryRunModels";
import { createDryRunModelTagger } from "../aml/dryRunModelTagger";
import { createDryRunSubmitter } from "../aml/dryRunSubmitter";
import type { JobSubmitter } from "../aml/jobSubmitter";
import { lazyDefaultAzureCredential } from "../aml/lazyCredential";
import type { ModelTagger } from "../aml/modelTagger";
import { parseWorkspaceId } from "../aml/workspace";
import { createEventArchive } from "../archive/archiveFor";
import type { EventArchive } from "../archive/eventArchive";
import { type Coalescing, createCoalescerFor } from "../coalesce/coalescerFor";
import type { WindowOutcome } from "../coalesce/windowOutcome";
import {
  AML_EVENT_TYPES,
  PLACEHOLDER_IOT_HUB_ID,
  PLACEHOLDER_STORAGE_ACCOUNT_ID,
} from "../constants";
import { errorMessage, TransientError } from "../errors";
import { normalizeEvent } from "../events/normalizeEvent";
import {
  blobServiceFor,
  blobServiceLocation,
  createBlobRejectionStore,
} from "../rejections/blobRejectionStore";
import { createFolderRejectionStore } from "../rejections/folderRejectionStore";
import type { RejectionStore } from "../rejections/rejectionStore";
import { loadSettings, type Settings } from "../settings";
import { createWatcher } from "../watch/watcher";
import type { WatchRun } from "../watch/watchWorkspace";
import { readCompiledConfig } from "../workflows/readCompiledConfig";
import type { WorkflowsConfig } from "../workflows/workflow";
import { closeWindow } from "./closeWindow";
import type { EventOutcome } from "./outcome";
import { planEvent } from "./planEvent";
import { processEvent } from "./processEvent";

/** Everything one process needs to handle events, built once at start-up. */
export interface Runtime {
  readonly settings: Settings;
  /** The workflows in force; `replaceConfig` swaps them (the local loop's reload). */
  readonly config: WorkflowsConfig;
  readonly rejections: RejectionStore;
  /** Every event `process` was given, kept before matching (what backtests and replays read). */
  readonly archive: EventArchive;
  /** Plans one event without sending anything. */
  plan(raw: unknown): EventOutcome;
  /** Archives, plans, submits and records one event. */
  process(raw: unknown): Promise<EventOutcome>;
  replaceConfig(config: WorkflowsConfig): void;
  /** One watcher run over every served workspace; each event it emits is processed as `process` does. */
  watch(onOutcome: (outcome: EventOutcome) => void): Promise<WatchRun[]>;
  /** Closes the coalescing window a queue message names: one job on its latest event. */
  closeWindow(message: unknown): Promise<WindowOutcome>;
}

/**
 * Runs one invocation with a hard deadline: whatever still waits then (a token, a storage write, a
 * submission) is abandoned and the event handed back to Event Grid, which gives up after 30 s.
 * Abandoned work is safe to finish later: job names are deterministic.
 */
export async function withinBudget<T>(
  budgetMs: number,
  work: (deadline: number) => Promise<T>,
): Promise<T> {
  const deadline = Date.now() + budgetMs;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(
        new TransientError(
          `the invocation ran past its ${budgetMs} ms budget; the event is handed back to Event Grid`,
        ),
      );
    }, budgetMs);
  });
  try {
    return await Promise.race([work(deadline), late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Invalid settings, reported with every problem at once. */
export class SettingsError extends Error {
  override readonly name = "SettingsError";
}

/** Reads and validates the settings, or throws one SettingsError naming every bad one. */
export function settingsOrThrow(env: Record<string, string | undefined> = process.env): Settings {
  const loaded = loadSettings(env);
  if (!loaded.ok)
    throw new SettingsError(`Invalid settings:\n${loaded.errors.map((e) => `  ${e}`).join("\n")}`);
  return loaded.value;
}

async function recordRegistration(
  outcome: EventOutcome,
  raw: unknown,
  target: Extract<Settings["target"], { kind: "dry-run" }>,
  settings: Settings,
): Promise<void> {
  if (outcome.kind === "rejected") return;
  const type = outcome.event.type.toLowerCase();
  if (type !== AML_EVENT_TYPES.modelRegistered.toLowerCase()) return;
  const event = normalizeEvent(raw);
  if (!event.ok || event.value.model === undefined) return;
  const source = parseWorkspaceId(event.value.source);
  await registerDryRunModel(
    target.dir,
    settings.armEndpoint,
    source.ok ? source.value : target.workspace,
    event.value.model,
  );
}

/**
 * Keeps the event in the archive before anything else happens to it; when it cannot, the event is
 * handed back to Event Grid, so nothing acknowledged goes unrecorded.
 */
async function archiveEvent(archive: EventArchive, raw: unknown, deadline: number): Promise<void> {
  // A storage that accepts the connection and never answers must not hold the invocation.
  const abortSignal = AbortSignal.timeout(Math.max(1, deadline - Date.now() - 250));
  try {
    await archive.append({ receivedAt: new Date().toISOString(), event: raw }, { abortSignal });
  } catch (error) {
    throw new TransientError(
      `cannot archive the event in ${archive.location}, so it is handed back for redelivery: ${errorMessage(error)}`,
      { cause: error },
    );
  }
}

function coalescingProblem(workflows: string[], why: string): string {
  return `workflow ${workflows.join(", ")} coalesces events, which needs the host's storage queues: ${why}`;
}

/** Throws a SettingsError when the config coalesces and these settings reach no storage queues. */
function refuseUncoalescable(config: WorkflowsConfig, coalescing: Coalescing): void {
  const coalesced = config.workflows.filter((w) => w.coalesce !== undefined).map((w) => w.name);
  if (coalesced.length > 0 && coalescing.kind === "unavailable")
    throw new SettingsError(coalescingProblem(coalesced, coalescing.why));
}

/** One ARM pipeline and credential (or the dry-run writer), the rejection store and the archive, for these settings and workflows. */
export function createRuntime(settings: Settings, initialConfig: WorkflowsConfig): Runtime {
  // One credential for the process: ARM and Blob Storage share its token cache.
  const credential = lazyDefaultAzureCredential();
  const { target } = settings;
  // One pacer per subscription for everything this process sends to ARM.
  const pacer = new ArmPacers(settings.armPacing);
  const submitter: JobSubmitter =
    target.kind === "azure"
      ? createArmJobSubmitter({
          credential,
          scope: settings.armScope,
          budgetMs: settings.submitBudgetMs,
          pacer,
        })
      : createDryRunSubmitter(target.dir);
  const tagger: ModelTagger =
    target.kind === "azure"
      ? createArmModelTagger({
          credential,
          scope: settings.armScope,
          armEndpoint: settings.armEndpoint,
          pacer,
        })
      : createDryRunModelTagger(target.dir, settings.armEndpoint);
  const store = settings.rejectionStore;
  const rejections =
    store.kind === "folder"
      ? createFolderRejectionStore(store.dir)
      : createBlobRejectionStore(
          () => blobServiceFor(store, credential),
          blobServiceLocation(store),
        );
  const archive = createEventArchive(settings, credential);
  const coalescing = createCoalescerFor(settings, credential);
  let config = initialConfig;
  const context = () => ({
    config,
    workspace: target.workspace,
    // Where `workspace: source` and named workspaces may send jobs; a laptop's dry run takes any.
    workspaces: target.kind === "azure" ? [target.workspace, ...target.others] : undefined,
    armEndpoint: settings.armEndpoint,
    eventSources:
      target.kind === "azure"
        ? settings.eventSources
        : [PLACEHOLDER_STORAGE_ACCOUNT_ID, PLACEHOLDER_IOT_HUB_ID, ...settings.eventSources],
  });
  const process = (raw: unknown) =>
    withinBudget(settings.invocationBudgetMs, async (deadline) => {
      await archiveEvent(archive, raw, deadline);
      const outcome = await processEvent(
        raw,
        context(),
        submitter,
        rejections,
        deadline,
        tagger,
        coalescing.kind === "available"
          ? (window, event, held) => coalescing.coalescer.hold({ ...window, event, raw: held })
          : // Planning needs no storage; holding does, and submitting at once instead would be wrong.
            (window) =>
              Promise.reject(
                new SettingsError(coalescingProblem([window.workflow], coalescing.why)),
              ),
      );
      // The dry run's workspace holds what was registered, so reports, approvals and the watcher
      // see a version with its tags as Azure would.
      if (target.kind === "dry-run") await recordRegistration(outcome, raw, target, settings);
      return outcome;
    });
  const watcher = createWatcher({ settings, credential, pacer, config: () => config, process });
  return {
    settings,
    get config() {
      return config;
    },
    rejections,
    archive,
    plan: (raw) => planEvent(raw, context()),
    process,
    replaceConfig(next) {
      refuseUncoalescable(next, coalescing);
      config = next;
    },
    watch: (onOutcome) => watcher.run(onOutcome),
    closeWindow: (message) =>
      closeWindow(message, coalescing, {
        plan: (raw) => planEvent(raw, context()),
        submitter,
        rejections,
      }),
  };
}

/**
 * The workflows the function runs: a compiled `.json` file (what `amlwf package` ships and
 * `amlwf start` writes). The function never parses YAML; the tools compile it first.
 */
export function loadConfigOrThrow(file: string): WorkflowsConfig {
  if (!/\.json$/i.test(file))
    throw new SettingsError(
      `WORKFLOWS_FILE ${file} is not a compiled workflows file: the function loads the JSON that \`amlwf package\` ships and \`amlwf start\` writes (workflows/*.compiled.json), never YAML`,
    );
  const read = readCompiledConfig(file);
  if (!read.ok)
    throw new SettingsError(`Invalid compiled workflows:\n  ${read.errors.join("\n  ")}`);
  return read.value;
}

/** The runtime for this process's environment: settings, then the workflows file they name. */
export function runtimeFromEnvironment(
  env: Record<string, string | undefined> = process.env,
): Runtime {
  const settings = settingsOrThrow(env);
  const config = loadConfigOrThrow(settings.workflowsFile);
  // The function fails at start-up, before any event, rather than on the first event it would hold.
  refuseUncoalescable(config, createCoalescerFor(settings, lazyDefaultAzureCredential()));
  return createRuntime(settings, config);
}

// Each function is bundled on its own (scripts/packaging), so this module exists once per bundle
// in the host's process: the runtime is kept on the process's global object, so every function
// shares one credential, one ARM pacer and one config.
const PROCESS_RUNTIME = Symbol.for("aml-event-workflows.processRuntime");
const processWide = globalThis as { [PROCESS_RUNTIME]?: Runtime };

/** The one runtime of this process (made on first use), shared by every function and the local host's reload. */
export function processRuntime(): Runtime {
  processWide[PROCESS_RUNTIME] ??= runtimeFromEnvironment();
  return processWide[PROCESS_RUNTIME];
}
