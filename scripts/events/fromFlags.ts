/** How `plan` and `send-event` build their events: from files, then from flags, the same for both. */
import type { Settings } from "../../shared/settings";
import { readEventFiles } from "../cli/readEvents";
import { UsageError } from "../cli/runCommand";
import { blobAccount, blobCreatedEvent, parseBlob } from "../sendEvent/blobEvents";
import { asNewEvent, modelRegisteredEvent } from "../sendEvent/buildEvents";
import { runEndedEvent } from "../sendEvent/runEvents";
import {
  dataVersionCreatedEvent,
  defaultDataUri,
  modelTagsChangedEvent,
} from "../sendEvent/watchedEvents";

/** The options that build events (util.parseArgs config), taken by both commands. */
export const EVENT_OPTIONS = {
  model: { type: "string", multiple: true },
  tag: { type: "string", multiple: true },
  "tags-changed": { type: "string", multiple: true },
  "data-version": { type: "string", multiple: true },
  "data-uri": { type: "string" },
  blob: { type: "string", multiple: true },
  account: { type: "string" },
  completed: { type: "string", multiple: true },
  failed: { type: "string", multiple: true },
  workspace: { type: "string" },
  cloudevents: { type: "boolean" },
  "new-id": { type: "boolean" },
} as const;

/** Their part of a usage line. */
export const EVENT_USAGE = `[<events.json> ...] [--new-id] [--model <name>:<version>]... [--tag key=value]...
         [--tags-changed <name>:<version>]... [--data-version <name>:<version>]... [--data-uri <uri>]
         [--blob <container>/<path>]... [--account <storage account ARM id>]
         [--completed <job name>]... [--failed <job name>]... [--workspace <ARM id>] [--cloudevents]`;

/** Their lines of `--help`. */
export const EVENT_HELP = `  <events.json>     files holding one event or an array, Event Grid or CloudEvents schema (samples/events/)
  --new-id          give each event from a file a fresh id and time: a new event, not a redelivery
  --model n:v       build a ModelRegistered event for model n version v (repeatable); --tag k=v adds tags
  --tags-changed n:v
                    build the watcher's ModelTagsChanged event for model n version v (repeatable), as for
                    a version new to it (previousModelTags null); --tag k=v sets its tags too
  --data-version n:v
                    build the watcher's DataVersionCreated event for data asset n version v (repeatable)
  --data-uri URI    with one --data-version, its URI: uri_folder when it ends in "/", else uri_file
                    (default: azureml://datastores/workspaceblobstore/paths/n/v/)
  --blob C/P        build the BlobCreated event Azure Storage sends when blob P is put in container C
                    (repeatable)
  --account ID      the blobs' storage account ARM id (default: the first storage account in
                    EVENT_SOURCES, else the dry run's placeholder)
  --completed J     build the RunCompleted event the workspace sends when dry-run job J completes
  --failed J        build the RunStatusChanged (runStatus Failed) event for dry-run job J
  --workspace ID    the built events' workspace (default: AML_WORKSPACE_ID, or the dry run's placeholder)
  --cloudevents     build CloudEvents 1.0 events instead of Event Grid schema`;

/** The values of EVENT_OPTIONS as parsed. */
export interface EventFlagValues {
  model?: string[];
  tag?: string[];
  "tags-changed"?: string[];
  "data-version"?: string[];
  "data-uri"?: string;
  blob?: string[];
  account?: string;
  completed?: string[];
  failed?: string[];
  workspace?: string;
  cloudevents?: boolean;
  "new-id"?: boolean;
}

/** One event and where it came from: its file, or the flag that built it (`--model churn:3`). */
export interface SourcedEvent {
  from: string;
  event: unknown;
}

/** Parses `name:version` (the last colon splits, as in the subject `models/{name}:{version}`). */
function parseNameVersion(flag: string, text: string): { name: string; version: string } {
  const at = text.lastIndexOf(":");
  const name = text.slice(0, at);
  const version = text.slice(at + 1);
  if (at <= 0 || version === "") throw new UsageError(`${flag} "${text}" must be <name>:<version>`);
  return { name, version };
}

