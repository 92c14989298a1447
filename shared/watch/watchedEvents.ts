import { createHash } from "node:crypto";

import { WATCHED_EVENT_TYPES } from "../constants";
import type { AssetVersion, WatchedJob } from "./workspaceReader";

/** Tags in one order, so equal sets compare (and hash) equal. */
export function canonicalTags(tags: Record<string, string>): string {
  return JSON.stringify(Object.entries(tags).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * A deterministic event id: the same change seen by two runs, or re-emitted after a crash, has the
 * same id, so everything downstream (job names, dedup) treats it as one event.
 */
function watchedId(...parts: string[]): string {
  return `watch-${createHash("sha256").update(parts.join("\n"), "utf8").digest("hex").slice(0, 40)}`;
}

/** The event for a model version's tags as the watcher now sees them (`previous` null: a version new to it). */
export function modelTagsChangedEvent(
  workspaceId: string,
  version: AssetVersion,
  previous: Record<string, string> | null,
  now: string,
) {
  return {
    id: watchedId(
      "ModelTagsChanged",
      workspaceId.toLowerCase(),
      version.name,
      version.version,
      version.createdAt,
      canonicalTags(version.tags),
    ),
    eventType: WATCHED_EVENT_TYPES.modelTagsChanged,
    topic: workspaceId,
    subject: `models/${version.name}:${version.version}`,
    eventTime: now,
    data: {
      modelName: version.name,
      modelVersion: version.version,
      modelTags: version.tags,
      previousModelTags: previous,
      modelCreatedAt: version.createdAt,
    },
    dataVersion: "1",
    metadataVersion: "1",
  };
}

/** The event for a data asset version new to the watcher. */
export function dataVersionCreatedEvent(workspaceId: string, version: AssetVersion, now: string) {
  return {
    id: watchedId(
      "DataVersionCreated",
      workspaceId.toLowerCase(),
      version.name,
      version.version,
      version.createdAt,
    ),
    eventType: WATCHED_EVENT_TYPES.dataVersionCreated,
    topic: workspaceId,
    subject: `data/${version.name}:${version.version}`,
    eventTime: now,
    data: {
      dataName: version.name,
      dataVersion: version.version,
      dataUri: version.uri ?? "",
      dataType: version.type ?? "",
      dataTags: version.tags,
      dataCreatedAt: version.createdAt,
    },
    dataVersion: "1",
    metadataVersion: "1",
  };
}

/** The event for a job of this project that was cancelled, in RunStatusChanged's shape. */
export function runCanceledEvent(workspaceId: string, job: WatchedJob, now: string) {
  return {
    id: watchedId("RunCanceled", workspaceId.toLowerCase(), job.name),
    eventType: WATCHED_EVENT_TYPES.runCanceled,
    topic: workspaceId,
    subject: `experiments/${job.experiment}/runs/${job.name}`,
    eventTime: now,
    data: {
      experimentName: job.experiment,
      runId: job.name,
      runType: "azureml.PipelineRun",
      runTags: job.tags,
      runStatus: "Canceled",
    },
    dataVersion: "1",
    metadataVersion: "1",
  };
}
