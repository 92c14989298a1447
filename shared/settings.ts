import { statSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";

import { Cron } from "croner";

import { parseWorkspaceId, type Workspace } from "./aml/workspace";
import { findAppRoot } from "./appRoot";
import {
  HOST_STORAGE_SETTINGS,
  PLACEHOLDER_WORKSPACE_ID,
  SETTING_DEFAULTS,
  SETTING_NAMES,
} from "./constants";
import type { Result } from "./result";

/** Where rejected events are kept: the host's Blob Storage (by identity or connection string) or a local folder. */
export type RejectionStoreSettings =
  | { kind: "blob-identity"; serviceUrl: string }
  | { kind: "blob-connection-string"; connectionString: string }
  | { kind: "folder"; dir: string };

/** How the host storage's queue service is reached: by identity, or a connection string locally. */
export type QueueServiceSettings =
  | { kind: "identity"; serviceUrl: string }
  | { kind: "connection-string"; connectionString: string };

/**
 * Where jobs go: a real workspace over ARM, or (with no AML_WORKSPACE_ID) a local folder that gets
 * each request instead, built for a placeholder workspace.
 */
export type Target =
  | { kind: "azure"; workspace: Workspace; others: Workspace[] }
  | { kind: "dry-run"; workspace: Workspace; dir: string };

/** Everything the function reads from its environment, validated. */
export interface Settings {
  target: Target;
  armEndpoint: string;
  armScope: string;
  workflowsFile: string;
  submitBudgetMs: number;
  /** The whole invocation's budget: the submissions' plus time to keep rejections, under Event Grid's 30 s. */
  invocationBudgetMs: number;
  /** This process's share of ARM's write rate and bucket. */
  armPacing: { writesPerSecond: number; burst: number };
  rejectionStore: RejectionStoreSettings;
  /** The host storage's queues (coalescing windows); absent without storage, or when only a blob URI is set. */
  queueService?: QueueServiceSettings;
  /** ARM ids of the other resources whose system topics the stack subscribes (EVENT_SOURCES). */
  eventSources: string[];
  /** The watcher: its schedule, its read bound per run, and where its state lives when there is no Blob Storage. */
  watch: { schedule: string; maxReads: number; stateDir: string };
  /** Where every event received is archived when there is no Blob Storage (ARCHIVE_DIR). */
  archiveDir: string;
}

type Env = Record<string, string | undefined>;

function setting(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === "" ? undefined : value;
}

/** What is at a path: a file, a folder, or nothing. */
function pathKind(path: string): "file" | "folder" | "none" {
  try {
    return statSync(path).isDirectory() ? "folder" : "file";
  } catch {
    return "none";
  }
}

/**
 * What is wrong with a WORKFLOWS_FILE set by hand that names no file: the setting, its value and the
 * path it resolves to. The tools check it first, so a typo names the setting rather than surfacing
 * as a missing file; the function leaves it to its loader, which says what a deployed app needs
 * (the compiled JSON). Unset, the default is left to the loader too.
 */
export function workflowsFileProblem(
  env: Env = process.env,
  appRoot = findAppRoot(),
): string | undefined {
  const text = setting(env, SETTING_NAMES.workflowsFile);
  if (text === undefined) return undefined;
  const path = isAbsolute(text) ? text : resolve(appRoot, text);
  const kind = pathKind(path);
  if (kind === "file") return undefined;
  return `${SETTING_NAMES.workflowsFile}: "${text}" resolves to ${path}, ${kind === "folder" ? "a folder, not a workflows file" : "which does not exist"}`;
}

/** Reads and validates every setting once; each problem names the setting and the reason. */
export function loadSettings(env: Env = process.env, appRoot = findAppRoot()): Result<Settings> {
  const errors: string[] = [];

  let workspace: Workspace | undefined;
  const workspaceId = setting(env, SETTING_NAMES.amlWorkspaceId);
  if (workspaceId !== undefined) {
    const parsed = parseWorkspaceId(workspaceId);
    if (parsed.ok) workspace = parsed.value;
    else errors.push(`${SETTING_NAMES.amlWorkspaceId}: ${parsed.errors.join("; ")}`);
  }
  const others: Workspace[] = [];
  for (const id of (setting(env, SETTING_NAMES.amlWorkspaces) ?? "")
    .split(/[\s,]+/)
    .filter(Boolean)) {
    const parsed = parseWorkspaceId(id);
    if (parsed.ok) others.push(parsed.value);
    else errors.push(`${SETTING_NAMES.amlWorkspaces}: ${parsed.errors.join("; ")}`);
  }
  if (others.length > 0 && workspaceId === undefined)
    errors.push(
      `${SETTING_NAMES.amlWorkspaces} needs ${SETTING_NAMES.amlWorkspaceId}, the default workspace`,
    );
  const placeholder = parseWorkspaceId(PLACEHOLDER_WORKSPACE_ID);
  if (!placeholder.ok) throw new Error("PLACEHOLDER_WORKSPACE_ID is not a workspace id");

  const armEndpoint = (
    setting(env, SETTING_NAMES.armEndpoint) ?? SETTING_DEFAULTS.armEndpoint
  ).replace(/\/+$/, "");
  let armUrl: URL | undefined;
  try {
    armUrl = new URL(armEndpoint);
  } catch {
    errors.push(`${SETTING_NAMES.armEndpoint}: "${armEndpoint}" is not a URL`);
  }
  if (armUrl && (armUrl.protocol !== "https:" || armUrl.pathname !== "/" || armUrl.search !== "")) {
    errors.push(
      `${SETTING_NAMES.armEndpoint}: "${armEndpoint}" must be an https:// origin such as ${SETTING_DEFAULTS.armEndpoint}`,
    );
  }

  const budgetText = setting(env, SETTING_NAMES.submitBudgetMs);
  const submitBudgetMs =
    budgetText === undefined ? SETTING_DEFAULTS.submitBudgetMs : Number(budgetText);
  if (!Number.isInteger(submitBudgetMs) || submitBudgetMs < 100 || submitBudgetMs > 25_000) {
    errors.push(
      `${SETTING_NAMES.submitBudgetMs}: "${budgetText ?? ""}" must be a whole number of milliseconds from 100 to 25000 (Event Grid gives up after 30 s)`,
    );
  }

  const positive = (name: string, fallback: number) => {
    const text = setting(env, name);
    const value = text === undefined ? fallback : Number(text);
    if (!Number.isFinite(value) || value <= 0)
      errors.push(`${name}: "${text ?? ""}" must be a positive number`);
    return value;
  };
  const armPacing = {
    writesPerSecond: positive(
      SETTING_NAMES.armWritesPerSecond,
      SETTING_DEFAULTS.armWritesPerSecond,
    ),
    burst: Math.max(1, positive(SETTING_NAMES.armWriteBurst, SETTING_DEFAULTS.armWriteBurst)),
  };

  const fromRoot = (path: string) => (isAbsolute(path) ? path : resolve(appRoot, path));

  // The same storage the Functions host uses: identity-based in Azure, a connection string locally.
  const blobServiceUri = setting(env, HOST_STORAGE_SETTINGS.blobServiceUri);
  const accountName = setting(env, HOST_STORAGE_SETTINGS.accountName);
  const connectionString = setting(env, HOST_STORAGE_SETTINGS.connectionString);
  let rejectionStore: RejectionStoreSettings;
  if (blobServiceUri !== undefined)
    rejectionStore = { kind: "blob-identity", serviceUrl: blobServiceUri };
  else if (accountName !== undefined)
    rejectionStore = {
      kind: "blob-identity",
      serviceUrl: `https://${accountName}.blob.core.windows.net`,
    };
  else if (connectionString !== undefined)
    rejectionStore = { kind: "blob-connection-string", connectionString };
  else
    rejectionStore = {
      kind: "folder",
      dir: fromRoot(setting(env, SETTING_NAMES.rejectedDir) ?? SETTING_DEFAULTS.rejectedDir),
    };
  // The queue service the host's queue trigger reads: its own URI, else the account's, else the
  // connection string (which names every service) unless a blob URI alone was given.
  const queueServiceUri = setting(env, HOST_STORAGE_SETTINGS.queueServiceUri);
  const queueService: QueueServiceSettings | undefined =
    queueServiceUri !== undefined
      ? { kind: "identity", serviceUrl: queueServiceUri }
      : accountName !== undefined
        ? { kind: "identity", serviceUrl: `https://${accountName}.queue.core.windows.net` }
        : connectionString !== undefined && blobServiceUri === undefined
          ? { kind: "connection-string", connectionString }
          : undefined;
  if (accountName !== undefined && !/^[a-z0-9]{3,24}$/.test(accountName)) {
    errors.push(
      `${HOST_STORAGE_SETTINGS.accountName}: "${accountName}" is not a storage account name`,
    );
  }

  // The folders are made when first written to; a file in their place would fail then.
  const dryRunText = setting(env, SETTING_NAMES.dryRunDir);
  const dryRunDir = fromRoot(dryRunText ?? SETTING_DEFAULTS.dryRunDir);
  const rejectedText = setting(env, SETTING_NAMES.rejectedDir);
  const archiveText = setting(env, SETTING_NAMES.archiveDir);
  const archiveDir = fromRoot(archiveText ?? SETTING_DEFAULTS.archiveDir);
  for (const [name, text, dir] of [
    [SETTING_NAMES.dryRunDir, dryRunText, dryRunDir],
    [SETTING_NAMES.rejectedDir, rejectedText, fromRoot(rejectedText ?? "")],
    [SETTING_NAMES.archiveDir, archiveText, archiveDir],
  ] as const)
    if (text !== undefined && pathKind(dir) === "file")
      errors.push(`${name}: "${text}" resolves to ${dir}, a file, not a folder`);

  const eventSources: string[] = [];
  for (const id of (setting(env, SETTING_NAMES.eventSources) ?? "")
    .split(/[\s,]+/)
    .filter(Boolean)) {
    if (/^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/[^/]+\/[^/]+\/[^/]+$/i.test(id))
      eventSources.push(id.replace(/\/+$/, ""));
    else
      errors.push(
        `${SETTING_NAMES.eventSources}: "${id}" is not an ARM resource id (/subscriptions/<id>/resourceGroups/<group>/providers/<namespace>/<type>/<name>)`,
      );
  }
  const schedule = setting(env, SETTING_NAMES.watchSchedule) ?? SETTING_DEFAULTS.watchSchedule;
  const scheduleProblem = ncrontabProblem(schedule);
  if (scheduleProblem !== undefined)
    errors.push(`${SETTING_NAMES.watchSchedule}: "${schedule}" ${scheduleProblem}`);
  const maxReadsText = setting(env, SETTING_NAMES.watchMaxReads);
  const maxReads =
    maxReadsText === undefined ? SETTING_DEFAULTS.watchMaxReads : Number(maxReadsText);
  if (!Number.isInteger(maxReads) || maxReads < 1)
    errors.push(
      `${SETTING_NAMES.watchMaxReads}: "${maxReadsText ?? ""}" must be a whole number of ARM reads, 1 or more`,
    );

  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    value: {
      target: workspace
        ? { kind: "azure", workspace, others }
        : { kind: "dry-run", workspace: placeholder.value, dir: dryRunDir },
      armEndpoint,
      armScope: `${armEndpoint}/.default`,
      workflowsFile: fromRoot(
        setting(env, SETTING_NAMES.workflowsFile) ?? SETTING_DEFAULTS.workflowsFile,
      ),
      submitBudgetMs,
      invocationBudgetMs: Math.min(submitBudgetMs + 4000, 28_000),
      armPacing,
      rejectionStore,
      ...(queueService === undefined ? {} : { queueService }),
      eventSources,
      watch: {
        schedule,
        maxReads,
        stateDir: fromRoot(
          setting(env, SETTING_NAMES.watcherStateDir) ?? SETTING_DEFAULTS.watcherStateDir,
        ),
      },
      archiveDir,
    },
  };
}

/**
 * What is wrong with a timer schedule, or undefined: the Functions host takes NCRONTAB, six fields
 * with seconds first (https://learn.microsoft.com/azure/azure-functions/functions-bindings-timer).
 */
export function ncrontabProblem(schedule: string): string | undefined {
  const fields = schedule.trim().split(/\s+/);
  if (fields.length !== 6)
    return `has ${fields.length} fields; the timer takes NCRONTAB's six, seconds first ("0 */1 * * * *" is once a minute)`;
  try {
    new Cron(schedule, { paused: true, timezone: "UTC" });
    return undefined;
  } catch (error) {
    return `is not a schedule: ${error instanceof Error ? error.message : String(error)}`;
  }
}
