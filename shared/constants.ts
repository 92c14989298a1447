/** Names that cross a boundary (functions, infra, tests): defined once, imported everywhere. */

/** Function names as registered with the Functions host and targeted by Event Grid subscriptions. */
export const FUNCTION_NAMES = {
  triggerPipelines: "triggerPipelines",
  /** The timer function that turns what the workspace does not announce into events. */
  watchWorkspaces: "watchWorkspaces",
  /** The queue function that closes coalescing windows: one job on each window's latest event. */
  closeWindows: "closeCoalesceWindows",
} as const;

/** The Functions host's Event Grid webhook path (Core Tools and the local host serve it). */
export const WEBHOOK_PATH = "/runtime/webhooks/eventgrid";

/** App-setting names the function reads; infra builds app settings from these. */
export const SETTING_NAMES = {
  amlWorkspaceId: "AML_WORKSPACE_ID",
  armEndpoint: "ARM_ENDPOINT",
  workflowsFile: "WORKFLOWS_FILE",
  dryRunDir: "DRY_RUN_DIR",
  submitBudgetMs: "SUBMIT_BUDGET_MS",
  rejectedDir: "REJECTED_DIR",
  armWritesPerSecond: "ARM_WRITES_PER_SECOND",
  /** More workspaces this deployment serves, besides AML_WORKSPACE_ID: ARM ids, comma-separated. */
  amlWorkspaces: "AML_WORKSPACES",
  armWriteBurst: "ARM_WRITE_BURST",
  /** The watcher's NCRONTAB schedule (six fields, seconds first), read by the timer trigger itself. */
  watchSchedule: "WATCH_SCHEDULE",
  /** At most this many ARM reads per watcher run; the rest waits for the next run. */
  watchMaxReads: "WATCH_MAX_READS",
  /** ARM ids of the other Azure resources whose system topics the stack subscribes (storage accounts, IoT hubs): comma-separated. */
  eventSources: "EVENT_SOURCES",
  /** Where the watcher keeps its state when the host has no storage (a folder). */
  watcherStateDir: "WATCHER_STATE_DIR",
  /** Where every event received is archived when the host has no storage (a folder). */
  archiveDir: "ARCHIVE_DIR",
} as const;

/** The Functions host's storage settings, read to reach Blob Storage the same way the host does. */
export const HOST_STORAGE_SETTINGS = {
  connectionString: "AzureWebJobsStorage",
  accountName: "AzureWebJobsStorage__accountName",
  blobServiceUri: "AzureWebJobsStorage__blobServiceUri",
  queueServiceUri: "AzureWebJobsStorage__queueServiceUri",
} as const;

/** Blob containers in the host storage account (infra creates them). */
export const STORAGE_CONTAINERS = {
  appPackage: "app-package",
  deadLetter: "deadletter",
  rejectedEvents: "rejected-events",
  /** The watcher's state, one blob per workspace. */
  watcherState: "watcher-state",
  /** Every event received, one append blob per hour and writer (shared/archive). */
  eventArchive: "event-archive",
  /** Open coalescing windows, one blob per (workflow, key) (shared/coalesce). */
  coalesceState: "coalesce-state",
  /** One record per event a coalescing window superseded, for `status`. */
  supersededEvents: "superseded-events",
} as const;

/** Queues in the host storage account (infra creates them; the host makes `<name>-poison`). */
export const STORAGE_QUEUES = {
  /** One message per coalescing window, invisible until the window closes. */
  coalesceWindows: "coalesce-windows",
} as const;

/**
 * A coalescing window's bounds: a whole second at least, and at most the 7 days a queue message may
 * stay invisible (Put Message's visibilitytimeout).
 */
export const COALESCE_WINDOW_SECONDS = { min: 1, max: 7 * 24 * 3600 } as const;

/**
 * How long a closed window remembers the events it took: Event Grid redelivers for up to 24 hours
 * (eventTimeToLiveInMinutes at most 1440), and a redelivery must not open a window of its own.
 */
export const COALESCE_MEMORY_MS = 24 * 3600 * 1000;

