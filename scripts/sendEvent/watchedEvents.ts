/** The events the watcher makes (ModelTagsChanged, DataVersionCreated), built for `--tags-changed` and `--data-version`. */
import { WATCHED_EVENT_TYPES } from "../../shared/constants";
import { workspaceEvent } from "./buildEvents";

/** The `dataVersion` of the watcher's own event schema. */
export const WATCHED_DATA_VERSION = "1";

/** A ModelTagsChanged event for a model version new to the watcher (no previous tags), created now. */
export function modelTagsChangedEvent(
  model: { name: string; version: string },
  tags: Record<string, string>,
  workspace: string,
  cloudEvents: boolean,
): Record<string, unknown> {
  return workspaceEvent({
    type: WATCHED_EVENT_TYPES.modelTagsChanged,
    subject: `models/${model.name}:${model.version}`,
    data: {
      modelName: model.name,
      modelVersion: model.version,
      modelTags: tags,
      previousModelTags: null,
      modelCreatedAt: new Date().toISOString(),
    },
    dataVersion: WATCHED_DATA_VERSION,
    workspace,
    cloudEvents,
  });
}

/** Where a data version lives when `--data-uri` does not say: a folder of the workspace's default datastore. */
export function defaultDataUri(data: { name: string; version: string }): string {
  return `azureml://datastores/workspaceblobstore/paths/${data.name}/${data.version}/`;
}

/** A DataVersionCreated event for a version created now: a folder when the URI ends in "/", else a file. */
export function dataVersionCreatedEvent(
  data: { name: string; version: string },
  uri: string,
  workspace: string,
  cloudEvents: boolean,
): Record<string, unknown> {
  return workspaceEvent({
    type: WATCHED_EVENT_TYPES.dataVersionCreated,
    subject: `data/${data.name}:${data.version}`,
    data: {
      dataName: data.name,
      dataVersion: data.version,
      dataUri: uri,
      dataType: uri.endsWith("/") ? "uri_folder" : "uri_file",
      dataTags: {},
      dataCreatedAt: new Date().toISOString(),
    },
    dataVersion: WATCHED_DATA_VERSION,
    workspace,
    cloudEvents,
  });
}
