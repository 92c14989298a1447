import { randomUUID } from "node:crypto";

import { AML_EVENT_TYPES, PLACEHOLDER_WORKSPACE_ID } from "../../shared/constants";
import { isRecord } from "../../shared/guards";
import { readEventFiles } from "../cli/readEvents";
import { UsageError } from "../cli/runCommand";

/** What the flags say to build. */
export interface EventFlags {
  files: string[];
  models: string[];
  tags: string[];
  workspace?: string;
  cloudEvents: boolean;
  /** Give each event from a file a fresh id and time, so it is a new event rather than a redelivery. */
  newId: boolean;
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

/** A ModelRegistered event as a workspace's system topic sends it (camelCase data, string version). */
export function modelRegisteredEvent(
  model: { name: string; version: string },
  tags: Record<string, string>,
  workspace: string,
  cloudEvents: boolean,
): Record<string, unknown> {
  return workspaceEvent({
    type: AML_EVENT_TYPES.modelRegistered,
    subject: `models/${model.name}:${model.version}`,
    data: {
      modelName: model.name,
      modelVersion: model.version,
      modelTags: tags,
      modelProperties: {},
    },
    dataVersion: "2",
    workspace,
    cloudEvents,
  });
}

/** A new event from a workspace, in Event Grid or CloudEvents 1.0 schema, with a fresh id and time. */
export function workspaceEvent(e: {
  type: string;
  subject: string;
  data: Record<string, unknown>;
  dataVersion: string;
  workspace: string;
  cloudEvents: boolean;
}): Record<string, unknown> {
  const id = randomUUID();
  const time = new Date().toISOString();
  return e.cloudEvents
    ? {
        specversion: "1.0",
        id,
        source: e.workspace,
        subject: e.subject,
        type: e.type,
        time,
        datacontenttype: "application/json",
        data: e.data,
      }
    : {
        id,
        topic: e.workspace,
        subject: e.subject,
        eventType: e.type,
        eventTime: time,
        data: e.data,
        dataVersion: e.dataVersion,
        metadataVersion: "1",
      };
}

/** The events to send: those in the files, then one per `--model`. */
export function buildEvents(flags: EventFlags): unknown[] {
  const events = readEventFiles(flags.files).map(({ event }) =>
    flags.newId ? asNewEvent(event) : event,
  );
  const tags = parseTags(flags.tags);
  for (const model of flags.models)
    events.push(
      modelRegisteredEvent(
        parseModel(model),
        tags,
        flags.workspace ?? PLACEHOLDER_WORKSPACE_ID,
        flags.cloudEvents,
      ),
    );
  if (flags.tags.length > 0 && flags.models.length === 0)
    throw new UsageError("--tag needs --model");
  return events;
}

/** The same event with a fresh id and time: a new event, not a redelivery of the old one. */
export function asNewEvent(event: unknown): unknown {
  if (!isRecord(event)) return event;
  const time = new Date().toISOString();
  return isCloudEvent(event)
    ? { ...event, id: randomUUID(), time }
    : { ...event, id: randomUUID(), eventTime: time };
}

/** True for a CloudEvents 1.0 event. */
export function isCloudEvent(event: unknown): boolean {
  return isRecord(event) && "specversion" in event;
}

/** A short label for one event in the output. */
export function eventLabel(event: unknown): string {
  if (!isRecord(event)) return "<not an object>";
  const id = typeof event.id === "string" ? event.id : "<no id>";
  const subject = typeof event.subject === "string" ? ` ${event.subject}` : "";
  return `${id}${subject}`;
}
