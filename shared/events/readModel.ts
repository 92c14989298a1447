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

// A model's name and version go into job input URIs and lineage tags sent to ARM: we hold them to
// the bound ARM sets on a job's own name (255 characters, Jobs_CreateOrUpdate `id`) and refuse
// control characters (NUL among them), which no Azure ML name holds.
const NAME_LIMIT = 255;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/** Why ARM cannot hold this name or version, if it cannot; the reason never repeats the value. */
function unholdable(kind: string, what: string, value: string): string[] {
  if (value.length > NAME_LIMIT)
    return [
      `${kind} event's ${what} is ${value.length} characters; Azure ML names hold at most ${NAME_LIMIT}`,
    ];
  const control = CONTROL.exec(value)?.[0];
  return control === undefined
    ? []
    : [
        `${kind} event's ${what} holds a control character (U+${control.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}), which Azure ML names cannot`,
      ];
}

const SUBJECT = /^models\/(.+):([^:/]+)$/;

/** Reads name, version and tags from ModelRegistered (or ModelTagsChanged) data, falling back to the subject `models/{name}:{version}`. */
export function readModel(
  data: unknown,
  subject: string,
  kind = "ModelRegistered",
): Result<RegisteredModel> {
  const record = isRecord(data) ? data : {};
  const fromSubject = SUBJECT.exec(subject);
  const nameValue = getIgnoringCase(record, "modelName");
  const name =
    typeof nameValue === "string" && nameValue.trim() !== "" ? nameValue.trim() : fromSubject?.[1];
  const version = asVersion(getIgnoringCase(record, "modelVersion")) ?? fromSubject?.[2];
  const errors: string[] = [];
  if (name === undefined)
    errors.push(
      `${kind} event has no model name: neither data.modelName nor a subject "models/<name>:<version>" (subject is ${JSON.stringify(subject.length > 200 ? `${subject.slice(0, 200)}…` : subject)})`,
    );
  if (version === undefined)
    errors.push(
      `${kind} event has no model version: neither data.modelVersion nor a subject "models/<name>:<version>"`,
    );
  if (name !== undefined) errors.push(...unholdable(kind, "model name", name));
  if (version !== undefined) errors.push(...unholdable(kind, "model version", version));
  if (name === undefined || version === undefined || errors.length > 0)
    return { ok: false, errors };

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
