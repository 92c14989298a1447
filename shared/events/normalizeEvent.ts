import { AML_EVENT_TYPES } from "../constants";
import { isRecord } from "../guards";
import type { Result } from "../result";
import { readModel, type RegisteredModel } from "./readModel";

/** One event in a single shape, whichever schema (Event Grid or CloudEvents 1.0) delivered it. */
export interface NormalizedEvent {
  id: string;
  type: string;
  source: string;
  subject: string;
  time: string;
  data: unknown;
  schema: "eventgrid" | "cloudevents";
  /** The registered model, for ModelRegistered events. */
  model?: RegisteredModel;
}

function text(value: unknown): string | undefined {
  return typeof value === "string" && value.trim() !== "" ? value : undefined;
}

/** Best-effort id of a raw event, for reporting one that cannot be normalised. */
export function rawEventId(raw: unknown): string | null {
  return isRecord(raw) ? (text(raw.id) ?? null) : null;
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
  if (errors.length > 0 || id === undefined || type === undefined) return { ok: false, errors };

  const event: NormalizedEvent = {
    id,
    type,
    source: text(raw[sourceKey]) ?? "",
    subject: text(raw.subject) ?? "",
    time: text(raw[timeKey]) ?? "",
    data: raw.data ?? null,
    schema,
  };
  if (type.toLowerCase() === AML_EVENT_TYPES.modelRegistered.toLowerCase()) {
    const model = readModel(event.data, event.subject);
    if (!model.ok) return model;
    event.model = model.value;
  }
  return { ok: true, value: event };
}
