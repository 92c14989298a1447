import { AML_EVENT_TYPES, AZURE_EVENT_TYPES, WATCHED_EVENT_TYPES } from "../constants";
import { isRecord } from "../guards";
import type { Result } from "../result";
import { type CreatedBlob, type DataAssetVersion, readBlob, readDataAsset } from "./readAsset";
import { readModel, type RegisteredModel } from "./readModel";
import { type EndedRun, modelOfRun, readRun } from "./readRun";

/** One event in a single shape, whichever schema (Event Grid or CloudEvents 1.0) delivered it. */
export interface NormalizedEvent {
  id: string;
  type: string;
  source: string;
  subject: string;
  time: string;
  data: unknown;
  schema: "eventgrid" | "cloudevents";
  /** The registered model: of a ModelRegistered event, or the one a chained run's lineage names. */
  model?: RegisteredModel;
  /** The job that ended, for RunCompleted / RunStatusChanged / RunCanceled events. */
  run?: EndedRun;
  /** The data asset version of a DataVersionCreated event. */
  dataAsset?: DataAssetVersion;
  /** The blob of a BlobCreated event. */
  blob?: CreatedBlob;
}

function text(value: unknown): string | undefined {
  return typeof value === "string" && value.trim() !== "" ? value : undefined;
}

/** Best-effort id of a raw event, for reporting one that cannot be normalised. */
export function rawEventId(raw: unknown): string | null {
  return isRecord(raw) ? (text(raw.id) ?? null) : null;
}

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\b|^text\/json\b/i;

/**
 * A CloudEvent's data as a value. JSON content may arrive as a JSON string (`"data": "{...}"`, as
 * some SDKs send it) or base64 (`data_base64`); both are decoded. Binary content is refused with
 * its content type, never silently dropped.
 */
function cloudEventData(raw: Record<string, unknown>, errors: string[]): unknown {
  const contentType = typeof raw.datacontenttype === "string" ? raw.datacontenttype : undefined;
  const json = contentType === undefined || JSON_TYPE.test(contentType);
  if (raw.data !== undefined && raw.data_base64 !== undefined) {
    errors.push('cloudevents event has both "data" and "data_base64"');
    return null;
  }
  const parse = (textValue: string, what: string): unknown => {
    try {
      return JSON.parse(textValue) as unknown;
    } catch {
      errors.push(
        `cloudevents event's ${what} is not JSON (datacontenttype ${contentType ?? "absent"})`,
      );
      return null;
    }
  };
  if (raw.data_base64 !== undefined) {
    if (typeof raw.data_base64 !== "string" || !/^[A-Za-z0-9+/]*={0,2}$/.test(raw.data_base64)) {
      errors.push('cloudevents event field "data_base64" must be base64 text');
      return null;
    }
    if (!json) {
      errors.push(
        `cloudevents event carries binary data (data_base64, ${contentType}); only JSON data is supported`,
      );
      return null;
    }
    return parse(Buffer.from(raw.data_base64, "base64").toString("utf8"), "data_base64");
  }
  // A JSON string that holds JSON: decode it. A plain string stays a string when the type is not JSON.
  if (typeof raw.data === "string" && json && /^\s*[[{]/.test(raw.data))
    return parse(raw.data, "data");
  return raw.data ?? null;
}

/** Normalises a raw event, or says exactly what is missing. */
export function normalizeEvent(raw: unknown): Result<NormalizedEvent> {
  if (!isRecord(raw)) {
    return {
      ok: false,
      errors: [
        `event is ${Array.isArray(raw) ? "an array" : raw === null ? "null" : `a ${typeof raw}`}, not an object`,
      ],
    };
  }
  const isCloudEvent = "specversion" in raw;
  const schema = isCloudEvent ? "cloudevents" : "eventgrid";
  const errors: string[] = [];

  const id = text(raw.id);
  if (id === undefined) errors.push(`${schema} event has no "id"`);
  const typeKey = isCloudEvent ? "type" : "eventType";
  const type = text(raw[typeKey]);
  if (type === undefined) errors.push(`${schema} event has no "${typeKey}"`);
  if (isCloudEvent && raw.specversion !== "1.0") {
    errors.push(
      `cloudevents event has specversion ${JSON.stringify(raw.specversion)}; only "1.0" is supported`,
    );
  }
  const sourceKey = isCloudEvent ? "source" : "topic";
  const timeKey = isCloudEvent ? "time" : "eventTime";
  for (const key of [sourceKey, "subject", timeKey]) {
    if (raw[key] !== undefined && typeof raw[key] !== "string")
      errors.push(`${schema} event field "${key}" must be a string`);
  }
  const data = isCloudEvent ? cloudEventData(raw, errors) : (raw.data ?? null);
  if (errors.length > 0 || id === undefined || type === undefined) return { ok: false, errors };

  const event: NormalizedEvent = {
    id,
    type,
    source: text(raw[sourceKey]) ?? "",
    subject: text(raw.subject) ?? "",
    time: text(raw[timeKey]) ?? "",
    data,
    schema,
  };
  const lower = type.toLowerCase();
  const tagsChanged = lower === WATCHED_EVENT_TYPES.modelTagsChanged.toLowerCase();
  if (lower === AML_EVENT_TYPES.modelRegistered.toLowerCase() || tagsChanged) {
    const model = readModel(
      event.data,
      event.subject,
      tagsChanged ? "ModelTagsChanged" : "ModelRegistered",
    );
    if (!model.ok) return model;
    event.model = model.value;
  }
  if (lower === WATCHED_EVENT_TYPES.dataVersionCreated.toLowerCase()) {
    const asset = readDataAsset(event.data, event.subject);
    if (!asset.ok) return asset;
    event.dataAsset = asset.value;
  }
  if (lower === AZURE_EVENT_TYPES.blobCreated.toLowerCase()) {
    const blob = readBlob(event.source, event.subject, event.data);
    if (!blob.ok) return blob;
    event.blob = blob.value;
  }
  const run = readRun(type, event.data);
  if (run) {
    event.run = run;
    // A job this project started carries its model in its lineage: a chained workflow can use it.
    const model = modelOfRun(run);
    if (model) event.model = model;
  }
  return { ok: true, value: event };
}
