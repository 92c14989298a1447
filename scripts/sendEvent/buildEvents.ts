import { randomUUID } from "node:crypto";

import { AML_EVENT_TYPES } from "../../shared/constants";
import { isRecord } from "../../shared/guards";

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
  return systemTopicEvent({ ...e, source: e.workspace });
}

/**
 * A new event from a system topic (its `topic` or `source` the resource's ARM id), in Event Grid or
 * CloudEvents 1.0 schema, with a fresh time and a fresh id unless one is given.
 */
export function systemTopicEvent(e: {
  type: string;
  subject: string;
  data: Record<string, unknown>;
  dataVersion: string;
  source: string;
  cloudEvents: boolean;
  id?: string;
}): Record<string, unknown> {
  const id = e.id ?? randomUUID();
  const time = new Date().toISOString();
  return e.cloudEvents
    ? {
        specversion: "1.0",
        id,
        source: e.source,
        subject: e.subject,
        type: e.type,
        time,
        datacontenttype: "application/json",
        data: e.data,
      }
    : {
        id,
        topic: e.source,
        subject: e.subject,
        eventType: e.type,
        eventTime: time,
        data: e.data,
        dataVersion: e.dataVersion,
        metadataVersion: "1",
      };
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