/** `--data-uri`: a URI with a scheme (azureml://, https://, abfss://, …), for one data version. */
function dataUri(uri: string | undefined, versions: number): string | undefined {
  if (uri === undefined) return undefined;
  if (versions !== 1)
    throw new UsageError(
      `--data-uri "${uri}" is one data version's URI: give it with exactly one --data-version`,
    );
  if (!/^[a-z][a-z0-9+.-]*:\/\/\S+$/i.test(uri))
    throw new UsageError(
      `--data-uri "${uri}" must be a URI such as azureml://datastores/<name>/paths/<path>`,
    );
  return uri;
}

function parseTags(tags: string[]): Record<string, string> {
  return Object.fromEntries(
    tags.map((tag) => {
      const at = tag.indexOf("=");
      if (at <= 0) throw new UsageError(`--tag "${tag}" must be key=value`);
      return [tag.slice(0, at), tag.slice(at + 1)];
    }),
  );
}

/**
 * The events the files and flags name, in order: each file's, then one per `--model`,
 * `--tags-changed`, `--data-version`, `--blob`, `--completed` and `--failed`. A built event is a
 * new one (a fresh id and time), as a workspace, the watcher or a storage account would send it.
 * `eventSources` (the setting EVENT_SOURCES) names the storage account `--blob` defaults to.
 */
export function eventsFromFlags(
  files: readonly string[],
  values: EventFlagValues,
  target: Settings["target"],
  eventSources: readonly string[],
): SourcedEvent[] {
  // Azure ML events are believed only from a served workspace: by default, the one the
  // function serves (AML_WORKSPACE_ID, or the dry run's placeholder).
  const workspace = values.workspace ?? target.workspace.id;
  const cloudEvents = values.cloudevents === true;
  const models = values.model ?? [];
  const tagsChanged = values["tags-changed"] ?? [];
  const dataVersions = values["data-version"] ?? [];
  const blobs = values.blob ?? [];
  if ((values.tag ?? []).length > 0 && models.length === 0 && tagsChanged.length === 0)
    throw new UsageError("--tag needs --model or --tags-changed");
  if (values["data-uri"] !== undefined && dataVersions.length === 0)
    throw new UsageError("--data-uri needs --data-version");
  if (values.account !== undefined && blobs.length === 0)
    throw new UsageError("--account needs --blob");
  const tags = parseTags(values.tag ?? []);
  const uri = dataUri(values["data-uri"], dataVersions.length);
  const events = readEventFiles(files).map(({ file, event }) => ({
    from: file,
    event: values["new-id"] === true ? asNewEvent(event) : event,
  }));
  for (const model of models)
    events.push({
      from: `--model ${model}`,
      event: modelRegisteredEvent(parseNameVersion("--model", model), tags, workspace, cloudEvents),
    });
  for (const model of tagsChanged)
    events.push({
      from: `--tags-changed ${model}`,
      event: modelTagsChangedEvent(
        parseNameVersion("--tags-changed", model),
        tags,
        workspace,
        cloudEvents,
      ),
    });
  for (const text of dataVersions) {
    const data = parseNameVersion("--data-version", text);
    events.push({
      from: `--data-version ${text}`,
      event: dataVersionCreatedEvent(data, uri ?? defaultDataUri(data), workspace, cloudEvents),
    });
  }
  if (blobs.length > 0) {
    const account = blobAccount(values.account, eventSources);
    for (const blob of blobs)
      events.push({
        from: `--blob ${blob}`,
        event: blobCreatedEvent(parseBlob(blob), account, cloudEvents),
      });
  }
  for (const [flag, jobs, ending] of [
    ["--completed", values.completed ?? [], "Completed"],
    ["--failed", values.failed ?? [], "Failed"],
  ] as const)
    for (const job of jobs) {
      if (target.kind !== "dry-run")
        throw new UsageError(
          "--completed and --failed build events for dry-run jobs; unset AML_WORKSPACE_ID (a real workspace sends its own)",
        );
      events.push({
        from: `${flag} ${job}`,
        event: runEndedEvent(job, ending, target.dir, workspace, cloudEvents),
      });
    }
  if (events.length === 0)
    throw new UsageError(
      "no events: name an events file, or build one with --model, --tags-changed, --data-version, --blob, --completed or --failed",
    );
  return events;
}
