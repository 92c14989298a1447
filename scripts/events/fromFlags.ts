/** How `plan` and `send-event` build their events: from files, then from flags, the same for both. */
import type { Settings } from "../../shared/settings";
import { readEventFiles } from "../cli/readEvents";
import { UsageError } from "../cli/runCommand";
import { asNewEvent, modelRegisteredEvent } from "../sendEvent/buildEvents";
import { runEndedEvent } from "../sendEvent/runEvents";

/** The options that build events (util.parseArgs config), taken by both commands. */
export const EVENT_OPTIONS = {
  model: { type: "string", multiple: true },
  tag: { type: "string", multiple: true },
  completed: { type: "string", multiple: true },
  failed: { type: "string", multiple: true },
  workspace: { type: "string" },
  cloudevents: { type: "boolean" },
  "new-id": { type: "boolean" },
} as const;

/** Their part of a usage line. */
export const EVENT_USAGE = `[<events.json> ...] [--new-id] [--model <name>:<version>]... [--tag key=value]...
         [--completed <job name>]... [--failed <job name>]... [--workspace <ARM id>] [--cloudevents]`;

/** Their lines of `--help`. */
export const EVENT_HELP = `  <events.json>     files holding one event or an array, Event Grid or CloudEvents schema (samples/events/)
  --new-id          give each event from a file a fresh id and time: a new event, not a redelivery
  --model n:v       build a ModelRegistered event for model n version v (repeatable); --tag k=v adds tags
  --completed J     build the RunCompleted event the workspace sends when dry-run job J completes
  --failed J        build the RunStatusChanged (runStatus Failed) event for dry-run job J
  --workspace ID    the built events' workspace (default: AML_WORKSPACE_ID, or the dry run's placeholder)
  --cloudevents     build CloudEvents 1.0 events instead of Event Grid schema`;

/** The values of EVENT_OPTIONS as parsed. */
export interface EventFlagValues {
  model?: string[];
  tag?: string[];
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
function parseModel(text: string): { name: string; version: string } {
  const at = text.lastIndexOf(":");
  const name = text.slice(0, at);
  const version = text.slice(at + 1);
  if (at <= 0 || version === "") throw new UsageError(`--model "${text}" must be <name>:<version>`);
  return { name, version };
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
 * The events the files and flags name, in order: each file's, then one per `--model`, `--completed`
 * and `--failed`. A built event is a new one (a fresh id and time), as a workspace would send it.
 */
export function eventsFromFlags(
  files: readonly string[],
  values: EventFlagValues,
  target: Settings["target"],
): SourcedEvent[] {
  // Azure ML events are believed only from a served workspace: by default, the one the
  // function serves (AML_WORKSPACE_ID, or the dry run's placeholder).
  const workspace = values.workspace ?? target.workspace.id;
  const cloudEvents = values.cloudevents === true;
  const models = values.model ?? [];
  if ((values.tag ?? []).length > 0 && models.length === 0)
    throw new UsageError("--tag needs --model");
  const tags = parseTags(values.tag ?? []);
  const events = readEventFiles(files).map(({ file, event }) => ({
    from: file,
    event: values["new-id"] === true ? asNewEvent(event) : event,
  }));
  for (const model of models)
    events.push({
      from: `--model ${model}`,
      event: modelRegisteredEvent(parseModel(model), tags, workspace, cloudEvents),
    });
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
      "no events: name an events file, or build one with --model, --completed or --failed",
    );
  return events;
}