/** Azure ML event types (https://learn.microsoft.com/azure/event-grid/event-schema-machine-learning). */
export const AML_EVENT_TYPES = {
  modelRegistered: "Microsoft.MachineLearningServices.ModelRegistered",
  modelDeployed: "Microsoft.MachineLearningServices.ModelDeployed",
  runCompleted: "Microsoft.MachineLearningServices.RunCompleted",
  runStatusChanged: "Microsoft.MachineLearningServices.RunStatusChanged",
  datasetDriftDetected: "Microsoft.MachineLearningServices.DatasetDriftDetected",
} as const;

/**
 * The events the watcher makes for changes Azure ML does not announce. Their own prefix, so nobody
 * takes them for Azure's; like Azure ML's, believed only from a served workspace (the watcher
 * emits them in process with the workspace as the topic; Event Grid sets a published event's).
 */
export const WATCHED_EVENT_TYPES = {
  modelTagsChanged: "AmlEventWorkflows.ModelTagsChanged",
  dataVersionCreated: "AmlEventWorkflows.DataVersionCreated",
  runCanceled: "AmlEventWorkflows.RunCanceled",
} as const;

/** Other Azure event types the docs and samples use (system topics of storage accounts and IoT hubs). */
export const AZURE_EVENT_TYPES = {
  blobCreated: "Microsoft.Storage.BlobCreated",
  deviceTelemetry: "Microsoft.Devices.DeviceTelemetry",
} as const;

/** The ARM jobs API version this project speaks (Microsoft.MachineLearningServices stable 2025-12-01). */
export const AML_JOBS_API_VERSION = "2025-12-01";

/** Tag keys that record on every job which event and workflow started it. */
export const LINEAGE_TAGS = {
  eventId: "trigger.eventId",
  /** sha256 of (source, id), or for a chain step of (workspace, upstream job): what a redelivery is recognised by. */
  eventKey: "trigger.eventKey",
  eventType: "trigger.eventType",
  source: "trigger.source",
  subject: "trigger.subject",
  workflow: "trigger.workflow",
  model: "trigger.model",
  /** For a chained workflow's job: the job whose end started it. */
  upstreamJob: "trigger.upstreamJob",
} as const;

/** Defaults for optional settings. */
export const SETTING_DEFAULTS = {
  armEndpoint: "https://management.azure.com",
  workflowsFile: "workflows/workflows.yaml",
  dryRunDir: ".local/dry-run",
  rejectedDir: ".local/rejected-events",
  // Event Grid waits 30 s for an answer (https://learn.microsoft.com/azure/event-grid/delivery-and-retry); stay well inside it.
  submitBudgetMs: 20_000,
  // ARM's write bucket per principal: 200 tokens, refilled 10/s (AZURE-FACTS §7). A single process
  // may use all of it; a fleet of N instances shares it (infra sets rate/N and burst/N).
  armWritesPerSecond: 10,
  armWriteBurst: 200,
  // Once a minute: tag changes (approvals) are seen within a minute, at a read cost the docs give.
  watchSchedule: "0 */1 * * * *",
  // ARM's read bucket per principal is 250, refilled 25/s (AZURE-FACTS §7); a run stays inside it.
  watchMaxReads: 1000,
  watcherStateDir: ".local/watcher-state",
  archiveDir: ".local/archive",
} as const;

/** ARM's documented write bucket per principal, which the fleet's pacing divides. */
export const ARM_WRITE_LIMITS = { perSecond: 10, bucket: 200 } as const;

/** Workspace used in dry-run mode and by `plan` when no AML_WORKSPACE_ID is set. */
export const PLACEHOLDER_WORKSPACE_ID =
  "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/example-rg/providers/Microsoft.MachineLearningServices/workspaces/example-workspace";

/** IoT hub served in dry-run mode (the DeviceTelemetry sample comes from it). */
export const PLACEHOLDER_IOT_HUB_ID =
  "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/example-rg/providers/Microsoft.Devices/IotHubs/example-hub";

/** Storage account served in dry-run mode (samples' BlobCreated events come from it). */
export const PLACEHOLDER_STORAGE_ACCOUNT_ID =
  "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/example-rg/providers/Microsoft.Storage/storageAccounts/examplestorage";
