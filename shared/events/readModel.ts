import { isRecord } from "../guards";
import type { Result } from "../result";

/** The model a ModelRegistered event is about. */
export interface RegisteredModel {
  name: string;
  version: string;
  tags: Record<string, string>;
}

// Casing varies in the wild: documented samples say ModelName, real workspaces say modelName.
function getIgnoringCase(record: Record<string, unknown>, key: string): unknown {
  const wanted = key.toLowerCase();
  for (const [k, v] of Object.entries(record)) if (k.toLowerCase() === wanted) return v;
  return undefined;
}

function asVersion(value: unknown): string | undefined {
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  if (typeof value === "string" && value.trim() !== "") return value.trim();
  return undefined;
}

const SUBJECT = /^models\/(.+):([^:/]+)$/;

/** Reads name, version and tags from ModelRegistered data, falling back to the subject `models/{name}:{version}`. */
export function readModel(data: unknown, subject: string): Result<RegisteredModel> {
  const record = isRecord(data) ? data : {};
  const fromSubject = SUBJECT.exec(subject);
  const nameValue = getIgnoringCase(record, "modelName");
  const name =
    typeof nameValue === "string" && nameValue.trim() !== "" ? nameValue.trim() : fromSubject?.[1];
  const version = asVersion(getIgnoringCase(record, "modelVersion")) ?? fromSubject?.[2];
  const errors: string[] = [];
  if (name === undefined)
    errors.push(
      `ModelRegistered event has no model name: neither data.modelName nor a subject "models/<name>:<version>" (subject is ${JSON.stringify(subject)})`,
    );
  if (version === undefined)
    errors.push(
      `ModelRegistered event has no model version: neither data.modelVersion nor a subject "models/<name>:<version>"`,
    );
  if (name === undefined || version === undefined) return { ok: false, errors };

  const rawTags = getIgnoringCase(record, "modelTags");
  // fromEntries defines own properties, so a "__proto__" tag stays a tag.
  const tags: Record<string, string> = Object.fromEntries(
    Object.entries(isRecord(rawTags) ? rawTags : {}).map(([key, value]) => [
      key,
      typeof value === "string" ? value : JSON.stringify(value),
    ]),
  );
  return { ok: true, value: { name, version, tags } };
}
